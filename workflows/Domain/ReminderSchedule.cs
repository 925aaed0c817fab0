namespace Pulang.Workflows.Domain;

/// <summary>The case's next reminder: for which stage, when (UTC, orchestration clock), and the overdue threshold it carries.</summary>
/// <param name="Stage">The stage it reminds of (<see cref="CaseState.ReminderStage"/>).</param>
/// <param name="DueAt">When it is due: the stage's clock start + interval x (reminders sent in the stage + 1).</param>
/// <param name="OverdueAfter">After how many reminders in the stage the case is overdue (<see cref="ReminderOptions.OverdueAfter"/>).</param>
public sealed record ReminderTimer(Stage Stage, DateTimeOffset DueAt, int OverdueAfter)
{
    /// <summary>The command the case sends itself when this timer fires (<paramref name="commandId"/> deterministic in the orchestration).</summary>
    public ReminderDue Due(string commandId) => new(Stage, OverdueAfter) { CommandId = commandId, Actor = Actor.System };
}

/// <summary>
/// When a case is reminded. Pure: computed only from the state and the case's <see cref="ReminderOptions"/> (fixed at intake), never
/// from the wall clock, so the case orchestration's timer is the same on every replay. Reminders measure time in the stage: the
/// n-th reminder of a stage is due at <see cref="ClockStart"/> + interval x n, whatever commands (refused, repeated, or accepted
/// without a change of stage) came in between.
/// </summary>
public static class ReminderSchedule
{
    /// <summary>
    /// When the case began waiting in its <see cref="CaseState.ReminderStage"/>: <see cref="CaseState.ReminderStageSince"/>, or for
    /// state written before that was recorded, <see cref="CaseState.StageSince"/>, or when the case opened.
    /// </summary>
    public static DateTimeOffset ClockStart(CaseState state) => state.ReminderStageSince ?? state.StageSince ?? state.OpenedAt;

    /// <summary>
    /// The next reminder of <paramref name="state"/> under <paramref name="options"/>, or null when there is none (a finished case, or a
    /// stage without an interval). Its due time may be past (a case whose orchestration was not running): the timer then fires at once.
    /// </summary>
    public static ReminderTimer? Next(CaseState state, ReminderOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        if (state.IsFinished || options.For(state.ReminderStage) is not { } interval)
        {
            return null;
        }

        return new(state.ReminderStage, ClockStart(state) + TimeSpan.FromTicks(interval.Ticks * (state.RemindersInStage + 1L)), options.OverdueAfter);
    }
}
