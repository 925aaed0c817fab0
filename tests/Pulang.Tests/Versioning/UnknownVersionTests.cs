using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pulang.SelfHost.Durable;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Versioning;

/// <summary>
/// A worker never runs a case whose version it does not know. On the real self-host (in this process) and Azurite: a
/// newer build (worker version 2.0) starts a case on 2.0 and leaves it waiting at DocumentsPending; then a build of today
/// (<see cref="WorkflowVersion.Current"/>) gets a command for it. That worker rejects the work again and again (abandons
/// it, the provider hands it back later), runs a case of its own version meanwhile, and leaves the newer case Running, not
/// Failed, with its history unchanged. When the newer build runs again, the command that waited is decided.
/// </summary>
public sealed class UnknownVersionTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly string Newer = NextCaseOrchestration.Version;

    /// <summary>Counts the orchestration work items the worker abandons, per instance.</summary>
    public class AbandonCounter : DispatchProxy
    {
        internal IOrchestrationService Inner { get; set; } = null!;

        internal ConcurrentDictionary<string, int> Abandoned { get; } = new();

        /// <inheritdoc/>
        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IOrchestrationService.AbandonTaskOrchestrationWorkItemAsync) && args![0] is TaskOrchestrationWorkItem item)
            {
                Abandoned.AddOrUpdate(item.InstanceId, 1, (_, n) => n + 1);
            }

            try
            {
                return method.Invoke(Inner, args);
            }
            catch (TargetInvocationException e)
            {
                ExceptionDispatchInfo.Throw(e.InnerException!);
                throw;
            }
        }
    }

    [Fact]
    public async Task A_case_of_a_newer_version_is_left_untouched_until_a_worker_that_knows_it_runs()
    {
        var hub = TestStorage.NewTaskHub("newer");
        var caseId = "NEWER-" + hub;
        var intake = new CaseIntake(caseId, "SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "Kabupaten Malang", "Malaysia", new DateOnly(2025, 10, 2));

        // A newer build starts the case on 2.0; it opens and waits for documents.
        List<HistoryEvent> before;
        await using (var newer = await StartAsync(hub, new WorkerVersioning(Newer)))
        {
            await newer.Services.GetRequiredService<CaseIndex>().AddAsync(caseId, intake, DateTimeOffset.UtcNow, Ct);
            var client = newer.Services.GetRequiredService<DurableTaskClient>();
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(CaseOrchestration), new CaseOrchestrationInput(caseId, intake, new ReminderOptions()), new StartOrchestrationOptions(caseId) { Version = Newer }, Ct);
            before = await HistoryRecorder.IdleHistoryAsync(newer.Services.GetRequiredService<DurableEngine>(), caseId);
            Assert.Equal(Newer, before.OfType<ExecutionStartedEvent>().Single().Version);
            Assert.Equal(Stage.DocumentsPending, (await client.GetInstanceAsync(caseId, getInputsAndOutputs: true, Ct))!.ReadCustomStatusAs<CaseStatus>()!.Stage);
            await newer.StopAsync(Ct);
        }

        // Today's build gets a command for it, and a case of its own.
        var counter = DispatchProxy.Create<IOrchestrationService, AbandonCounter>();
        var abandoned = ((AbandonCounter)counter).Abandoned;
        await using (var today = await StartAsync(hub, null, inner =>
        {
            ((AbandonCounter)counter).Inner = inner;
            return counter;
        }))
        {
            var client = today.Services.GetRequiredService<DurableTaskClient>();
            var hold = new PlaceHold("newer-hold", "agency under investigation") { CommandId = "newer-hold", Actor = new Actor("police-liaison", [Roles.Investigator]) };
            await client.RaiseEventAsync(caseId, CaseEvents.Command, hold.ToEventPayload(), Ct);

            var ownId = "TODAY-" + hub;
            var own = intake with { ExternalReference = ownId };
            await today.Services.GetRequiredService<CaseIndex>().AddAsync(ownId, own, DateTimeOffset.UtcNow, Ct);
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(CaseOrchestration), new CaseOrchestrationInput(ownId, own, new ReminderOptions()), WorkflowVersion.Start(ownId), Ct);
            await HistoryRecorder.IdleHistoryAsync(today.Services.GetRequiredService<DurableEngine>(), ownId);

            // Rejected at least twice: abandoned, handed back by the provider, abandoned again.
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (abandoned.GetValueOrDefault(caseId) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, $"The worker did not reject the newer case twice in 2 minutes (abandoned: {abandoned.GetValueOrDefault(caseId)}).");
                await Task.Delay(500, Ct);
            }

            var meta = (await client.GetInstanceAsync(caseId, getInputsAndOutputs: true, Ct))!;
            Assert.Equal(OrchestrationRuntimeStatus.Running, meta.RuntimeStatus);
            Assert.Equal(Stage.DocumentsPending, meta.ReadCustomStatusAs<CaseStatus>()!.Stage);
            var after = await HistoryOfAsync(today.Services.GetRequiredService<DurableEngine>(), caseId);
            Assert.Equal(Describe(before), Describe(after));
            Assert.False(abandoned.ContainsKey(ownId));
            await today.StopAsync(Ct);
        }

        // The newer build again: the command that waited is decided.
        await using (var newer = await StartAsync(hub, new WorkerVersioning(Newer)))
        {
            var client = newer.Services.GetRequiredService<DurableTaskClient>();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (true)
            {
                var status = (await client.GetInstanceAsync(caseId, getInputsAndOutputs: true, Ct))!.ReadCustomStatusAs<CaseStatus>()!;
                if (status.Recent.Any(r => r.CommandId == "newer-hold"))
                {
                    Assert.Null(status.Recent.Single(r => r.CommandId == "newer-hold").Refusal);
                    Assert.Equal(Stage.OnHold, status.Stage);
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "The newer build did not decide the command that waited.");
                await Task.Delay(500, Ct);
            }

            await newer.StopAsync(Ct);
        }
    }

    static string Describe(IEnumerable<HistoryEvent> history) =>
        string.Join('\n', history.Select(e => $"{e.EventId} {e.EventType} {e.Timestamp:O}"));

    static async Task<List<HistoryEvent>> HistoryOfAsync(DurableEngine engine, string instanceId)
    {
        var execution = (await engine.Service.GetOrchestrationStateAsync(instanceId, allExecutions: false))[0].OrchestrationInstance.ExecutionId;
        return HistoryJson.Read(await engine.Service.GetOrchestrationHistoryAsync(instanceId, execution));
    }

    async Task<WebApplication> StartAsync(string hub, WorkerVersioning? versioning, OrchestrationServiceDecorator? decorate = null)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{SelfHostProcess.FreePort()}",
            $"--Pulang:StorageConnectionString={storage.ConnectionString}",
            $"--Pulang:TaskHub={hub}",
            $"--Pulang:EventsQueue={SelfHostProcess.EventsQueueFor(hub)}",
            $"--Pulang:Auth:SigningKey={Convert.ToBase64String(key)}",
            $"--Pulang:DataDirectory={Path.Combine(Path.GetTempPath(), "pulang-test-" + hub)}",
            "--Pulang:Ocr:Engine=embedded-text",
            "--Pulang:Ocr:AllowTestEngines=true",
        ];
        var app = await PulangHost.BuildAsync(args, b =>
        {
            if (versioning is not null)
            {
                b.Services.AddSingleton(versioning);
            }

            if (decorate is not null)
            {
                b.Services.AddSingleton(decorate);
            }
        });
        await app.StartAsync(Ct);
        return app;
    }
}
