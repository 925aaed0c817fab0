using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Push delivery end to end: the real self-host, a real webhook receiver (an ASP.NET Core app on 127.0.0.1) that
/// answers the validation handshake, goes down (its port closed) and comes back; every event the case published to the
/// queue reaches it, signed, decoded with the CloudEvents SDK; a receiver that never comes back is dead-lettered.
/// </summary>
public sealed class WebhookDeliveryTests(TestStorage storage)
{
    const string Reminder = "id.go.pulang.case.reminder.v1";
    const string Withdrawn = "id.go.pulang.case.withdrawn.v1";

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A webhook receiver on a fixed loopback port that can be stopped and started again.</summary>
    sealed class Receiver(int port) : IAsyncDisposable
    {
        WebApplication? app;

        public ConcurrentBag<(byte[] Body, string? Signature, string? Attempt)> Received { get; } = [];

        public string Url => $"http://127.0.0.1:{port}/hook";

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            app = builder.Build();
            app.MapMethods("/hook", ["OPTIONS"], (HttpContext http) =>
            {
                http.Response.Headers["WebHook-Allowed-Origin"] = http.Request.Headers["WebHook-Request-Origin"].ToString();
                return Results.Ok();
            });
            app.MapPost("/hook", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                Received.Add((body.ToArray(), http.Request.Headers["Pulang-Signature"], http.Request.Headers["Pulang-Delivery-Attempt"]));
                return Results.Ok();
            });
            await app.StartAsync();
        }

        public async Task StopAsync()
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
                app = null;
            }
        }

        public ValueTask DisposeAsync() => new(StopAsync());
    }

    [Fact]
    public async Task A_receiver_down_and_back_gets_every_event_signed_and_one_that_stays_down_is_dead_lettered()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("hook"), new Dictionary<string, string>
        {
            ["Pulang__Webhooks__AllowHttp"] = "true",
            ["Pulang__Webhooks__FirstRetryInterval"] = "00:00:01",
            ["Pulang__Webhooks__MaxRetryInterval"] = "00:00:04",
            ["Pulang__Webhooks__MaxAttempts"] = "6",
            ["Pulang__Webhooks__Timeout"] = "00:00:05",
            ["Pulang__Reminders__DocumentsPending"] = "00:00:03",
        });
        await host.StartAsync();
        var admin = host.Tokens.MintDemo("pulang-admin");
        await using var receiver = new Receiver(SelfHostProcess.FreePort());
        await using var gone = new Receiver(SelfHostProcess.FreePort());
        await receiver.StartAsync();
        await gone.StartAsync();

        // A receiver that does not answer the handshake is refused and nothing is stored.
        var refused = await host.Client.JsonAsync(HttpMethod.Post, "/api/subscriptions", admin, new { url = $"http://127.0.0.1:{SelfHostProcess.FreePort()}/hook", eventTypes = new[] { Reminder } }, ct: Ct);
        Assert.Equal((HttpStatusCode)422, refused.Status);
        Assert.Equal("subscription.handshake-failed", refused.Json.GetProperty("code").GetString());

        var sub = (await host.Client.JsonAsync(HttpMethod.Post, "/api/subscriptions", admin, new { url = receiver.Url, eventTypes = new[] { Reminder, Withdrawn } }, ct: Ct)).EnsureSuccess();
        Assert.Equal(HttpStatusCode.Created, sub.Status);
        var subscriptionId = sub.Json.GetProperty("id").GetString()!;
        var secret = Convert.FromBase64String(sub.Json.GetProperty("secret").GetString()!);
        var deadSub = (await host.Client.JsonAsync(HttpMethod.Post, "/api/subscriptions", admin, new { url = gone.Url, eventTypes = new[] { Withdrawn } }, ct: Ct)).EnsureSuccess();
        var deadId = deadSub.Json.GetProperty("id").GetString()!;
        await gone.StopAsync();
        var listed = (await host.Client.GetAsync("/api/subscriptions", admin, Ct)).EnsureSuccess().Json.GetProperty("subscriptions");
        Assert.Equal(2, listed.GetArrayLength());
        Assert.All(listed.EnumerateArray(), s => Assert.False(s.TryGetProperty("secret", out var v) && v.ValueKind != System.Text.Json.JsonValueKind.Null));

        // The receiver goes down; the case publishes reminders meanwhile, then is withdrawn.
        await receiver.StopAsync();
        var created = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"HOOK-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess();
        var caseId = created.Json.GetProperty("caseId").GetString()!;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, host.TaskHub, caseId, Ct)).Count(e => e.Type == Reminder) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "no two reminders within 3 min");
            await Task.Delay(500, Ct);
        }

        (await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/withdraw", admin, new { reason = "webhook test" }, ct: Ct)).EnsureSuccess();
        var pending = (await host.Client.GetAsync($"/api/subscriptions/{subscriptionId}/deliveries", admin, Ct)).EnsureSuccess().Json.GetProperty("deliveries");
        Assert.All(pending.EnumerateArray(), d => Assert.NotEqual("delivered", d.GetProperty("status").GetString()));
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);

        // Back up: every event of the case on the queue arrives, signed, a valid CloudEvent.
        var back = Stopwatch.StartNew();
        await receiver.StartAsync();
        // The events of the types subscribed to (the case also publishes case.overdue after its second reminder).
        var published = (await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, host.TaskHub, caseId, Ct)).Where(e => e.Type is Reminder or Withdrawn).Select(e => e.Id).ToHashSet();
        Assert.Contains($"{caseId}:withdrawn", published);
        List<ReceivedEvent> received = [];
        deadline = DateTime.UtcNow.AddMinutes(3);
        while (!published.IsSubsetOf(received.Select(e => e.Id)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not every event arrived within 3 min: published {string.Join(", ", published)}; received {string.Join(", ", received.Select(e => e.Id))}");
            await Task.Delay(500, Ct);
            received = [.. receiver.Received.Select(r => ReceivedEvent.Decode(BinaryData.FromBytes(r.Body))).Where(e => e.CaseId == caseId)];
        }

        var allBack = back.Elapsed;
        Assert.All(receiver.Received, r => Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, r.Body)), r.Signature));
        Assert.All(received, e => Assert.Contains(e.Type, new[] { Reminder, Withdrawn }));
        var log = (await host.Client.GetAsync($"/api/subscriptions/{subscriptionId}/deliveries", admin, Ct)).EnsureSuccess().Json.GetProperty("deliveries").EnumerateArray().ToList();
        var mine = log.Where(d => published.Contains(d.GetProperty("eventId").GetString()!)).ToList();
        Assert.Equal(published.Count, mine.Count);
        Assert.All(mine, d => Assert.Equal("delivered", d.GetProperty("status").GetString()));
        Assert.Contains(mine, d => d.GetProperty("attempts").GetInt32() > 1);

        // The receiver that never came back: dead-lettered after 6 tries, each in the log.
        deadline = DateTime.UtcNow.AddMinutes(3);
        System.Text.Json.JsonElement dead;
        while (true)
        {
            var deadLog = (await host.Client.GetAsync($"/api/subscriptions/{deadId}/deliveries", admin, Ct)).EnsureSuccess().Json.GetProperty("deliveries");
            dead = deadLog.EnumerateArray().FirstOrDefault(d => d.GetProperty("eventId").GetString() == $"{caseId}:withdrawn");
            if (dead.ValueKind == System.Text.Json.JsonValueKind.Object && dead.GetProperty("status").GetString() == "dead-lettered") break;
            Assert.True(DateTime.UtcNow < deadline, $"not dead-lettered within 3 min: {dead}");
            await Task.Delay(1000, Ct);
        }

        Assert.Equal(6, dead.GetProperty("attempts").GetInt32());
        Assert.Equal(6, dead.GetProperty("history").GetArrayLength());
        // No receiver answered: no status (left out of the JSON), the connection error named.
        Assert.All(dead.GetProperty("history").EnumerateArray(), a => Assert.False(a.TryGetProperty("statusCode", out _)));
        Assert.All(dead.GetProperty("history").EnumerateArray(), a => Assert.Equal("connection refused or reset", a.GetProperty("error").GetString()));

        // Pause, resume and delete answer with the subscription; a deleted one is gone.
        Assert.Equal("paused", (await host.Client.SendAsync(HttpMethod.Post, $"/api/subscriptions/{subscriptionId}/pause", admin, ct: Ct)).EnsureSuccess().Json.GetProperty("status").GetString());
        Assert.Equal("active", (await host.Client.SendAsync(HttpMethod.Post, $"/api/subscriptions/{subscriptionId}/resume", admin, ct: Ct)).EnsureSuccess().Json.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.SendAsync(HttpMethod.Delete, $"/api/subscriptions/{deadId}", admin, ct: Ct)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/subscriptions/{deadId}", admin, Ct)).Status);

        var attempts = mine.Sum(d => d.GetProperty("attempts").GetInt32());
        var figures = $"webhook: {published.Count} events published while the receiver was down; all {published.Count} delivered {allBack.TotalSeconds:F1} s after it came back; {attempts} tries ({attempts - published.Count} failed); {receiver.Received.Count(r => CaseIdIn(r.Body) == caseId) - published.Count} duplicates; dead-lettered after 6 tries";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        if (Environment.GetEnvironmentVariable("PULANG_WEBHOOK_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, figures + Environment.NewLine, CancellationToken.None);
        }
    }

    static string? CaseIdIn(byte[] body) => ReceivedEvent.Decode(BinaryData.FromBytes(body)).CaseId;
}
