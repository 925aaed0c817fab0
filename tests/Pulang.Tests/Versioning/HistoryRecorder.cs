using System.Security.Cryptography;
using DurableTask.Core.History;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Workflows;
using Pulang.SelfHost;
using Pulang.SelfHost.Durable;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;

namespace Pulang.Tests.Versioning;

/// <summary>
/// Writes the replay fixtures (<see cref="RecordedCase"/>): carries one case of the fictional sample person through its
/// whole life on the real self-host (in this process) and Azurite over HTTP, and takes its orchestration history each
/// time it waits at a stage: DocumentsPending, AssessmentPending, SignOffPending, and on hold. Runs only from
/// <c>scripts/record-histories.sh</c> (<c>PULANG_RECORD_HISTORIES=1</c>); otherwise skipped.
/// </summary>
public sealed class HistoryRecorder(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Records the fixtures of the current <see cref="WorkflowVersion"/>.</summary>
    [Fact]
    public async Task Record_a_case_paused_at_each_stage()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("PULANG_RECORD_HISTORIES") == "1", "Records fixtures only when run by scripts/record-histories.sh.");
        var hub = TestStorage.NewTaskHub("record");
        var key = RandomNumberGenerator.GetBytes(32);
        var tokens = new LocalTokens(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(key), "pulang");
        var port = SelfHostProcess.FreePort();
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{port}",
            $"--Pulang:StorageConnectionString={storage.ConnectionString}",
            $"--Pulang:TaskHub={hub}",
            $"--Pulang:EventsQueue={SelfHostProcess.EventsQueueFor(hub)}",
            $"--Pulang:Auth:SigningKey={Convert.ToBase64String(key)}",
            $"--Pulang:DataDirectory={Path.Combine(Path.GetTempPath(), "pulang-test-" + hub)}",
            "--Pulang:Ocr:Engine=embedded-text",
            "--Pulang:Ocr:AllowTestEngines=true",
        ];
        await using var app = await PulangHost.BuildAsync(args);
        await app.StartAsync(Ct);
        var engine = app.Services.GetRequiredService<DurableEngine>();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var client = new PulangClient(http);
        var reader = tokens.MintDemo("bp3mi-reader");
        var driver = new CaseDriver(() => client, tokens);
        var reference = "REPLAY-" + hub;
        var paused = new List<(string Name, Stage Stage, List<HistoryEvent> History)>();

        var (caseId, _) = await driver.DriveAsync(reference, Ct, s => s.Stage == Stage.DocumentsPending);
        paused.Add(("documents-pending", Stage.DocumentsPending, await IdleHistoryAsync(engine, caseId)));
        await driver.DriveAsync(reference, Ct, s => s.Stage == Stage.AssessmentPending);
        paused.Add(("assessment-pending", Stage.AssessmentPending, await IdleHistoryAsync(engine, caseId)));
        await driver.DriveAsync(reference, Ct, s => s.Stage == Stage.SignOffPending);
        paused.Add(("signoff-pending", Stage.SignOffPending, await IdleHistoryAsync(engine, caseId)));

        (await client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", tokens.MintDemo("police-liaison"), new { reason = "agency under investigation" }, "replay-hold", Ct)).EnsureSuccess();
        var held = await client.WaitForAsync(caseId, reader, s => s.ShownStage == Stage.OnHold, TimeSpan.FromMinutes(1), Ct);
        paused.Add(("on-hold", Stage.OnHold, await IdleHistoryAsync(engine, caseId)));
        (await client.SendAsync(HttpMethod.Delete, $"/api/cases/{caseId}/holds/{Assert.Single(held.Holds).HoldId}", tokens.MintDemo("police-liaison"), ct: Ct)).EnsureSuccess();
        await driver.DriveAsync(reference, Ct);

        var final = await IdleHistoryAsync(engine, caseId);
        var end = Assert.Single(final.OfType<ExecutionCompletedEvent>());
        Assert.Equal(DurableTask.Core.OrchestrationStatus.Completed, end.OrchestrationStatus);
        Assert.Equal(WorkflowVersion.Current, Assert.Single(final.OfType<ExecutionStartedEvent>()).Version);
        foreach (var (name, stage, history) in paused)
        {
            // The paused history is the start of the final one (one execution, append-only).
            Assert.Equal(history.Select(e => (e.EventType, e.EventId)), final.Take(history.Count).Select(e => (e.EventType, e.EventId)));
            RecordedCase.Save(name, stage, WorkflowVersion.Current, history, final.Skip(history.Count).OfType<EventRaisedEvent>(), end.Result!);
        }

        await app.StopAsync(Ct);
    }

    /// <summary>
    /// The instance's history once it waits for a command: the last episode committed, every activity answered, no due
    /// timer unfired (a stage reminder days away may be open), and nothing new for two reads a second apart.
    /// </summary>
    internal static async Task<List<HistoryEvent>> IdleHistoryAsync(DurableEngine engine, string instanceId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        var last = -1;
        while (true)
        {
            var execution = (await engine.Service.GetOrchestrationStateAsync(instanceId, allExecutions: false))[0].OrchestrationInstance.ExecutionId;
            var history = HistoryJson.Read(await engine.Service.GetOrchestrationHistoryAsync(instanceId, execution));
            var answered = history.OfType<TaskScheduledEvent>().All(t => history.Any(e => e is TaskCompletedEvent c && c.TaskScheduledId == t.EventId || e is TaskFailedEvent f && f.TaskScheduledId == t.EventId));
            var fired = history.OfType<TimerCreatedEvent>().All(t => t.FireAt > DateTime.UtcNow || history.Any(e => e is TimerFiredEvent f && f.TimerId == t.EventId));
            if (history.Count > 0 && history[^1] is OrchestratorCompletedEvent && answered && fired && history.Count == last)
            {
                return history;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{instanceId} did not come to rest: {history.Count} events, last {history.LastOrDefault()?.EventType}");
            last = history.Count;
            await Task.Delay(1000, Ct);
        }
    }
}
