using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Events;

/// <summary>A webhook subscription as the API shows it (never with its secret, except once at creation).</summary>
/// <param name="Id">Subscription ID, <c>sub-</c> and 16 hex digits.</param>
/// <param name="Url">Receiver URL (https, or http with <c>Pulang:Webhooks:AllowHttp</c>).</param>
/// <param name="EventTypes">CloudEvents types delivered (<see cref="CaseEventTypes"/>).</param>
/// <param name="Status"><c>active</c> or <c>paused</c> (deliveries wait, then go out on resume).</param>
/// <param name="CreatedAt">UTC.</param>
/// <param name="CreatedBy">The admin who created it.</param>
/// <param name="Secret">The HMAC-SHA256 key (base64), only in the answer to the create call.</param>
public sealed record Subscription(string Id, string Url, IReadOnlyList<string> EventTypes, string Status, DateTimeOffset CreatedAt, string CreatedBy, string? Secret = null)
{
    /// <summary>Status of a subscription that delivers.</summary>
    public const string Active = "active";

    /// <summary>Status of a subscription whose deliveries wait.</summary>
    public const string Paused = "paused";
}

/// <summary>One try of a delivery.</summary>
/// <param name="At">UTC start of the try.</param>
/// <param name="StatusCode">The receiver's HTTP status, or null when none came (refused, timeout).</param>
/// <param name="Error">Why it failed, when it did (short; no body).</param>
/// <param name="Milliseconds">How long the try took.</param>
public sealed record DeliveryAttempt(DateTimeOffset At, int? StatusCode, string? Error, long Milliseconds);

/// <summary>One event's delivery to one subscription (the delivery log, <c>GET /api/subscriptions/{id}/deliveries</c>).</summary>
/// <param name="EventId">The CloudEvents <c>id</c> (stable: receivers deduplicate by it).</param>
/// <param name="EventType">The CloudEvents <c>type</c>.</param>
/// <param name="Status"><c>pending</c> (not tried yet, or waiting while paused), <c>retrying</c>, <c>delivered</c>, <c>dead-lettered</c> (every try failed) or <c>cancelled</c> (subscription deleted).</param>
/// <param name="Attempts">Tries so far.</param>
/// <param name="CreatedAt">UTC, when the event was published to the subscription.</param>
/// <param name="DeliveredAt">UTC of the successful try.</param>
/// <param name="History">The tries, oldest first (the last 20).</param>
public sealed record Delivery(string EventId, string EventType, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, IReadOnlyList<DeliveryAttempt> History);

/// <summary>
/// The subscriptions table (partition <c>subscriptions</c>, row = subscription ID) and the deliveries table (partition =
/// subscription ID, row = event ID) in Azure Storage.
/// </summary>
public sealed class WebhookStore(PulangStorage storage, IOptions<PulangOptions> options)
{
    const string Partition = "subscriptions";
    const int HistoryKept = 20;

    TableClient Subscriptions => storage.Tables.GetTableClient(options.Value.Webhooks.SubscriptionsTable);

    TableClient Deliveries => storage.Tables.GetTableClient(options.Value.Webhooks.DeliveriesTable);

    /// <summary>Creates both tables when missing (idempotent).</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        await Subscriptions.CreateIfNotExistsAsync(ct);
        await Deliveries.CreateIfNotExistsAsync(ct);
    }

    /// <summary>Stores a new subscription with a fresh ID and secret; returns it with the secret.</summary>
    public async Task<Subscription> CreateAsync(string url, IReadOnlyList<string> eventTypes, string createdBy, DateTimeOffset now, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        var s = new Subscription("sub-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), url, eventTypes, Subscription.Active, now, createdBy,
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        await Subscriptions.AddEntityAsync(new TableEntity(Partition, s.Id)
        {
            ["Url"] = s.Url,
            ["EventTypes"] = string.Join(' ', s.EventTypes),
            ["Status"] = s.Status,
            ["CreatedAt"] = s.CreatedAt,
            ["CreatedBy"] = s.CreatedBy,
            ["Secret"] = s.Secret,
        }, ct);
        return s;
    }

    /// <summary>Every subscription (without secrets), oldest first.</summary>
    public async Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken ct)
    {
        var list = new List<Subscription>();
        try
        {
            await foreach (var e in Subscriptions.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: ct))
            {
                list.Add(ToSubscription(e, withSecret: false));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }

        return [.. list.OrderBy(s => s.CreatedAt)];
    }

    /// <summary>One subscription, or null; with its secret only when <paramref name="withSecret"/> (for signing).</summary>
    public async Task<Subscription?> GetAsync(string id, bool withSecret, CancellationToken ct)
    {
        if (!IsId(id)) return null;
        try
        {
            var e = await Subscriptions.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
            return e.HasValue ? ToSubscription(e.Value!, withSecret) : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Sets <c>active</c> or <c>paused</c>; returns the subscription, or null when there is none.</summary>
    public async Task<Subscription?> SetStatusAsync(string id, string status, CancellationToken ct)
    {
        if (await GetAsync(id, withSecret: false, ct) is null) return null;
        await Subscriptions.UpdateEntityAsync(new TableEntity(Partition, id) { ["Status"] = status }, ETag.All, TableUpdateMode.Merge, ct);
        return await GetAsync(id, withSecret: false, ct);
    }

    /// <summary>Deletes a subscription (its pending deliveries stop at their next try); false when there was none.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        if (await GetAsync(id, withSecret: false, ct) is null) return false;
        await Subscriptions.DeleteEntityAsync(Partition, id, ETag.All, ct);
        return true;
    }

    /// <summary>
    /// Records that <paramref name="eventId"/> goes to <paramref name="subscriptionId"/>; true when it was new or recorded
    /// but never scheduled (the caller schedules its delivery and then calls <see cref="MarkScheduledAsync"/>).
    /// </summary>
    public async Task<bool> BeginAsync(string subscriptionId, string eventId, string eventType, DateTimeOffset now, CancellationToken ct)
    {
        var row = RowKey(eventId);
        try
        {
            await Deliveries.AddEntityAsync(new TableEntity(subscriptionId, row)
            {
                ["EventId"] = eventId,
                ["EventType"] = eventType,
                ["Status"] = "pending",
                ["Attempts"] = 0,
                ["CreatedAt"] = now,
                ["Scheduled"] = false,
                ["History"] = "[]",
            }, ct);
            return true;
        }
        catch (RequestFailedException e) when (PulangStorage.IsAlreadyExists(e))
        {
            var existing = await Deliveries.GetEntityAsync<TableEntity>(subscriptionId, row, cancellationToken: ct);
            return existing.Value.GetBoolean("Scheduled") != true;
        }
    }

    /// <summary>Marks the delivery's orchestration as scheduled (a re-run publish then leaves it alone).</summary>
    public Task MarkScheduledAsync(string subscriptionId, string eventId, CancellationToken ct) =>
        Deliveries.UpdateEntityAsync(new TableEntity(subscriptionId, RowKey(eventId)) { ["Scheduled"] = true }, ETag.All, TableUpdateMode.Merge, ct);

    /// <summary>Records one try and the delivery's new <paramref name="status"/>.</summary>
    public async Task RecordAttemptAsync(string subscriptionId, string eventId, int attempt, DeliveryAttempt tried, string status, CancellationToken ct)
    {
        var row = RowKey(eventId);
        var current = await Deliveries.GetEntityIfExistsAsync<TableEntity>(subscriptionId, row, cancellationToken: ct);
        var history = current.HasValue ? JsonSerializer.Deserialize<List<DeliveryAttempt>>(current.Value!.GetString("History") ?? "[]", PulangJson.Options) ?? [] : [];
        history.Add(tried);
        var update = new TableEntity(subscriptionId, row)
        {
            ["Status"] = status,
            ["Attempts"] = attempt,
            ["History"] = JsonSerializer.Serialize(history.TakeLast(HistoryKept), PulangJson.Options),
        };
        if (status == "delivered") update["DeliveredAt"] = tried.At;
        await Deliveries.UpsertEntityAsync(update, TableUpdateMode.Merge, ct);
    }

    /// <summary>Sets a delivery's status without a try (<c>pending</c> while paused, <c>cancelled</c>).</summary>
    public Task SetDeliveryStatusAsync(string subscriptionId, string eventId, string status, CancellationToken ct) =>
        Deliveries.UpsertEntityAsync(new TableEntity(subscriptionId, RowKey(eventId)) { ["Status"] = status }, TableUpdateMode.Merge, ct);

    /// <summary>The subscription's deliveries, newest first (at most <paramref name="max"/>).</summary>
    public async Task<IReadOnlyList<Delivery>> DeliveriesAsync(string subscriptionId, int max, CancellationToken ct)
    {
        var list = new List<Delivery>();
        try
        {
            await foreach (var e in Deliveries.QueryAsync<TableEntity>(e => e.PartitionKey == subscriptionId, cancellationToken: ct))
            {
                list.Add(new Delivery(
                    e.GetString("EventId") ?? e.RowKey,
                    e.GetString("EventType") ?? "",
                    e.GetString("Status") ?? "pending",
                    e.GetInt32("Attempts") ?? 0,
                    e.GetDateTimeOffset("CreatedAt") ?? default,
                    e.GetDateTimeOffset("DeliveredAt"),
                    JsonSerializer.Deserialize<List<DeliveryAttempt>>(e.GetString("History") ?? "[]", PulangJson.Options) ?? []));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }

        return [.. list.OrderByDescending(d => d.CreatedAt).Take(max)];
    }

    /// <summary>True for the form of a subscription ID (<c>sub-</c> and 16 lower-case hex digits).</summary>
    public static bool IsId(string? id) =>
        id is { Length: 20 } && id.StartsWith("sub-", StringComparison.Ordinal) && id[4..].All(char.IsAsciiHexDigitLower);

    /// <summary>An event ID as a row key: characters Table storage refuses in keys (<c>/ \ # ?</c>, controls) as <c>%XX</c>.</summary>
    static string RowKey(string eventId) => string.Concat(eventId.Select(c =>
        c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c) ? $"%{(int)c:X2}" : c.ToString()));

    static Subscription ToSubscription(TableEntity e, bool withSecret) => new(
        e.RowKey,
        e.GetString("Url") ?? "",
        (e.GetString("EventTypes") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
        e.GetString("Status") ?? Subscription.Active,
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetString("CreatedBy") ?? "",
        withSecret ? e.GetString("Secret") : null);
}
