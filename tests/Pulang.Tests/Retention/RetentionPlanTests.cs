using Pulang.Workflows.Domain;
using Pulang.Workflows.Retention;

namespace Pulang.Tests.Retention;

/// <summary>What is due when: per kind after its interval, never for an open case, an open hold or a legal-hold mark.</summary>
public sealed class RetentionPlanTests
{
    static readonly DateTimeOffset Finished = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly RetentionOptions Defaults = new();

    static IReadOnlyList<PurgeKind> At(int days, Stage stage = Stage.Released, bool openHold = false, bool legalHold = false, RetentionOptions? options = null) =>
        RetentionPlan.Due(stage, Finished, openHold, legalHold, Finished.AddDays(days), options ?? Defaults);

    [Fact]
    public void Each_kind_is_due_after_its_own_interval_in_purge_order()
    {
        Assert.Empty(At(29));
        Assert.Equal([PurgeKind.History], At(30));
        Assert.Equal([PurgeKind.History, PurgeKind.Scans], At(180));
        Assert.Equal([PurgeKind.History, PurgeKind.Scans, PurgeKind.CaseView, PurgeKind.IndexRow], At(365));
        Assert.Equal([PurgeKind.History, PurgeKind.Scans, PurgeKind.CaseView, PurgeKind.IndexRow], At(365, Stage.Withdrawn));
    }

    [Fact]
    public void Nothing_is_due_for_an_open_case_an_open_hold_or_a_legal_hold_mark()
    {
        Assert.Empty(At(1000, Stage.SignOffPending));
        Assert.Empty(At(1000, Stage.OnHold));
        Assert.Empty(At(1000, Stage.Withdrawn, openHold: true));
        Assert.Empty(At(1000, legalHold: true));
    }

    [Fact]
    public void A_zero_interval_never_purges_that_kind_and_a_view_due_takes_history_and_scans_with_it()
    {
        var options = new RetentionOptions { History = TimeSpan.Zero, Scans = TimeSpan.Zero, CaseView = TimeSpan.FromDays(10), IndexRow = TimeSpan.Zero };
        Assert.Empty(At(9, options: options));
        Assert.Equal([PurgeKind.History, PurgeKind.Scans, PurgeKind.CaseView], At(10, options: options));
    }

    [Fact]
    public void An_open_hold_is_a_hold_placed_and_not_lifted()
    {
        var intake = new CaseIntake("REF-1", "A B", 'F', new DateOnly(1990, 1, 1), "r", "c", new DateOnly(2025, 1, 1));
        var state = Decider.Open("PLG-TEST", intake, Finished, null).State;
        Assert.False(RetentionPlan.HasOpenHold(state));
        var held = state with { Holds = [new Hold("H-1", "x", "police", Finished)] };
        Assert.True(RetentionPlan.HasOpenHold(held));
        Assert.False(RetentionPlan.HasOpenHold(held with { Holds = [new Hold("H-1", "x", "police", Finished, "police", Finished.AddDays(1))] }));
    }
}
