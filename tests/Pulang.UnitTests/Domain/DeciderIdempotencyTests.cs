using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>The decider: Idempotency and history.</summary>
public class DeciderIdempotencyTests : DeciderTestBase
{
    [Fact]
    public void Repeating_an_accepted_command_returns_acceptance_and_changes_nothing()
    {
        var s = WithDocuments();
        var hold = Hold("h1");
        var first = Ok(s, hold);
        Assert.NotEmpty(first.Effects);

        var again = Decider.Decide(first.State, hold, T0.AddDays(30));

        Assert.True(again.Accepted);
        Assert.Empty(again.Effects);
        Assert.Same(first.State, again.State);
    }

    [Fact]
    public void Repeating_a_completing_scan_does_not_index_again()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport), Scanned(DocumentKind.Ktp));
        var scan = Scanned(DocumentKind.AssessmentForm);
        var first = Ok(s, scan);

        var again = Decider.Decide(first.State, scan, T0.AddDays(30));

        Assert.True(again.Accepted);
        Assert.Empty(again.Effects);
        Assert.Same(first.State, again.State);
    }

    [Fact]
    public void Repeating_a_refused_command_returns_the_same_refusal_and_changes_nothing()
    {
        var s = WithApproved();
        var stale = Sign(Ministry.KemenP2MI, Sha("old"));
        var first = Refused(s, stale, RefusalKind.Conflict, "signoff.stale-digest");

        var again = Decider.Decide(first.State, stale, T0.AddDays(30));

        Assert.False(again.Accepted);
        Assert.Equal(first.Refusal, again.Refusal);
        Assert.Empty(again.Effects);
        Assert.Same(first.State, again.State);
    }

    [Fact]
    public void A_refused_command_stays_refused_even_when_it_would_now_succeed()
    {
        var s = Opened();
        var early = Submitted();
        var refused = Refused(s, early, RefusalKind.Conflict, "stage.not-assessment");
        var ready = WithDocuments(refused.State);

        var again = Decider.Decide(ready, early, Now());

        Assert.Equal(refused.Refusal, again.Refusal);
        Assert.Same(ready, again.State);
        Assert.Null(again.State.Assessment);
    }

    [Fact]
    public void A_command_id_reused_for_a_different_command_is_refused_and_changes_nothing()
    {
        var s = WithDocuments();
        var hold = Hold("h1");
        var first = Ok(s, hold);

        var reused = Decider.Decide(first.State, Withdraw() with { CommandId = hold.CommandId }, Now());

        Assert.Equal("command.id-reused", reused.Refusal?.Code);
        Assert.Equal(RefusalKind.Invalid, reused.Refusal?.Kind);
        Assert.Same(first.State, reused.State);
        Assert.Equal(Stage.OnHold, reused.State.ShownStage);
    }

    [Fact]
    public void A_dossier_approved_again_after_a_rejection_is_a_new_dossier_both_ministries_can_sign()
    {
        var s = WithApproved();
        var firstDigest = s.DossierDigest!;
        s = Apply(s, Sign(Ministry.KemenP2MI, firstDigest));
        s = Apply(s, Sign(Ministry.Kemensos, firstDigest, approve: false, reason: "Family letter missing"));
        Assert.Equal(Stage.AssessmentPending, s.Stage);

        s = Apply(s, Submitted());
        s = Apply(s, Decided(true));
        Assert.Equal(2, s.DossierRevision);
        Assert.NotEqual(firstDigest, s.DossierDigest);
        Refused(s, Sign(Ministry.KemenP2MI, firstDigest), RefusalKind.Conflict, "signoff.stale-digest");

        s = Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!));
        var released = Ok(s, Sign(Ministry.Kemensos, s.DossierDigest!));
        Assert.Equal(Stage.Released, released.State.Stage);
    }

    [Fact]
    public void Lifting_the_last_hold_publishes_hold_lifted()
    {
        var s = Apply(WithDocuments(), Hold("h1"));

        var d = Ok(s, Lift("h1"));

        Assert.Contains(d.Effects, e => e is PublishCaseEvent { EventType: "case.hold-lifted", EventId: $"{CaseId}:hold-lifted:h1" });
    }

    [Fact]
    public void A_finished_case_still_answers_a_repeat_with_its_first_outcome()
    {
        var s = WithApproved();
        var last = Sign(Ministry.Kemensos, s.DossierDigest!);
        var released = Ok(Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!)), last);

        var again = Decider.Decide(released.State, last, Now());

        Assert.True(again.Accepted);
        Assert.Empty(again.Effects);
        Assert.Same(released.State, again.State);
    }

    [Fact]
    public void History_is_capped_at_the_limit_keeping_the_newest()
    {
        var s = WithDocuments();
        var commands = Enumerable.Range(0, CaseState.HistoryLimit + 5).Select(_ => Reminder(Stage.DocumentsPending)).ToList();

        foreach (var c in commands)
        {
            s = Ok(s, c).State;
        }

        Assert.Equal(CaseState.HistoryLimit, s.History.Count);
        Assert.Equal(commands.TakeLast(CaseState.HistoryLimit).Select(c => c.CommandId), s.History.Select(h => h.CommandId));

        // a refusal at the cap still keeps the limit and drops the oldest entry
        var r = Refused(s, Withdraw(""), RefusalKind.Invalid, "reason.required");
        Assert.Equal(CaseState.HistoryLimit, r.State.History.Count);
        Assert.Equal(s.History[1].CommandId, r.State.History[0].CommandId);
    }

    [Fact]
    public void Accepted_commands_each_add_one_history_entry_and_refusals_keep_UpdatedAt()
    {
        var s = Opened();
        var c = Scanned(DocumentKind.Passport);
        var now = T0.AddHours(3);

        var ok = Decider.Decide(s, c, now);
        Assert.Equal(now, ok.State.UpdatedAt);
        Assert.Single(ok.State.History);

        var refused = Decider.Decide(ok.State, Withdraw(actor: Reader), now.AddHours(1));
        Assert.Equal(now, refused.State.UpdatedAt);
        Assert.Equal(2, refused.State.History.Count);
        Assert.Equal(now.AddHours(1), refused.State.History[^1].At);
    }
}
