using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Pulang.Workflows.Events;

/// <summary>Retry policy of one delivery, fixed when the event is published (orchestrations must not read configuration).</summary>
/// <param name="FirstRetryInterval">Wait before the second try; doubled for each further one.</param>
/// <param name="MaxRetryInterval">Longest wait between tries.</param>
/// <param name="MaxAttempts">Tries before the delivery is dead-lettered.</param>
/// <param name="PausedRecheckInterval">How often a paused subscription is looked at again.</param>
public sealed record WebhookRetryPolicy(TimeSpan FirstRetryInterval, TimeSpan MaxRetryInterval, int MaxAttempts, TimeSpan PausedRecheckInterval)
{
    /// <summary>The wait after failed try number <paramref name="attempt"/> (1-based): first × 2^(attempt-1), at most the maximum.</summary>
    public TimeSpan DelayAfter(int attempt) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryInterval.Ticks, FirstRetryInterval.Ticks * (long)Math.Pow(2, Math.Min(attempt - 1, 30))));
}

/// <summary>Input of <see cref="WebhookDeliveryOrchestration"/>.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="EventId">The CloudEvents <c>id</c>.</param>
/// <param name="Body">The structured-mode CloudEvent (JSON), sent as it is.</param>
/// <param name="Policy">Retries.</param>
/// <param name="AttemptsSoFar">Tries made before this generation (after continue-as-new while paused).</param>
public sealed record WebhookDeliveryInput(string SubscriptionId, string EventId, string Body, WebhookRetryPolicy Policy, int AttemptsSoFar = 0);

/// <summary>Input of <see cref="DeliverWebhookActivity"/>.</summary>
public sealed record WebhookAttempt(string SubscriptionId, string EventId, string Body, int Attempt, bool Last);

/// <summary>What one try came to: <c>delivered</c>, <c>failed</c>, <c>dead-lettered</c> (failed, and it was the last), <c>paused</c>, <c>gone</c> (no subscription).</summary>
public sealed record WebhookAttemptResult(string Outcome, int? StatusCode);

/// <summary>
/// Delivers one event to one subscription, durably (instance ID <c>webhook:{subscriptionId}:{eventId}</c>): tries
/// (<see cref="DeliverWebhookActivity"/>), waits with exponential backoff on a durable timer, tries again, until the
/// receiver answers 2xx or <see cref="WebhookRetryPolicy.MaxAttempts"/> tries failed (dead-lettered: it stays in the
/// delivery log with every try). A paused subscription's delivery waits without using tries; a deleted one's stops.
/// A crash or restart of the host loses nothing: the orchestration resumes from its history. Returns the outcome.
/// </summary>
public sealed class WebhookDeliveryOrchestration : TaskOrchestrator<WebhookDeliveryInput, string>
{
    /// <summary>Name of the activity that makes one try.</summary>
    public const string DeliverActivity = "DeliverWebhook";

    /// <summary>The instance ID of the delivery of <paramref name="eventId"/> to <paramref name="subscriptionId"/>.</summary>
    public static string InstanceIdFor(string subscriptionId, string eventId) => $"webhook:{subscriptionId}:{eventId}";

    /// <inheritdoc/>
    public override async Task<string> RunAsync(TaskOrchestrationContext context, WebhookDeliveryInput input)
    {
        var retry = new TaskOptions(new TaskRetryOptions(new RetryPolicy(5, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(2))));
        for (var attempt = input.AttemptsSoFar + 1; ; attempt++)
        {
            var result = await context.CallActivityAsync<WebhookAttemptResult>(DeliverActivity,
                new WebhookAttempt(input.SubscriptionId, input.EventId, input.Body, attempt, attempt >= input.Policy.MaxAttempts), retry);
            switch (result.Outcome)
            {
                case "delivered" or "dead-lettered" or "gone":
                    return result.Outcome;
                case "paused":
                    await context.CreateTimer(input.Policy.PausedRecheckInterval, CancellationToken.None);
                    context.ContinueAsNew(input with { AttemptsSoFar = attempt - 1 });
                    return "paused";
                default:
                    await context.CreateTimer(input.Policy.DelayAfter(attempt), CancellationToken.None);
                    break;
            }
        }
    }
}

/// <summary>
/// One try of a webhook delivery: <c>POST</c> the structured CloudEvent (<c>Content-Type: application/cloudevents+json</c>)
/// to the subscription's URL with <c>Pulang-Signature: sha256={hex}</c> (HMAC-SHA256 of the exact body bytes, key = the
/// subscription's secret decoded from base64) and <c>Pulang-Delivery-Attempt</c>; records the try in the delivery log.
/// Any 2xx is delivered; anything else (another status, refused connection, timeout) is a failed try.
/// </summary>
public sealed class DeliverWebhookActivity(WebhookStore store, IHttpClientFactory http, Microsoft.Extensions.Options.IOptions<PulangOptions> options, TimeProvider clock, ILogger<DeliverWebhookActivity> logger)
    : TaskActivity<WebhookAttempt, WebhookAttemptResult>
{
    /// <summary>The name of the HTTP client deliveries and handshakes use.</summary>
    public const string HttpClientName = "pulang-webhooks";

    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "Pulang-Signature";

    /// <summary>The attempt-number header.</summary>
    public const string AttemptHeader = "Pulang-Delivery-Attempt";

    /// <inheritdoc/>
    public override async Task<WebhookAttemptResult> RunAsync(TaskActivityContext context, WebhookAttempt input)
    {
        var subscription = await store.GetAsync(input.SubscriptionId, withSecret: true, CancellationToken.None);
        if (subscription is null)
        {
            await store.SetDeliveryStatusAsync(input.SubscriptionId, input.EventId, "cancelled", CancellationToken.None);
            return new WebhookAttemptResult("gone", null);
        }

        if (subscription.Status == Subscription.Paused)
        {
            await store.SetDeliveryStatusAsync(input.SubscriptionId, input.EventId, "pending", CancellationToken.None);
            return new WebhookAttemptResult("paused", null);
        }

        var body = Encoding.UTF8.GetBytes(input.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CaseEventFormat.MediaType) { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(body, subscription.Secret!));
        request.Headers.Add(AttemptHeader, input.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        try
        {
            using var timeout = new CancellationTokenSource(options.Value.Webhooks.Timeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) error = $"HTTP {status}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            error = e is OperationCanceledException ? "timeout" : Problems(e);
        }

        var delivered = error is null;
        var outcome = delivered ? "delivered" : input.Last ? "dead-lettered" : "failed";
        if (!delivered) Telemetry.PulangTelemetry.RecordWebhookFailure(outcome, status);
        await store.RecordAttemptAsync(input.SubscriptionId, input.EventId, input.Attempt, new DeliveryAttempt(started, status, error, watch.ElapsedMilliseconds),
            outcome == "failed" ? "retrying" : outcome, CancellationToken.None);
        if (outcome == "dead-lettered")
        {
            logger.LogWarning("Delivery of {EventId} to {SubscriptionId} dead-lettered after {Attempts} tries: {Error}", input.EventId, input.SubscriptionId, input.Attempt, error);
        }

        return new WebhookAttemptResult(outcome, status);
    }

    /// <summary>The <c>Pulang-Signature</c> value for <paramref name="body"/>: <c>sha256=</c> and the lower-case hex HMAC-SHA256 with the base64 <paramref name="secret"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(secret), body));

    static string Problems(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.ConnectionError => "connection refused or reset",
        HttpRequestError.NameResolutionError => "host name not found",
        HttpRequestError.SecureConnectionError => "TLS failed",
        var other => other.ToString(),
    };

    static string Problems(Exception e) => e is HttpRequestException h ? Problems(h) : e.GetType().Name;
}
