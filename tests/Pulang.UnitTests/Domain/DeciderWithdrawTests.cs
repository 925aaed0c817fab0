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

/// <summary>The decider: Withdraw and finished cases.</summary>
public class DeciderWithdrawTests : DeciderTestBase
{
    [Theory]
    [InlineData("investigator")]
    [InlineData("approver")]
    [InlineData("system")]
    public void Only_an_admin_withdraws(string who)
    {
        var actor = who switch { "investigator" => Investigator, "approver" => Approver, _ => Actor.System };

        Refused(WithDocuments(), Withdraw(actor: actor), RefusalKind.Forbidden, "role.required");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Withdrawing_needs_a_reason(string reason)
    {
        Refused(WithDocuments(), Withdraw(reason), RefusalKind.Invalid, "reason.required");
    }

    [Theory]
    [InlineData(Stage.DocumentsPending)]
    [InlineData(Stage.AssessmentPending)]
    [InlineData(Stage.SignOffPending)]
    [InlineData(Stage.OnHold)]
    public void Withdraw_finishes_the_case_with_an_event(Stage stage)
    {
        var s = stage switch
        {
            Stage.DocumentsPending => Opened(),
            Stage.AssessmentPending => WithDocuments(),
            Stage.SignOffPending => WithApproved(),
            _ => Apply(WithDocuments(), Hold("h1")),
        };
        Assert.Equal(stage, s.ShownStage);

        var d = Ok(s, Withdraw("person left the centre"));

        Assert.Equal(Stage.Withdrawn, d.State.Stage);
        Assert.False(d.State.OnHold);
        Assert.True(d.State.IsFinished);
        Assert.Null(d.State.ReleasedAt);
        // The reason stays with the case for investigators and admins; the event and the history do not carry it.
        AssertEffects([Event($"{CaseId}:withdrawn", "case.withdrawn", ("stage", stage == Stage.OnHold ? Stage.AssessmentPending.ToString() : stage.ToString()))], d.Effects);
        Assert.Equal(new CaseWithdrawn(stage == Stage.OnHold ? Stage.AssessmentPending : stage), d.Events[0]);
        Assert.Equal(new Withdrawal("person left the centre", Admin.Id, d.State.UpdatedAt), d.State.Withdrawal);
        Assert.DoesNotContain("left the centre", d.State.History[^1].Detail);
    }

    [Fact]
    public void Withdrawing_closes_every_open_hold_audited_without_a_hold_lifted_event()
    {
        var s = Apply(WithDocuments(), Hold("h1"), Hold("h2"), Hold("h3"), Lift("h3"));
        Assert.Equal(["h1", "h2"], s.OpenHolds.Select(h => h.HoldId));
        var c = Withdraw("person left the centre");

        var d = Ok(s, c);

        // No open hold is left: h1 and h2 are closed by the admin at the withdrawal, marked as closed by it; h3 stays as lifted.
        Assert.Empty(d.State.OpenHolds);
        Assert.False(d.State.OnHold);
        var now = d.State.UpdatedAt;
        Assert.Equal(
            [new Hold("h1", "TPPO investigation (fictional)", Investigator.Id, s.Holds[0].PlacedAt, Admin.Id, now, null, true),
             new Hold("h2", "TPPO investigation (fictional)", Investigator.Id, s.Holds[1].PlacedAt, Admin.Id, now, null, true),
             s.Holds[2]],
            d.State.Holds);
        Assert.Equal([new CaseWithdrawn(Stage.AssessmentPending), new HoldClosedByWithdrawal("h1"), new HoldClosedByWithdrawal("h2")], d.Events.Take(3));
        Assert.Equal("withdrawn; hold h1, h2 closed", d.State.History[^1].Detail);

        // The one outgoing event is case.withdrawn, with the working stage: the case does not go on, so no case.hold-lifted.
        AssertEffects([Event($"{CaseId}:withdrawn", "case.withdrawn", ("stage", "AssessmentPending"))], d.Effects);

        // Audited: the withdrawal, then one holdLifted entry per closed hold, by the admin.
        var audit = AuditTrail.For(s, c, d, now).Select(a => a.Record).ToList();
        Assert.Equal(
            [($"{CaseId}:{c.CommandId}:withdraw", "withdraw", (string?)null), ($"{CaseId}:{c.CommandId}:holdLifted:h1", "holdLifted", "h1"), ($"{CaseId}:{c.CommandId}:holdLifted:h2", "holdLifted", "h2")],
            audit.Select(a => (a.EntryId, a.Action, a.Target)));
        Assert.All(audit, a => Assert.Equal((Admin.Id, AuditRecord.Accepted), (a.ActorId, a.Outcome)));

        // The investigation did not end with the withdrawal: retention keeps the case as if the hold were open.
        Assert.True(Pulang.Workflows.Retention.RetentionPlan.HasOpenHold(d.State));
        Assert.False(Pulang.Workflows.Retention.RetentionPlan.HasOpenHold(Ok(Apply(WithDocuments(), Hold("h1"), Lift("h1")), Withdraw()).State));
    }

    [Fact]
    public void A_case_withdrawn_without_open_holds_changes_no_hold()
    {
        var s = Apply(WithDocuments(), Hold("h1"), Lift("h1"));
        var c = Withdraw();

        var d = Ok(s, c);

        Assert.Equal(s.Holds, d.State.Holds);
        Assert.Equal([new CaseWithdrawn(Stage.AssessmentPending)], d.Events.Take(1));
        Assert.DoesNotContain(d.Events, e => e is HoldClosedByWithdrawal);
        Assert.Equal("withdrawn", d.State.History[^1].Detail);
        Assert.Equal(["withdraw"], AuditTrail.For(s, c, d, d.State.UpdatedAt).Select(a => a.Record.Action));
    }

    [Theory]
    [InlineData(Stage.DocumentsPending)]
    [InlineData(Stage.SignOffPending)]
    public void The_withdrawn_event_on_the_wire_carries_the_stage_and_not_the_reason(Stage stage)
    {
        var s = stage == Stage.DocumentsPending ? Opened() : Apply(WithApproved(), Hold("h1"));
        var d = Ok(s, Withdraw("a reason naming Fictional Person"));

        var effect = Assert.IsType<PublishCaseEvent>(Assert.Single(d.Effects));
        var cloudEvent = Pulang.Workflows.Events.CaseEventFormat.ToCloudEvent(effect, T0, new Uri("https://pulang.example/test"));
        var wire = Encoding.UTF8.GetString(Pulang.Workflows.Events.CaseEventFormat.Encode(cloudEvent));

        var data = JsonDocument.Parse(wire).RootElement.GetProperty("data");
        Assert.Equal(stage.ToString(), data.GetProperty("stage").GetString());
        Assert.Equal(CaseId, data.GetProperty("caseId").GetString());
        Assert.Equal(["caseId", "stage"], data.EnumerateObject().Select(p => p.Name).Order());
        Assert.DoesNotContain("Fictional Person", wire);
        Assert.Equal("id.go.pulang.case.withdrawn.v1", cloudEvent.Type);
    }

    public static TheoryData<string, string> FinishedCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var stage in new[] { "released", "withdrawn" })
        {
            foreach (var command in new[] { "documentScanned", "documentVerified", "assessmentSubmitted", "assessmentDecided", "signOff", "holdPlaced", "holdLifted", "withdraw", "reminderDue" })
            {
                data.Add(stage, command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FinishedCases))]
    public void Finished_cases_refuse_every_command(string finished, string command)
    {
        var s = finished == "released" ? Released() : Withdrawn();
        Assert.True(s.IsFinished);
        s = s with { Holds = s.Holds.Add(new Hold("h-old", "earlier", Investigator.Id, T0)) };

        CaseCommand c = command switch
        {
            "documentScanned" => Scanned(DocumentKind.Kk),
            "documentVerified" => Verified("doc-passport"),
            "assessmentSubmitted" => Submitted(),
            "assessmentDecided" => Decided(true),
            "signOff" => Sign(Ministry.KemenP2MI, s.DossierDigest ?? Sha("x"), actor: P2mi2),
            "holdPlaced" => Hold("h-new"),
            "holdLifted" => Lift("h-old"),
            "withdraw" => Withdraw(),
            _ => Reminder(s.Stage),
        };

        Refused(s, c, RefusalKind.Conflict, "case.finished");
    }
}
