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

/// <summary>The decider: DecideAssessment.</summary>
public class DeciderDecideAssessmentTests : DeciderTestBase
{
    [Theory]
    [InlineData("assessor")]
    [InlineData("p2mi")]
    [InlineData("admin")]
    public void Only_an_assessment_approver_decides(string who)
    {
        var actor = who switch { "assessor" => Assessor, "p2mi" => P2mi, _ => Admin };

        Refused(WithSubmitted(), Decided(true, actor: actor), RefusalKind.Forbidden, "role.required");
    }

    [Fact]
    public void Deciding_without_a_submitted_asesmen_is_a_conflict()
    {
        Refused(WithDocuments(), Decided(true), RefusalKind.Conflict, "assessment.not-submitted");
        Refused(Opened(), Decided(true), RefusalKind.Conflict, "assessment.not-submitted");
    }

    [Fact]
    public void Deciding_an_approved_asesmen_again_is_a_conflict()
    {
        Refused(WithApproved(), Decided(true), RefusalKind.Conflict, "assessment.not-submitted");
    }

    [Fact]
    public void Deciding_a_sent_back_asesmen_is_a_conflict()
    {
        var s = Apply(WithSubmitted(), Decided(false, "incomplete family history"));

        Refused(s, Decided(true), RefusalKind.Conflict, "assessment.not-submitted");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_assessor_cannot_decide_on_their_own_asesmen(bool approve)
    {
        var s = Apply(WithDocuments(), Submitted(actor: AssessorApprover));

        Refused(s, Decided(approve, "a reason", AssessorApprover), RefusalKind.Forbidden, "duty.approve-own-assessment");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Sending_back_needs_a_reason(string? reason)
    {
        Refused(WithSubmitted(), Decided(false, reason), RefusalKind.Invalid, "reason.required");
    }

    [Fact]
    public void Send_back_keeps_the_case_in_assessment_and_allows_resubmission()
    {
        var s = WithSubmitted();
        var now = T0.AddDays(2);

        var d = Decider.Decide(s, Decided(false, "incomplete family history"), now);

        Assert.True(d.Accepted);
        Assert.Empty(d.Effects);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Null(d.State.DossierDigest);
        var a = d.State.Assessment!;
        Assert.Equal(AssessmentStatus.SentBack, a.Status);
        Assert.Equal(Approver.Id, a.DecidedBy);
        Assert.Equal(now, a.DecidedAt);
        Assert.Equal("incomplete family history", a.Reason);

        var again = Ok(d.State, Submitted("Revised summary.", "Revised recommendation."));
        Assert.Equal(AssessmentStatus.Submitted, again.State.Assessment!.Status);
        Assert.Equal("Revised summary.", again.State.Assessment.Summary);
        Assert.Null(again.State.Assessment.DecidedBy);
        Assert.Null(again.State.Assessment.Reason);
    }

    [Fact]
    public void Approval_moves_to_SignOffPending_with_the_dossier_digest()
    {
        var s = Apply(WithDocuments(), Scanned(DocumentKind.HealthScreening, findings: [Finding("ocr.failed")]), Submitted());
        var now = T0.AddDays(3);

        var d = Decider.Decide(s, Decided(true), now);

        Assert.True(d.Accepted);
        Assert.Equal(Stage.SignOffPending, d.State.Stage);
        var a = d.State.Assessment!;
        Assert.Equal(AssessmentStatus.Approved, a.Status);
        Assert.Equal(Approver.Id, a.DecidedBy);
        Assert.Equal(now, a.DecidedAt);
        Assert.NotNull(d.State.DossierDigest);
        Assert.Equal(1, d.State.DossierRevision);
        Assert.Equal(Decider.DossierDigest(CaseId, d.State.Documents, a, 1), d.State.DossierDigest);
        Assert.Matches("^[0-9a-f]{64}$", d.State.DossierDigest);
        Assert.Empty(d.Effects); // the view's own index write records the stage
    }
}
