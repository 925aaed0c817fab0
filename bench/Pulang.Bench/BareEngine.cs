using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using DurableTask.AzureStorage.Tracking;
using DurableTask.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Pulang.SelfHost.Durable;
using Pulang.Workflows;

namespace Pulang.Bench;

/// <summary>
/// The shape of one case in Durable Task terms, as Pulang ran it: activities the case orchestration runs before the first
/// event, activities after each event (in arrival order), and how many events came from scan orchestrations (one activity each).
/// </summary>
/// <param name="StartActivities">Activities before the first event.</param>
/// <param name="ActivitiesPerEvent">Activities after each event.</param>
/// <param name="ScanEvents">Events sent by scan orchestrations (the first ones); the rest are raised by the client.</param>
public sealed record CaseShape(int StartActivities, int[] ActivitiesPerEvent, int ScanEvents)
{
    /// <summary>Activities of the case orchestration.</summary>
    public int CaseActivities => StartActivities + ActivitiesPerEvent.Sum();

    /// <summary>Reads the shape of <paramref name="caseId"/> from the task hub's history table.</summary>
    public static async Task<CaseShape> FromHistoryAsync(string connectionString, string taskHub, string caseId, int scanEvents)
    {
        var table = new TableClient(connectionString, taskHub + "History");
        var start = 0;
        var perEvent = new List<int>();
        await foreach (var e in table.QueryAsync<TableEntity>($"PartitionKey eq '{caseId}'", select: ["EventType"]))
        {
            switch (e.GetString("EventType"))
            {
                case "EventRaised":
                    perEvent.Add(0);
                    break;
                case "TaskScheduled" when perEvent.Count == 0:
                    start++;
                    break;
                case "TaskScheduled":
                    perEvent[^1]++;
                    break;
            }
        }

        return new CaseShape(start, [.. perEvent], scanEvents);
    }
}

/// <summary>
/// The engine's floor: the same number of orchestrations, events and activities as Pulang's case, on the same Azurite and the
/// same provider settings (<see cref="DurableEngine.Settings"/>), written directly on DurableTask.Core (no SDK shim, no-op
/// activities, no storage of its own), driven with the same dependencies: the case starts, scan orchestrations each run
/// one activity and send one event, then the client raises the approvals (two in turn, then the two sign-offs at once),
/// waiting for each as Pulang's HTTP commands do (status polled every 100 ms).
/// </summary>
public sealed class BareEngine : IAsyncDisposable
{
    const string Noop = "noop";
    readonly TaskHubWorker worker;
    readonly AzureStorageOrchestrationService service;
    readonly TaskHubClient client;

    /// <summary>Creates the worker on <paramref name="taskHub"/> (not started).</summary>
    public BareEngine(string connectionString, string taskHub)
    {
        var settings = DurableEngine.Settings(new PulangOptions { TaskHub = taskHub }, new EngineOptions { WorkerId = $"bench-{taskHub}" }, connectionString, NullLoggerFactory.Instance);
        service = new AzureStorageOrchestrationService(settings);
        worker = new TaskHubWorker(service, NullLoggerFactory.Instance);
        worker.AddTaskOrchestrations(typeof(BareCase), typeof(BareScan));
        worker.AddTaskActivities(new NameValueObjectCreator<TaskActivity>(Noop, "", new NoopActivity()));
        client = new TaskHubClient(service);
    }

    /// <summary>Creates the task hub and starts the worker.</summary>
    public async Task StartAsync()
    {
        await service.CreateIfNotExistsAsync();
        await worker.StartAsync();
    }

    /// <summary>Runs <paramref name="count"/> cases of <paramref name="shape"/>; the wall time in seconds.</summary>
    public async Task<double> RunAsync(int count, CaseShape shape, int concurrency, TimeSpan timeout)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, count).Select(i => $"bcase-{run}-{i:000}").ToList();
        var started = new ConcurrentDictionary<string, bool>();
        var approvals = new List<Task>();
        using var cts = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();
        var gate = new SemaphoreSlim(concurrency);
        var creating = ids.Select(async id =>
        {
            await gate.WaitAsync(cts.Token);
            try
            {
                await client.CreateOrchestrationInstanceAsync(typeof(BareCase), id, shape);
                for (var s = 0; s < shape.ScanEvents; s++)
                {
                    await client.CreateOrchestrationInstanceAsync(typeof(BareScan), $"bscan-{id}-{s}", id);
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        var condition = new OrchestrationInstanceStatusQueryCondition { InstanceIdPrefix = $"bcase-{run}-" };
        while (true)
        {
            cts.Token.ThrowIfCancellationRequested();
            var page = await service.GetOrchestrationStateAsync(condition, 1000, null, cts.Token);
            var states = page.OrchestrationState.ToList();
            if (states.Count == count && states.All(s => s.OrchestrationStatus == OrchestrationStatus.Completed))
            {
                break;
            }

            foreach (var s in states)
            {
                if (Processed(s.Status) >= shape.ScanEvents && started.TryAdd(s.OrchestrationInstance.InstanceId, true))
                {
                    approvals.Add(ApproveAsync(s.OrchestrationInstance.InstanceId, shape, cts.Token));
                }
            }

            await Task.Delay(250, cts.Token);
        }

        await Task.WhenAll(creating);
        await Task.WhenAll(approvals);
        return clock.Elapsed.TotalSeconds;
    }

    static int Processed(string? status) => int.TryParse(status?.Trim('"'), out var n) ? n : 0;

    async Task ApproveAsync(string id, CaseShape shape, CancellationToken ct)
    {
        var instance = new OrchestrationInstance { InstanceId = id };
        var approvals = shape.ActivitiesPerEvent.Length - shape.ScanEvents;
        var done = shape.ScanEvents;
        // Asesmen submitted, then decided: one at a time; the sign-offs (the rest) at once.
        for (var i = 0; i < approvals; i++)
        {
            var batch = i < 2 ? 1 : approvals - i;
            for (var b = 0; b < batch; b++)
            {
                await client.RaiseEventAsync(instance, "command", $"approval-{i + b}");
            }

            done += batch;
            i += batch - 1;
            while (Processed((await client.GetOrchestrationStateAsync(id))?.Status) < done)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await worker.StopAsync(isForced: true);
        worker.Dispose();
    }

    internal sealed class NoopActivity : TaskActivity<string, string>
    {
        protected override string Execute(TaskContext context, string input) => input;
    }

    /// <summary>The bare case: start activities, then per event its activities; status = events processed.</summary>
    internal sealed class BareCase : TaskOrchestration<int, CaseShape>
    {
        readonly Queue<string> pending = new();
        TaskCompletionSource<string>? next;
        int processed;

        public override async Task<int> RunTask(OrchestrationContext context, CaseShape input)
        {
            for (var a = 0; a < input.StartActivities; a++)
            {
                await context.ScheduleTask<string>(Noop, "", "x");
            }

            foreach (var activities in input.ActivitiesPerEvent)
            {
                await NextEventAsync();
                for (var a = 0; a < activities; a++)
                {
                    await context.ScheduleTask<string>(Noop, "", "x");
                }

                processed++;
            }

            return processed;
        }

        Task<string> NextEventAsync()
        {
            if (pending.Count > 0) return Task.FromResult(pending.Dequeue());
            next = new TaskCompletionSource<string>();
            return next.Task;
        }

        public override void OnEvent(OrchestrationContext context, string name, string input)
        {
            if (next is { } waiting)
            {
                next = null;
                waiting.SetResult(input);
            }
            else
            {
                pending.Enqueue(input);
            }
        }

        public override string OnGetStatus() => processed.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The bare scan: one activity, then one event to its case.</summary>
    internal sealed class BareScan : TaskOrchestration<string, string>
    {
        public override async Task<string> RunTask(OrchestrationContext context, string caseId)
        {
            var result = await context.ScheduleTask<string>(Noop, "", "scan");
            context.SendEvent(new OrchestrationInstance { InstanceId = caseId }, "command", "scanned");
            return result;
        }
    }
}
