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

/// <summary>The decider: Holds.</summary>
public class DeciderHoldTests : DeciderTestBase
{
    [Theory]
    [InlineData("admin")]
    [InlineData("p2mi")]
    [InlineData("system")]
    public void Only_an_investigator_places_or_lifts_holds(string who)
    {
        var actor = who switch { "admin" => Admin, "p2mi" => P2mi, _ => Actor.System };

        Refused(WithDocuments(), Hold("h1", actor: actor), RefusalKind.Forbidden, "role.required");
        var held = Apply(WithDocuments(), Hold("h1"));
        Refused(held, Lift("h1", actor: actor), RefusalKind.Forbidden, "role.required");
    }

    [Theory]
    [InlineData("h1", "")]
    [InlineData("h1", "  ")]
    [InlineData("", "reason")]
    [InlineData(" ", "reason")]
    public void A_hold_needs_an_id_and_a_reason(string holdId, string reason)
    {
        Refused(WithDocuments(), Hold(holdId, reason), RefusalKind.Invalid, "reason.required");
    }

    [Fact]
    public void Placing_a_hold_puts_the_case_on_hold()
    {
        var s = WithDocuments();
        var now = T0.AddDays(1);

        var d = Decider.Decide(s, Hold("h1", "TPPO report (fictional)"), now);

        Assert.True(d.Accepted);
        Assert.True(d.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(Stage.OnHold, d.State.ShownStage);
        
        Assert.Equal(new Hold("h1", "TPPO report (fictional)", Investigator.Id, now), Assert.Single(d.State.Holds));
        AssertEffects([Event($"{CaseId}:on-hold:h1", "case.on-hold", ("holdId", "h1"))], d.Effects);
        Assert.Equal(new HoldPlaced("h1", First: true), d.Events[0]);
    }

    [Fact]
    public void A_hold_id_cannot_be_reused()
    {
        var s = Apply(WithDocuments(), Hold("h1"));
        Refused(s, Hold("h1", actor: Investigator2), RefusalKind.Conflict, "hold.exists");

        var lifted = Apply(s, Lift("h1"));
        Refused(lifted, Hold("h1"), RefusalKind.Conflict, "hold.exists");
    }

    [Fact]
    public void A_second_hold_keeps_the_case_on_hold_without_another_event()
    {
        var s = Apply(WithDocuments(), Hold("h1"));

        var d = Ok(s, Hold("h2", actor: Investigator2));

        Assert.True(d.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(Stage.OnHold, d.State.ShownStage);
        Assert.Equal(["h1", "h2"], d.State.OpenHolds.Select(h => h.HoldId));
        Assert.Equal([new HoldPlaced("h2", First: false)], d.Events);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void Lifting_one_of_two_holds_keeps_the_case_on_hold()
    {
        var s = Apply(WithDocuments(), Hold("h1"), Hold("h2"));
        var now = T0.AddDays(2);

        var d = Decider.Decide(s, Lift("h1", "cleared by police", Investigator2), now);

        Assert.True(d.Accepted);
        Assert.True(d.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(Stage.OnHold, d.State.ShownStage);
        Assert.Equal([new HoldLifted("h1", Last: false)], d.Events);
        Assert.Empty(d.Effects);
        var h1 = d.State.Holds.Single(h => h.HoldId == "h1");
        Assert.False(h1.IsOpen);
        Assert.Equal(Investigator2.Id, h1.LiftedBy);
        Assert.Equal(now, h1.LiftedAt);
        Assert.Equal("cleared by police", h1.LiftReason);
        Assert.Equal(["h2"], d.State.OpenHolds.Select(h => h.HoldId));
    }

    [Theory]
    [InlineData(Stage.DocumentsPending)]
    [InlineData(Stage.AssessmentPending)]
    [InlineData(Stage.SignOffPending)]
    public void Lifting_the_last_hold_returns_to_the_previous_stage(Stage stage)
    {
        var s = stage switch
        {
            Stage.DocumentsPending => Apply(Opened(), Scanned(DocumentKind.Passport)),
            Stage.AssessmentPending => WithSubmitted(),
            _ => WithApproved(),
        };
        Assert.Equal(stage, s.Stage);
        s = Apply(s, Hold("h1"), Hold("h2"), Lift("h2"));

        var d = Ok(s, Lift("h1", reason: null));

        Assert.Equal(stage, d.State.Stage);
        Assert.False(d.State.OnHold);
        Assert.Empty(d.State.OpenHolds);
        Assert.Equal(2, d.State.Holds.Count);
        Assert.Equal("case.hold-lifted", Assert.IsType<PublishCaseEvent>(Assert.Single(d.Effects)).EventType);
    }

    [Fact]
    public void Lifting_an_unknown_hold_is_NotFound()
    {
        var s = Apply(WithDocuments(), Hold("h1"));

        Refused(s, Lift("h-unknown"), RefusalKind.NotFound, "hold.unknown");
        Refused(WithDocuments(), Lift("h1"), RefusalKind.NotFound, "hold.unknown");
    }

    [Fact]
    public void Lifting_a_lifted_hold_is_a_conflict()
    {
        var s = Apply(WithDocuments(), Hold("h1"), Hold("h2"), Lift("h1"));

        Refused(s, Lift("h1"), RefusalKind.Conflict, "hold.lifted");
    }

    [Fact]
    public void Work_continues_under_a_hold_through_the_working_stage()
    {
        var s = Apply(Opened(), Hold("h1"), Scanned(DocumentKind.Passport), Scanned(DocumentKind.Ktp));

        var docs = Ok(s, Scanned(DocumentKind.AssessmentForm));
        Assert.True(docs.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, docs.State.Stage);
        Assert.Equal(Stage.OnHold, docs.State.ShownStage);
        Assert.Empty(docs.Effects);

        var submitted = Ok(docs.State, Submitted());
        var approved = Ok(submitted.State, Decided(true));
        Assert.True(approved.State.OnHold);
        Assert.Equal(Stage.SignOffPending, approved.State.Stage);
        Assert.Equal(Stage.OnHold, approved.State.ShownStage);
        Assert.Equal(Decider.DossierDigest(CaseId, approved.State.Documents, approved.State.Assessment!, approved.State.DossierRevision), approved.State.DossierDigest);
        Assert.Empty(approved.Effects);
    }

    [Fact]
    public void Rejection_under_a_hold_returns_to_assessment_after_the_hold()
    {
        var s = Apply(WithApproved(), Hold("h1"));

        var d = Ok(s, Sign(Ministry.Kemensos, s.DossierDigest!, false, "needs home visit"));
        Assert.True(d.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(Stage.OnHold, d.State.ShownStage);
        Assert.Null(d.State.DossierDigest);
        Assert.Empty(d.Effects);

        var lifted = Ok(d.State, Lift("h1"));
        Assert.Equal(Stage.AssessmentPending, lifted.State.Stage);
    }

    [Fact]
    public void Sign_offs_during_a_hold_are_recorded_but_do_not_release()
    {
        var s = Apply(WithApproved(), Hold("h1"));
        var digest = s.DossierDigest!;

        var p = Ok(s, Sign(Ministry.KemenP2MI, digest));
        var k = Ok(p.State, Sign(Ministry.Kemensos, digest));

        Assert.True(k.State.OnHold);
        Assert.Equal(Stage.SignOffPending, k.State.Stage);
        Assert.Equal(Stage.OnHold, k.State.ShownStage);
        Assert.Equal(2, k.State.SignOffs.Count);
        Assert.Null(k.State.ReleasedAt);
        Assert.Empty(p.Effects);
        Assert.Empty(k.Effects);
        Assert.Contains("release waits for the hold", k.State.History[^1].Detail);
    }

    [Fact]
    public void Lifting_the_last_hold_after_both_approvals_releases()
    {
        var s = Apply(WithApproved(), Hold("h1"), Hold("h2"));
        var digest = s.DossierDigest!;
        s = Apply(s, Sign(Ministry.KemenP2MI, digest), Sign(Ministry.Kemensos, digest), Lift("h2"));
        Assert.Equal(Stage.OnHold, s.ShownStage);
        var now = T0.AddDays(9);

        var d = Decider.Decide(s, Lift("h1"), now);

        Assert.True(d.Accepted);
        Assert.Equal(Stage.Released, d.State.Stage);
        Assert.False(d.State.OnHold);
        Assert.Equal(now, d.State.ReleasedAt);
        Assert.Equal([new HoldLifted("h1", Last: true), new CaseReleased(digest)], d.Events.Take(2));
        Assert.Equal(3, d.Effects.Count);
        Assert.Equal("case.hold-lifted", Assert.IsType<PublishCaseEvent>(d.Effects[0]).EventType);
        var record = Assert.IsType<WriteReleaseRecord>(d.Effects[1]).Record;
        Assert.Equal(digest, record.DossierDigest);
        Assert.Equal(["h1", "h2"], record.Holds.Select(h => h.HoldId));
        Assert.All(record.Holds, h => Assert.False(h.IsOpen));
        var e = Assert.IsType<PublishCaseEvent>(d.Effects[2]);
        Assert.Equal($"{CaseId}:released", e.EventId);
        Assert.Equal("case.released", e.EventType);
    }
}
