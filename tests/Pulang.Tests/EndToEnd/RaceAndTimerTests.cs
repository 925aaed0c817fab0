using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Pulang.Tests.Infrastructure;
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

    [Fact]
    public async Task A_command_sent_the_moment_each_of_many_cases_starts_is_never_lost()
    {
        const int cases = 60;
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
            var state = await host.Client.WaitForAsync(id, reader, s => s.IsFinished, TimeSpan.FromMinutes(2), Ct);
            Assert.Equal(Stage.Withdrawn, state.Stage);
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
    public async Task A_reminder_goes_out_per_interval_and_the_case_still_takes_its_next_command()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("remind"), new Dictionary<string, string>
        {
            ["Pulang__Reminders__DocumentsPending"] = "00:00:02",
        });
        await host.StartAsync();
        var created = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"REMIND-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess();
        var caseId = created.Json.GetProperty("caseId").GetString()!;

        var queue = new QueueClient(storage.ConnectionString, SelfHostProcess.EventsQueueFor(host.TaskHub), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var reminders = new List<CaseEventMessage>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (reminders.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, Ct);
            reminders = [.. (await queue.PeekMessagesAsync(32, Ct)).Value
                .Select(m => JsonSerializer.Deserialize<CaseEventMessage>(m.Body.ToString(), PulangJson.Options)!)
                .Where(e => e.CaseId == caseId && e.Type == "case.reminder")];
        }

        Assert.True(reminders.Count >= 2, $"expected two reminders, got {reminders.Count}");
        Assert.Equal(reminders.Count, reminders.Select(r => r.Id).Distinct().Count());
        Assert.All(reminders, r => Assert.Equal("DocumentsPending", r.Data["stage"]));

        // The wait for commands survived the timers: the next command is taken.
        var withdrawn = await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/withdraw", host.Tokens.MintDemo("pulang-admin"), new { reason = "timer test" }, ct: Ct);
        Assert.Equal(HttpStatusCode.OK, withdrawn.Status);
        Assert.Equal(Stage.Withdrawn, withdrawn.Case.Stage);
    }
}
