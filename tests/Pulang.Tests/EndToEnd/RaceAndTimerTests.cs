using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// The engine's traps, on the real self-host and Azurite: commands raised the moment a case starts are never
/// lost, and a reminder timer that wins a race neither loses the wait for the next command nor stays armed.
/// </summary>
public sealed class RaceAndTimerTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Cases in the start-and-command-at-once race: <c>PULANG_RACE_CASES</c>, default 200.</summary>
    static int RaceCases => int.TryParse(Environment.GetEnvironmentVariable("PULANG_RACE_CASES"), out var n) && n > 0 ? n : 200;

    [Fact]
    public async Task A_command_sent_the_moment_each_of_many_cases_starts_is_never_lost()
    {
        var cases = RaceCases;
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("race"));
        await host.StartAsync();
        var intake = host.Tokens.MintDemo("embassy-kl-manifest");
        var admin = host.Tokens.MintDemo("pulang-admin");

        // Start every case and withdraw it at once, without waiting for its orchestration to run.
        var ids = await Task.WhenAll(Enumerable.Range(0, cases).Select(async i =>
        {
            var created = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", intake, EndToEndTests.Intake($"RACE-{host.TaskHub}-{i}"), ct: Ct)).EnsureSuccess();
            var id = created.Json.GetProperty("caseId").GetString()!;
            var withdrawn = await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{id}/withdraw", admin, new { reason = "race test" }, ct: Ct);
            Assert.True(withdrawn.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, withdrawn.Body);
            return id;
        }));

        var reader = host.Tokens.MintDemo("bp3mi-reader");
        foreach (var id in ids)
        {
            var state = await host.Client.WaitForAsync(id, reader, s => s.IsFinished, TimeSpan.FromMinutes(5), Ct);
            Assert.Equal(Stage.Withdrawn, state.Stage);
            Assert.Single(state.History, h => h.Command == "withdraw");
        }
    }

    [Fact]
    public async Task A_long_case_continues_as_new_without_losing_state_or_commands()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("long"));
        await host.StartAsync();
        var created = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"LONG-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess();
        var caseId = created.Json.GetProperty("caseId").GetString()!;
        var investigator = host.Tokens.MintDemo("police-liaison");
        var rounds = CaseOrchestration.CommandsPerGeneration + 5; // 2 commands a round: crosses two generations

        for (var i = 0; i < rounds; i++)
        {
            var placed = (await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", investigator, new { reason = $"round {i}" }, ct: Ct)).EnsureSuccess();
            Assert.Equal(HttpStatusCode.OK, placed.Status);
            var holdId = placed.Case.Holds.Last().HoldId;
            var lifted = (await host.Client.SendAsync(HttpMethod.Delete, $"/api/cases/{caseId}/holds/{holdId}", investigator, ct: Ct)).EnsureSuccess();
            Assert.Equal(HttpStatusCode.OK, lifted.Status);
        }

        var state = (await host.Client.GetAsync($"/api/cases/{caseId}", host.Tokens.MintDemo("bp3mi-reader"), Ct)).EnsureSuccess().Case;
        Assert.Equal(Stage.DocumentsPending, state.Stage);
        Assert.Equal(rounds, state.Holds.Count);
        Assert.All(state.Holds, h => Assert.False(h.IsOpen));
        Assert.Equal(Math.Min(2 * rounds, CaseState.HistoryLimit), state.History.Count);
        Assert.Equal(2 * rounds, state.Version);
    }

    [Fact]
    public async Task A_flood_of_repeated_signoffs_across_a_continue_as_new_still_lets_the_case_be_released()
    {
        // What clients retrying a slow sign-off do: the same command (same key) sent again and again before the case has
        // decided it (raised once while it is pending), mixed with copies under new keys (each one a command the case
        // decides: one is accepted, the others are refused as already decided). The distinct ones cross continue-as-new
        // with events still arriving; the case must go on and take the other ministry's sign-off.
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("flood"));
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);
        var (caseId, state) = await driver.DriveAsync($"FLOOD-{host.TaskHub}", Ct, s => s.Stage == Stage.SignOffPending);
        var signer = host.Tokens.MintDemo("p2mi-official");
        var copies = 2 * CaseOrchestration.CommandsPerGeneration + 10;
        var answers = await Task.WhenAll(Enumerable.Range(0, copies).Select(i =>
            host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", signer, new { approve = true, dossierDigest = state.DossierDigest }, i % 3 == 0 ? "flood-a" : $"flood-{i}", Ct, prefer: "respond-async")));
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.Conflict, a.Body));

        var reader = host.Tokens.MintDemo("bp3mi-reader");
        await host.Client.WaitForAsync(caseId, reader, s => s.SignOffs.Count == 1, TimeSpan.FromMinutes(2), Ct);
        var second = await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", host.Tokens.MintDemo("kemensos-official"),
            new { approve = true, dossierDigest = state.DossierDigest }, "flood-b", Ct);
        Assert.True(second.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, second.Body);
        var released = await host.Client.WaitForAsync(caseId, reader, s => s.IsFinished, TimeSpan.FromMinutes(2), Ct);
        Assert.Equal(Stage.Released, released.Stage);
        Assert.Single(released.History, h => h.CommandId.StartsWith("p2mi-official:flood-", StringComparison.Ordinal) && h.Accepted);

        // The flood did cross continue-as-new: only a continued generation is started with the carried state as its input.
        var instance = await new Azure.Data.Tables.TableClient(storage.ConnectionString, $"{host.TaskHub}Instances").GetEntityAsync<Azure.Data.Tables.TableEntity>(caseId, "", cancellationToken: Ct);
        var input = JsonDocument.Parse(instance.Value.GetString("Input")).RootElement;
        Assert.True(input.TryGetProperty("state", out var carried) && carried.ValueKind == JsonValueKind.Object, instance.Value.GetString("Input"));
        var described = await TaskHubForensics.DescribeAsync(storage.ConnectionString, host.TaskHub, [caseId], ct: Ct);
        Assert.Contains($"{caseId}: instance Completed", described);
        Assert.Contains("ExecutionCompleted", described);
    }

    [Fact]
    public async Task A_reminder_goes_out_per_interval_and_the_case_still_takes_its_next_command()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("remind"), new Dictionary<string, string>
        {
            ["Pulang__Reminders__DocumentsPending"] = "00:00:02",
        });
        await host.StartAsync();
        var created = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"REMIND-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess();
        var caseId = created.Json.GetProperty("caseId").GetString()!;

        var reminders = new List<ReceivedEvent>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (reminders.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, Ct);
            reminders = [.. (await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, host.TaskHub, caseId, Ct)).Where(e => e.Type == "id.go.pulang.case.reminder.v1")];
        }

        Assert.True(reminders.Count >= 2, $"expected two reminders, got {reminders.Count}");
        Assert.Equal(reminders.Count, reminders.Select(r => r.Id).Distinct().Count());
        Assert.All(reminders, r => Assert.Equal("DocumentsPending", r.Data["stage"]));

        // The wait for commands survived the timers: the next command is taken.
        var withdrawn = await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/withdraw", host.Tokens.MintDemo("pulang-admin"), new { reason = "timer test" }, ct: Ct);
        Assert.Equal(HttpStatusCode.OK, withdrawn.Status);
        Assert.Equal(Stage.Withdrawn, withdrawn.Case.Stage);
    }

    [Fact]
    public async Task Two_signoffs_for_the_same_ministry_at_the_same_moment_produce_one_decision()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("signrace"));
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);
        var reached = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => driver.DriveAsync($"SIGNRACE-{host.TaskHub}-{i}", Ct, s => s.Stage == Stage.SignOffPending)));
        var first = host.Tokens.MintDemo("p2mi-official");
        var second = host.Tokens.Mint("p2mi-official-2", [Roles.P2miSigner], TimeSpan.FromHours(1));

        foreach (var (caseId, state) in reached)
        {
            // One official approves while another rejects the same dossier, at the same moment.
            var path = $"/api/cases/{caseId}/signoffs/kemenp2mi";
            var answers = await Task.WhenAll(
                host.Client.JsonAsync(HttpMethod.Post, path, first, new { approve = true, dossierDigest = state.DossierDigest }, "race-a", Ct),
                host.Client.JsonAsync(HttpMethod.Post, path, second, new { approve = false, dossierDigest = state.DossierDigest, reason = "missing page" }, "race-b", Ct));
            Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.Conflict, a.Body));

            var after = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"),
                s => s.History.Any(h => h.CommandId == "p2mi-official:race-a") && s.History.Any(h => h.CommandId == "p2mi-official-2:race-b"), TimeSpan.FromMinutes(2), Ct);
            var decided = after.History.Where(h => h.CommandId is "p2mi-official:race-a" or "p2mi-official-2:race-b").ToList();
            Assert.Single(decided, h => h.Accepted);
            Assert.Single(after.SignOffs, s => s.Ministry == Ministry.KemenP2MI && s.DossierDigest == state.DossierDigest);

            // Each caller was told the truth: 200 for the decision that counts, 409 for the one refused.
            string[] ids = ["p2mi-official:race-a", "p2mi-official-2:race-b"];
            for (var i = 0; i < 2; i++)
            {
                var entry = decided.Single(h => h.CommandId == ids[i]);
                if (answers[i].Status != HttpStatusCode.Accepted)
                {
                    Assert.Equal(entry.Accepted ? HttpStatusCode.OK : HttpStatusCode.Conflict, answers[i].Status);
                }
            }
        }
    }

    [Fact]
    public async Task A_signoff_with_prefer_respond_async_is_answered_202_before_the_case_decides_and_still_takes_effect_once()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("prefer"));
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);
        var (caseId, state) = await driver.DriveAsync($"PREFER-{host.TaskHub}", Ct, s => s.Stage == Stage.SignOffPending);
        var signer = host.Tokens.MintDemo("p2mi-official");
        var path = $"/api/cases/{caseId}/signoffs/kemenp2mi";

        // A stale digest is still refused at once: the pre-check runs before anything is raised.
        var stale = await host.Client.JsonAsync(HttpMethod.Post, path, signer, new { approve = true, dossierDigest = new string('0', 64) }, "prefer-stale", Ct, prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);

        var answer = await host.Client.JsonAsync(HttpMethod.Post, path, signer, new { approve = true, dossierDigest = state.DossierDigest }, "prefer-a", Ct, prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
        Assert.Equal("respond-async", answer.Headers["Preference-Applied"]);
        Assert.Equal($"/api/cases/{caseId}", answer.Headers["Location"]);
        Assert.Equal("p2mi-official:prefer-a", answer.Json.GetProperty("commandId").GetString());
        Assert.Equal("pending", answer.Json.GetProperty("status").GetString());

        var after = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.History.Any(h => h.CommandId == "p2mi-official:prefer-a"), TimeSpan.FromMinutes(1), Ct);
        Assert.Single(after.SignOffs, s => s.Ministry == Ministry.KemenP2MI && s.DossierDigest == state.DossierDigest);

        // Sent again (the same key) without the preference: the case already took it, so the first answer stands.
        var again = await host.Client.JsonAsync(HttpMethod.Post, path, signer, new { approve = true, dossierDigest = state.DossierDigest }, "prefer-a", Ct);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        var final = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), _ => true, TimeSpan.FromSeconds(10), Ct);
        Assert.Single(final.SignOffs, s => s.Ministry == Ministry.KemenP2MI);
    }

    [Fact]
    public async Task A_signoff_racing_a_hold_never_releases_a_held_case()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("holdrace"));
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        var reached = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => driver.DriveAsync($"HOLDRACE-{host.TaskHub}-{i}", Ct, s => s.Stage == Stage.SignOffPending)));
        var releasedFirst = 0;
        var heldFirst = 0;
        foreach (var (caseId, state) in reached)
        {
            (await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", host.Tokens.MintDemo("p2mi-official"), new { approve = true, dossierDigest = state.DossierDigest }, "p2mi", Ct)).EnsureSuccess();
            await host.Client.WaitForAsync(caseId, reader, s => s.SignOffs.Count == 1, TimeSpan.FromMinutes(2), Ct);

            // The last sign-off and an investigation hold at the same moment.
            var answers = await Task.WhenAll(
                host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", host.Tokens.MintDemo("kemensos-official"), new { approve = true, dossierDigest = state.DossierDigest }, "kemensos", Ct),
                host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", host.Tokens.MintDemo("police-liaison"), new { reason = "agency under investigation" }, "hold", Ct));
            var after = await host.Client.WaitForAsync(caseId, reader,
                s => s.SignOffs.Count == 2 && (s.IsFinished || s.Holds.Count > 0), TimeSpan.FromMinutes(2), Ct);
            var release = await host.Client.GetAsync($"/api/cases/{caseId}/release", reader, Ct);
            if (after.Holds.Count > 0)
            {
                // The hold won: the sign-off is recorded, but the case waits, with no release record.
                heldFirst++;
                Assert.Equal(Stage.OnHold, after.ShownStage);
                Assert.Null(after.ReleasedAt);
                Assert.Equal(HttpStatusCode.NotFound, release.Status);

                // Lifting the hold releases it (both ministries have signed the current dossier).
                var holdId = Assert.Single(after.Holds).HoldId;
                (await host.Client.SendAsync(HttpMethod.Delete, $"/api/cases/{caseId}/holds/{holdId}", host.Tokens.MintDemo("police-liaison"), ct: Ct)).EnsureSuccess();
                after = await host.Client.WaitForAsync(caseId, reader, s => s.IsFinished, TimeSpan.FromMinutes(2), Ct);
                Assert.Equal(Stage.Released, after.Stage);
                Assert.All(after.Holds, h => Assert.False(h.IsOpen));
            }
            else
            {
                // The sign-off won: released before the hold, which never takes effect (refused, or left undecided by the finished case).
                releasedFirst++;
                Assert.Equal(Stage.Released, after.Stage);
                Assert.Equal(HttpStatusCode.OK, release.Status);
                Assert.True(answers[1].Status is HttpStatusCode.Conflict or HttpStatusCode.Accepted, answers[1].Body);
                await Task.Delay(TimeSpan.FromSeconds(2), Ct);
                Assert.Empty((await host.Client.GetAsync($"/api/cases/{caseId}", reader, Ct)).EnsureSuccess().Case.Holds);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"sign-off vs hold: hold first {heldFirst}, sign-off first {releasedFirst}");
    }

    [Fact]
    public async Task An_approval_and_a_signoff_arriving_after_reminder_timeouts_are_still_seen()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("lateok"), new Dictionary<string, string>
        {
            ["Pulang__Reminders__AssessmentPending"] = "00:00:02",
            ["Pulang__Reminders__SignOffPending"] = "00:00:02",
        });
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);
        var (caseId, _) = await driver.DriveAsync($"LATE-{host.TaskHub}", Ct, s => s.Assessment is { Status: AssessmentStatus.Submitted });
        var events = new QueueClient(storage.ConnectionString, SelfHostProcess.EventsQueueFor(host.TaskHub), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var seen = new List<ReceivedEvent>();

        int Reminders(Stage stage) => seen.Count(e => e.CaseId == caseId && e.Type == "id.go.pulang.case.reminder.v1" && e.Data["stage"] == stage.ToString());

        // Waits until the case has sent a reminder for the stage after the ones already seen.
        async Task WaitForReminderAsync(Stage stage)
        {
            var before = Reminders(stage);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (Reminders(stage) == before)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no new {stage} reminder within 2 min");
                await Task.Delay(500, Ct);
                foreach (var m in (await events.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10), Ct)).Value)
                {
                    seen.Add(ReceivedEvent.Decode(m.Body));
                }
            }
        }

        // The asesmen approval comes after the stage's reminder timer fired: it is still taken.
        await WaitForReminderAsync(Stage.AssessmentPending);
        var approved = (await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment/decision", host.Tokens.MintDemo("sentra-supervisor"), new { approve = true }, ct: Ct)).EnsureSuccess();
        var state = approved.Status == HttpStatusCode.OK ? approved.Case
            : await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.Stage == Stage.SignOffPending, TimeSpan.FromMinutes(2), Ct);
        Assert.Equal(Stage.SignOffPending, state.Stage);

        // So are sign-offs that each come after a reminder.
        await WaitForReminderAsync(Stage.SignOffPending);
        (await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", host.Tokens.MintDemo("p2mi-official"), new { approve = true, dossierDigest = state.DossierDigest }, ct: Ct)).EnsureSuccess();
        await WaitForReminderAsync(Stage.SignOffPending);
        (await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", host.Tokens.MintDemo("kemensos-official"), new { approve = true, dossierDigest = state.DossierDigest }, ct: Ct)).EnsureSuccess();
        state = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.IsFinished, TimeSpan.FromMinutes(2), Ct);
        Assert.Equal(Stage.Released, state.Stage);
        Assert.Equal(2, state.SignOffs.Count(s => s.Approve && s.DossierDigest == state.DossierDigest));
    }
}
