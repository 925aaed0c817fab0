using Microsoft.DurableTask;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Orchestrations;

/// <summary>Input of <see cref="CaseOrchestration"/>: the intake on first start, plus the state after a continue-as-new.</summary>
/// <param name="CaseId">Case ID (= instance ID).</param>
/// <param name="Intake">What intake declared.</param>
/// <param name="Reminders">Reminder intervals per stage and the overdue threshold (fixed at intake so replays stay deterministic).</param>
/// <param name="State">Null on first start; the carried state after continue-as-new.</param>
/// <param name="Audited">
/// Read only for an instance started before workflow versions (<see cref="WorkflowVersion.IsUnversioned"/>): true when
/// this generation writes the audit trail (false for one started before the audit trail existed). Versioned instances
/// always audit. Still written true, so a build from before versions (after a rollback) audits new cases too.
/// </param>
/// <param name="Checkpointed">
/// Read only for an instance started before workflow versions: true when this generation makes each decision durable
/// before carrying it out (see <see cref="CaseOrchestration"/>). Versioned instances always do. Still written true, as
/// <paramref name="Audited"/>.
/// </param>
/// <param name="RequiredDocuments">The deployment's checklist at intake (<see cref="PulangOptions.RequiredDocuments"/>); null for cases started before it was configurable (today's list).</param>
public sealed record CaseOrchestrationInput(string CaseId, CaseIntake Intake, ReminderOptions Reminders, CaseState? State = null, bool Audited = false, bool Checkpointed = false, IReadOnlyList<string>? RequiredDocuments = null);

/// <summary>
/// One instance per case (instance ID = case ID). Waits for the next command (external event
/// <see cref="CaseEvents.Command"/>) racing the stage's reminder timer, asks the <see cref="Decider"/>, runs the
/// effects as activities, and publishes the state as custom status. Ends when the case is Released or Withdrawn.
/// </summary>
/// <remarks>
/// Every timer that loses the race is cancelled. An external-event wait that lost to a timer is kept and reused,
/// never abandoned (an abandoned wait would swallow the next command). After <see cref="CommandsPerGeneration"/>
/// commands the orchestration continues as new with its state, keeping unprocessed events, so history stays short.
/// <para>
/// A decision is carried out only once it is durable. The Azure Storage provider sends an episode's outgoing messages
/// (activities, timers) before it commits the episode's history; when the process dies in between (or another worker
/// holds the instance), the activity still runs, but the episode is run again from its inputs, which may by then come in
/// another order and decide differently. Seen in the crash test: a submitted asesmen's commit ran from such an episode
/// and wrote the case view; the supervisor's approval, sent after reading it, reached the orchestration before the
/// redelivered submission, was refused as "not submitted", and the case could not move on. An older decision's release
/// record or <c>case.released</c> event could be carried out the same way although a hold came first. So each decision
/// first waits on a durable timer that is already due: the episode that decides only schedules that timer; the
/// commit activity is scheduled by the next episode, whose input is the decided (committed) history.
/// </para>
/// </remarks>
public sealed class CaseOrchestration : TaskOrchestrator<CaseOrchestrationInput, CaseState>
{
    /// <summary>Commands handled before continue-as-new.</summary>
    public const int CommandsPerGeneration = 40;

    /// <inheritdoc/>
    public override async Task<CaseState> RunAsync(TaskOrchestrationContext context, CaseOrchestrationInput input)
    {
        // Unversioned instances (started before versions) keep their input flags; every version does both.
        var versioned = !WorkflowVersion.IsUnversioned(context);
        var audited = versioned || input.Audited;
        var checkpointed = versioned || input.Checkpointed;
        var state = input.State;
        if (state is null)
        {
            var opened = Decider.Open(input.CaseId, input.Intake, context.CurrentUtcDateTime, input.RequiredDocuments);
            state = opened.State;
            await CommitAsync(context, state, CaseEffects.ForOpened(opened, context.CurrentUtcDateTime, audited), changed: true, checkpointed);
        }
        else
        {
            // A new generation (continue-as-new) starts without custom status; the view blob is already current.
            context.SetCustomStatus(CaseStatus.Of(state));
        }

        Task<CaseCommand>? waiting = null;
        var handled = 0;
        while (!state.IsFinished)
        {
            waiting ??= context.WaitForExternalEvent<CaseCommand>(CaseEvents.Command);
            CaseCommand command;
            // The next reminder counts from when the case began waiting in its stage (ReminderSchedule: from state and options only).
            if (ReminderSchedule.Next(state, input.Reminders) is { } reminder)
            {
                using var cancel = new CancellationTokenSource();
                var timer = context.CreateTimer(reminder.DueAt.UtcDateTime, cancel.Token);
                var first = await Task.WhenAny(waiting, timer);
                if (first == timer)
                {
                    command = reminder.Due($"reminder:{context.NewGuid():N}");
                }
                else
                {
                    cancel.Cancel();
                    command = await waiting;
                    waiting = null;
                }
            }
            else
            {
                command = await waiting;
                waiting = null;
            }

            var decision = Decider.Decide(state, command, context.CurrentUtcDateTime);
            Telemetry.CommandTrace.Decided(context, state, command, decision);

            // Every decided command (accepted or refused) gets its audit entry, written before the other effects.
            var effects = CaseEffects.For(state, command, decision, context.CurrentUtcDateTime, audited);
            var changed = decision.State.Version != state.Version;
            state = decision.State;

            // Effects first, then the new state: whoever reads "Released" finds the release record.
            await CommitAsync(context, state, effects, changed, checkpointed, Telemetry.CommandTrace.Of(input.CaseId, command));

            if (++handled >= CommandsPerGeneration && waiting is null && !state.IsFinished)
            {
                context.ContinueAsNew(NextGeneration(input with { State = state, Audited = true, Checkpointed = true }));
                return state;
            }
        }

        return state;
    }

    /// <summary>
    /// The continue-as-new of a generation: the carried state, unprocessed events kept, on <see cref="WorkflowVersion.Current"/>.
    /// </summary>
    /// <remarks>
    /// A case moves to the current version here, not earlier and not later. Replay is what ties an instance to the code
    /// that wrote its history; continue-as-new starts an empty history, so the next generation replays nothing the
    /// old version decided, and its input is only the decider's <see cref="CaseState"/>, which every version must read
    /// anyway (views, the index and the decider read the same JSON). So moving is safe whenever the current code reads
    /// the state the older one wrote, and it lets the code for an old version be deleted once no generation runs it.
    /// Staying on the start version instead would keep a weeks-long case on old code for its whole life. The cost: after
    /// a rollback to a build that does not know the current version, a case that moved waits (its work is rejected,
    /// not failed) until a build that knows it runs again (docs/versioning.md).
    /// </remarks>
    public static ContinueAsNewOptions NextGeneration(CaseOrchestrationInput input) => new()
    {
        NewInput = input,
        NewVersion = WorkflowVersion.Current,
        PreserveUnprocessedEvents = true,
    };

    /// <summary>
    /// Carries out a decision in one activity (<see cref="CommitDecisionActivity"/>): its effects in order, then, when the
    /// state changed, the case view blob; then sets the small custom status that says which commands are decided. A reader
    /// that sees a command in the status finds the view at least as new. One activity per decision, not one per effect:
    /// each activity costs a round trip through the work-item and control queues (up to a polling interval each), which
    /// is most of a command's latency. With <paramref name="checkpoint"/>, a durable timer that is already due comes first,
    /// so the activity is scheduled only after the decision is in the committed history (see the class remarks).
    /// <paramref name="trace"/> puts the commit's span in the command's trace.
    /// </summary>
    static async Task CommitAsync(TaskOrchestrationContext context, CaseState state, IReadOnlyList<Effect> effects, bool changed, bool checkpoint, Telemetry.TracedCommand? trace = null)
    {
        if (effects.Count == 0 && !changed)
        {
            return;
        }

        if (checkpoint)
        {
            await context.CreateTimer(context.CurrentUtcDateTime, CancellationToken.None);
        }

        await CallUntilDoneAsync(context, ActivityNames.CommitDecision, new CommitDecision(state.CaseId, effects, changed ? state : null, trace));
        if (changed)
        {
            context.SetCustomStatus(CaseStatus.Of(state));
        }
    }

    /// <summary>
    /// Runs an activity until it succeeds. Effects must happen: an activity that still fails after its retries
    /// (storage down for minutes) is tried again after a durable 5-minute timer, for as long as it takes.
    /// </summary>
    static async Task CallUntilDoneAsync(TaskOrchestrationContext context, string activity, object input)
    {
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 8, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));
        while (true)
        {
            try
            {
                await context.CallActivityAsync(activity, input, retry);
                return;
            }
            catch (TaskFailedException)
            {
                await context.CreateTimer(TimeSpan.FromMinutes(5), CancellationToken.None);
            }
        }
    }
}
