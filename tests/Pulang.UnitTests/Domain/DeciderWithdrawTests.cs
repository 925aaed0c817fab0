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
