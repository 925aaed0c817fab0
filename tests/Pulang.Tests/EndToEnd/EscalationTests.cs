using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Escalation on the real self-host and Azurite, with a 3-second DocumentsPending interval: a case left waiting for its
/// documents under an investigation hold is reminded on its stage's clock (the hold neither restarts it nor swaps in the
/// 14-day OnHold interval), becomes overdue at its second reminder (<c>case.overdue</c> on the events queue, valid against its
/// schema), and shows so in its view, the case index, the admin's inbox (API and web), the web's cases list and its audit
/// trail; once withdrawn it is overdue nowhere.
/// </summary>
public sealed class EscalationTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string Reminder = "id.go.pulang.case.reminder.v1";
    const string Overdue = "id.go.pulang.case.overdue.v1";

    [Fact]
    public async Task A_case_left_in_its_stage_under_a_hold_becomes_overdue_for_the_admin()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("overdue"), new Dictionary<string, string>
        {
            ["Pulang__Reminders__DocumentsPending"] = "00:00:03",
            ["Pulang__Reminders__OverdueAfter"] = "2",
        });
        await host.StartAsync();
        var reference = $"OVERDUE-{Guid.NewGuid():N}";
        var created = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake(reference), ct: Ct)).EnsureSuccess();
        var caseId = created.Json.GetProperty("caseId").GetString()!;
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        var admin = host.Tokens.MintDemo("pulang-admin");

        // A hold stops only the release: the documents are still awaited and their clock keeps running.
        var held = await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", host.Tokens.MintDemo("police-liaison"), new { reason = "fictional TPPO check" }, ct: Ct);
        Assert.True(held.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, held.Body);

        List<ReceivedEvent> events = [];
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!events.Any(e => e.Type == Overdue))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no case.overdue within 2 min; events: {string.Join(", ", events.Select(e => e.Id))}");
            await Task.Delay(500, Ct);
            events = await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, host.TaskHub, caseId, Ct);
        }

        var state = (await host.Client.GetAsync($"/api/cases/{caseId}", reader, Ct)).EnsureSuccess().Case;
        var overdue = Assert.Single(events, e => e.Type == Overdue);
        Assert.Equal($"{caseId}:overdue:DocumentsPending:2", overdue.Id);
        Assert.Equal(("DocumentsPending", "2"), (overdue.Data["stage"], overdue.Data["reminders"]));
        Assert.Equal(state.OpenedAt, DateTimeOffset.Parse(overdue.Data["stageSince"], CultureInfo.InvariantCulture)); // the stage's clock, not the hold's
        Assert.Contains(events, e => e.Type == Reminder && e.Id == $"{caseId}:reminder:DocumentsPending:1" && e.Data["stage"] == "DocumentsPending");
        Assert.Contains(events, e => e.Type == Reminder && e.Id == $"{caseId}:reminder:DocumentsPending:2");

        // The view: overdue, since when, on hold, still waiting for documents.
        Assert.True(state.Overdue, $"remindersInStage {state.RemindersInStage}");
        Assert.True(state.OnHold);
        Assert.Equal(Stage.DocumentsPending, state.Stage);
        Assert.NotNull(state.OverdueSince);
        // A durable timer may fire a few milliseconds before its due time (a CI run saw 5 ms: the queue message's visibility
        // delay is whole seconds), and the episode's clock is when it ran; a second of slack still tells two intervals from one.
        Assert.True(state.OverdueSince >= state.OpenedAt.AddSeconds(5), $"overdue at {state.OverdueSince:O}, opened {state.OpenedAt:O}: before two 3-second intervals");

        // The index: the admin's inbox (the supervising role) and the case list carry it, as the case decided it.
        var inbox = await WaitForInboxAsync(host, admin, caseId, present: true);
        Assert.True(inbox.GetProperty("overdue").GetBoolean());
        Assert.True((inbox.GetProperty("overdueSince").GetDateTimeOffset() - state.OverdueSince!.Value).Duration() < TimeSpan.FromSeconds(1), inbox.ToString());
        Assert.Equal(["admin"], inbox.GetProperty("awaiting").EnumerateArray().Select(r => r.GetString()));
        var row = (await host.Client.GetAsync($"/api/cases?reference={reference}", reader, Ct)).EnsureSuccess().Json.GetProperty("cases").EnumerateArray().Single();
        Assert.True(row.GetProperty("overdue").GetBoolean(), row.ToString());
        Assert.DoesNotContain((await host.Client.GetAsync("/api/inbox", host.Tokens.MintDemo("sentra-supervisor"), Ct)).EnsureSuccess().Json.GetProperty("cases").EnumerateArray(),
            i => i.GetProperty("caseId").GetString() == caseId); // the asesmen supervisor has nothing to do with it

        // The web: the admin's inbox, the overdue filter of the cases list, the case page (Indonesian first).
        using (var web = await SignedInAsync(host, "pulang-admin"))
        {
            Assert.Contains($"/cases/{caseId}#admin", await PageAsync(web, "/"));
            Assert.Contains(caseId, await PageAsync(web, "/cases?overdue=1"));
            var page = await PageAsync(web, $"/cases/{caseId}");
            Assert.Matches("data-overdue[^>]*>\\s*<mark class=\"overdue\">terlambat</mark>\\s*sejak", page);
        }

        var audit = (await host.Client.GetAsync($"/api/cases/{caseId}/audit", admin, Ct)).EnsureSuccess().Json;
        Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "overdue" && e.GetProperty("target").GetString() == "DocumentsPending");
        Assert.True(audit.GetProperty("verification").GetProperty("valid").GetBoolean());

        // Withdrawn: finished, overdue nowhere.
        var withdrawn = await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/withdraw", admin, new { reason = "escalation test" }, ct: Ct);
        Assert.True(withdrawn.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, withdrawn.Body);
        var finished = await host.Client.WaitForAsync(caseId, reader, s => s.IsFinished, TimeSpan.FromMinutes(2), Ct);
        Assert.False(finished.Overdue);
        await WaitForInboxAsync(host, admin, caseId, present: false);
        row = (await host.Client.GetAsync($"/api/cases?reference={reference}", reader, Ct)).EnsureSuccess().Json.GetProperty("cases").EnumerateArray().Single();
        Assert.False(row.GetProperty("overdue").GetBoolean(), row.ToString());
    }

    /// <summary>Polls the inbox of <paramref name="token"/> until <paramref name="caseId"/> is in it (or gone); returns its row when present.</summary>
    static async Task<JsonElement> WaitForInboxAsync(SelfHostProcess host, string token, string caseId, bool present)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var items = (await host.Client.GetAsync("/api/inbox", token, Ct)).EnsureSuccess().Json.GetProperty("cases").EnumerateArray()
                .Where(i => i.GetProperty("caseId").GetString() == caseId).ToList();
            if (items.Count > 0 == present)
            {
                return present ? items[0] : default;
            }

            Assert.True(DateTime.UtcNow < deadline, $"case {caseId} {(present ? "not in" : "still in")} the inbox after 1 min");
            await Task.Delay(250, Ct);
        }
    }

    static async Task<HttpClient> SignedInAsync(SelfHostProcess host, string user)
    {
        var web = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri($"http://127.0.0.1:{host.Port}") };
        var form = await PageAsync(web, "/signin");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var signedIn = await web.PostAsync("/signin", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("user", user)]), Ct);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        return web;
    }

    static async Task<string> PageAsync(HttpClient web, string path)
    {
        var response = await web.GetAsync(path, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
