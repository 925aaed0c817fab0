using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging.Abstractions;
using Pulang.Workflows;

namespace Pulang.Tests.Versioning;

/// <summary>
/// Runs an orchestration on DurableTask.Core's own <see cref="TaskOrchestrationExecutor"/> (the replay engine the self-host's
/// dispatcher uses, through the SDK's <see cref="DurableTaskShimFactory"/> as the self-host builds it), one episode at a
/// time, from a recorded history: every episode replays the whole history so far, as a worker does after a restart or a
/// deploy, and a change that does not replay the same way fails with DurableTask.Core's non-determinism error.
/// </summary>
/// <remarks>
/// What a worker would take from its queues is delivered here: an activity that was scheduled completes (Pulang's
/// orchestrations do not read their activities' results, only whether they failed), a timer fires once the clock reaches it
/// (so the checkpoint timers fire at once and the stage reminders, days away, never do), and then the next external event.
/// The clock of an episode is the recorded time of the event it delivers.
/// </remarks>
public sealed class ReplayHarness
{
    readonly List<HistoryEvent> history;
    readonly Func<TaskOrchestration> create;
    readonly Dictionary<int, ScheduleTaskOrchestratorAction> openTasks = [];
    readonly Dictionary<int, DateTime> openTimers = [];
    DateTime clock;

    /// <summary>Replays <paramref name="recorded"/> (a paused instance's history) with <paramref name="orchestrator"/> made anew for every episode.</summary>
    public ReplayHarness(IEnumerable<HistoryEvent> recorded, string name, Func<ITaskOrchestrator> orchestrator)
    {
        history = [.. recorded];
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = PulangJson.DataConverter }, NullLoggerFactory.Instance);
        create = () => shims.CreateOrchestration(name, orchestrator());
        clock = history.Count == 0 ? DateTime.UtcNow : history.Max(e => e.Timestamp);

        // What the paused instance still waits for: activities without a result, timers not fired.
        foreach (var e in history)
        {
            switch (e)
            {
                case TaskScheduledEvent t:
                    openTasks[t.EventId] = new ScheduleTaskOrchestratorAction { Id = t.EventId, Name = t.Name, Version = t.Version, Input = t.Input };
                    break;
                case TaskCompletedEvent c:
                    openTasks.Remove(c.TaskScheduledId);
                    break;
                case TaskFailedEvent f:
                    openTasks.Remove(f.TaskScheduledId);
                    break;
                case TimerCreatedEvent t:
                    openTimers[t.EventId] = t.FireAt;
                    break;
                case TimerFiredEvent f:
                    openTimers.Remove(f.TimerId);
                    break;
            }
        }
    }

    /// <summary>The history so far (recorded, then what this harness added).</summary>
    public IReadOnlyList<HistoryEvent> History => history;

    /// <summary>Episodes run.</summary>
    public int Episodes { get; private set; }

    /// <summary>The completion, once the orchestration ended (completed, failed or continued as new).</summary>
    public OrchestrationCompleteOrchestratorAction? Completion { get; private set; }

    /// <summary>Runs the episodes that need no outside input (activity results, due timers) until the instance waits or ends.</summary>
    public void RunUntilIdle()
    {
        while (Completion is null)
        {
            var due = new List<HistoryEvent>();
            due.AddRange(openTasks.Keys.Order().Select(id => (HistoryEvent)new TaskCompletedEvent(-1, id, "0")));
            due.AddRange(openTimers.Where(t => t.Value <= clock).OrderBy(t => t.Key).Select(t => (HistoryEvent)new TimerFiredEvent(-1, t.Value) { TimerId = t.Key }));
            if (due.Count == 0)
            {
                return;
            }

            openTasks.Clear();
            foreach (var fired in due.OfType<TimerFiredEvent>())
            {
                openTimers.Remove(fired.TimerId);
            }

            Episode(due);
        }
    }

    /// <summary>Starts a new instance with <paramref name="started"/> (at its recorded time) and runs until it waits or ends.</summary>
    public void Start(ExecutionStartedEvent started)
    {
        clock = started.Timestamp;
        Episode([started]);
        RunUntilIdle();
    }

    /// <summary>Delivers one recorded external event at its recorded time, then runs until the instance waits or ends.</summary>
    public void Deliver(EventRaisedEvent raised)
    {
        if (Completion is not null)
        {
            throw new InvalidOperationException($"The orchestration already ended ({Completion.OrchestrationStatus}) before event {raised.Name} at {raised.Timestamp:O}: " +
                $"{Completion.FailureDetails?.ErrorType} {Completion.FailureDetails?.ErrorMessage}");
        }

        clock = raised.Timestamp > clock ? raised.Timestamp : clock;
        Episode([new EventRaisedEvent(-1, raised.Input) { Name = raised.Name }]);
        RunUntilIdle();
    }

    /// <summary>One episode: the history so far is replayed, <paramref name="delivered"/> are new, and the actions are recorded as a dispatcher records them.</summary>
    void Episode(IReadOnlyList<HistoryEvent> delivered)
    {
        var runtime = new OrchestrationRuntimeState(history);
        var started = new OrchestratorStartedEvent(-1) { Timestamp = clock };
        runtime.AddEvent(started);
        foreach (var e in delivered)
        {
            e.Timestamp = clock;
            runtime.AddEvent(e);
        }

        var result = new TaskOrchestrationExecutor(runtime, create(), BehaviorOnContinueAsNew.Carryover, ErrorPropagationMode.SerializeExceptions).Execute();
        Episodes++;
        history.Add(started);
        history.AddRange(delivered);
        foreach (var action in result.Actions)
        {
            switch (action)
            {
                case ScheduleTaskOrchestratorAction task:
                    history.Add(new TaskScheduledEvent(task.Id) { Name = task.Name, Version = task.Version, Input = task.Input, Timestamp = clock });
                    openTasks[task.Id] = task;
                    break;
                case CreateTimerOrchestratorAction timer:
                    history.Add(new TimerCreatedEvent(timer.Id, timer.FireAt) { Timestamp = clock });
                    openTimers[timer.Id] = timer.FireAt;
                    break;
                case OrchestrationCompleteOrchestratorAction complete:
                    Completion = complete;
                    history.Add(new ExecutionCompletedEvent(complete.Id, complete.Result, complete.OrchestrationStatus, complete.FailureDetails) { Timestamp = clock });
                    break;
                default:
                    throw new NotSupportedException($"The harness does not carry out {action.OrchestratorActionType}.");
            }
        }

        history.Add(new OrchestratorCompletedEvent(-1) { Timestamp = clock });
    }
}
