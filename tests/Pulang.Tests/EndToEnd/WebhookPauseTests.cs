using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// A paused webhook subscription on the real self-host: nothing reaches its receiver while it is paused (the deliveries wait
/// without using tries), and after resume every event of the case arrives once (by CloudEvents <c>id</c>), signed.
/// </summary>
public sealed class WebhookPauseTests(TestStorage storage)
{
    const string Reminder = "id.go.pulang.case.reminder.v1";
    const string Withdrawn = "id.go.pulang.case.withdrawn.v1";

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_paused_subscription_receives_nothing_and_after_resume_every_event_once()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("pause"), new Dictionary<string, string>
        {
            ["Pulang__Webhooks__AllowHttp"] = "true",
            ["Pulang__Webhooks__FirstRetryInterval"] = "00:00:01",
            ["Pulang__Webhooks__MaxRetryInterval"] = "00:00:04",
            ["Pulang__Webhooks__PausedRecheckInterval"] = "00:00:02",
            ["Pulang__Webhooks__Timeout"] = "00:00:30",
            ["Pulang__Reminders__DocumentsPending"] = "00:00:03",
        });
        await host.StartAsync();
        var admin = host.Tokens.MintDemo("pulang-admin");

        var received = new ConcurrentQueue<(byte[] Body, string? Signature)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{SelfHostProcess.FreePort()}");
        builder.Logging.ClearProviders();
        await using var receiver = builder.Build();
        receiver.MapMethods("/hook", ["OPTIONS"], (HttpContext http) =>
        {
            http.Response.Headers["WebHook-Allowed-Origin"] = http.Request.Headers["WebHook-Request-Origin"].ToString();
            return Results.Ok();
        });
        receiver.MapPost("/hook", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            received.Enqueue((body.ToArray(), http.Request.Headers["Pulang-Signature"]));
            return Results.Ok();
        });
        await receiver.StartAsync(Ct);
        var url = receiver.Urls.Single() + "/hook";

        var sub = (await host.Client.JsonAsync(HttpMethod.Post, "/api/subscriptions", admin, new { url, eventTypes = new[] { Reminder, Withdrawn } }, ct: Ct)).EnsureSuccess();
        var subscriptionId = sub.Json.GetProperty("id").GetString()!;
        var secret = Convert.FromBase64String(sub.Json.GetProperty("secret").GetString()!);
        Assert.Equal("paused", (await host.Client.SendAsync(HttpMethod.Post, $"/api/subscriptions/{subscriptionId}/pause", admin, ct: Ct)).EnsureSuccess().Json.GetProperty("status").GetString());

        // While paused: the case publishes reminders and is withdrawn.
        var caseId = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"PAUSE-{Guid.NewGuid():N}"), ct: Ct))
            .EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, host.TaskHub, caseId, Ct)).Count(e => e.Type == Reminder) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "no two reminders within 3 min");
            await Task.Delay(500, Ct);
        }

        (await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/withdraw", admin, new { reason = "pause test" }, ct: Ct)).EnsureSuccess();
        // The events of the types subscribed to (the case also publishes case.overdue after its second reminder).
        var published = (await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, host.TaskHub, caseId, Ct)).Where(e => e.Type is Reminder or Withdrawn).Select(e => e.Id).ToHashSet();
        Assert.Contains($"{caseId}:withdrawn", published);

        // Several recheck intervals later nothing has arrived, and no delivery used up a try.
        await Task.Delay(TimeSpan.FromSeconds(8), Ct);
        Assert.Empty(received);
        var log = (await host.Client.GetAsync($"/api/subscriptions/{subscriptionId}/deliveries", admin, Ct)).EnsureSuccess().Json.GetProperty("deliveries").EnumerateArray().ToList();
        Assert.All(log, d => Assert.NotEqual("delivered", d.GetProperty("status").GetString()));
        Assert.All(log, d => Assert.NotEqual("dead-lettered", d.GetProperty("status").GetString()));

        // Resume: every event of the case arrives, each id once, signed.
        Assert.Equal("active", (await host.Client.SendAsync(HttpMethod.Post, $"/api/subscriptions/{subscriptionId}/resume", admin, ct: Ct)).EnsureSuccess().Json.GetProperty("status").GetString());
        List<ReceivedEvent> events = [];
        deadline = DateTime.UtcNow.AddMinutes(3);
        while (!published.IsSubsetOf(events.Select(e => e.Id)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not every event arrived within 3 min of resume: published {string.Join(", ", published)}; received {string.Join(", ", events.Select(e => e.Id))}");
            await Task.Delay(500, Ct);
            events = [.. received.Select(r => ReceivedEvent.Decode(BinaryData.FromBytes(r.Body))).Where(e => e.CaseId == caseId)];
        }

        await Task.Delay(TimeSpan.FromSeconds(4), Ct); // room for a duplicate to show
        events = [.. received.Select(r => ReceivedEvent.Decode(BinaryData.FromBytes(r.Body))).Where(e => e.CaseId == caseId)];
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id).Distinct().Order());
        Assert.All(received, r => Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, r.Body)), r.Signature));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync($"/api/subscriptions/{subscriptionId}", admin, Ct)).Status);
    }
}
