using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Retention;

/// <summary>A kind of a finished case's data that retention purges.</summary>
public enum PurgeKind
{
    /// <summary>The task hub's history of the case's orchestrations.</summary>
    History,
    /// <summary>Scans and analyses.</summary>
    Scans,
    /// <summary>The case view blob.</summary>
    CaseView,
    /// <summary>The case index row.</summary>
    IndexRow,
}

/// <summary>
/// What of a case is due for purge: a pure function of when the case finished, the settings and its marks. Never anything of
/// a case that is not finished, that has an open hold (<see cref="HasOpenHold"/>), or that carries a legal-hold mark.
/// </summary>
public static class RetentionPlan
{
    /// <summary>
    /// True while an investigation hold of the case is open (placed and not lifted), or was open when the case was withdrawn
    /// (the withdrawal closed it: <see cref="Hold.ClosedByWithdrawal"/>; the investigation did not end). The one place this is
    /// asked, so a change of how holds are recorded changes only this function.
    /// </summary>
    public static bool HasOpenHold(CaseState state) => state.OpenHolds.Any() || state.Holds.Any(h => h.ClosedByWithdrawal);

    /// <summary>
    /// The kinds of data due for purge at <paramref name="now"/>, in the order they are purged (what points at the others last:
    /// history and scans, then the view, then the index row). A view or index row due takes the history and scans with it. Empty for an unfinished case, a case with an open hold, a legal-hold mark, or an
    /// unknown finish time.
    /// </summary>
    /// <param name="stage">The case's stage (only Released and Withdrawn are finished).</param>
    /// <param name="finishedAt">When it was Released or Withdrawn.</param>
    /// <param name="openHold">True when a hold is open (<see cref="HasOpenHold"/>).</param>
    /// <param name="legalHold">True when the case is marked for legal hold.</param>
    /// <param name="now">The time of the check.</param>
    /// <param name="options">The deployment's retention intervals.</param>
    public static IReadOnlyList<PurgeKind> Due(Stage stage, DateTimeOffset? finishedAt, bool openHold, bool legalHold, DateTimeOffset now, RetentionOptions options)
    {
        if (stage is not (Stage.Released or Stage.Withdrawn) || finishedAt is not { } finished || openHold || legalHold)
        {
            return [];
        }

        var due = Intervals(options).Where(p => p.Keep > TimeSpan.Zero && now - finished >= p.Keep).Select(p => p.Kind).ToHashSet();
        if (due.Contains(PurgeKind.CaseView) || due.Contains(PurgeKind.IndexRow))
        {
            // The view lists the case's documents (their scan instances' IDs): what it points at goes first, or never.
            due.Add(PurgeKind.History);
            due.Add(PurgeKind.Scans);
        }

        return [.. Intervals(options).Select(p => p.Kind).Where(due.Contains)];
    }

    /// <summary>Each kind with its interval, in purge order.</summary>
    public static IEnumerable<(PurgeKind Kind, TimeSpan Keep)> Intervals(RetentionOptions options) =>
    [
        (PurgeKind.History, options.History),
        (PurgeKind.Scans, options.Scans),
        (PurgeKind.CaseView, options.CaseView),
        (PurgeKind.IndexRow, options.IndexRow),
    ];
}
