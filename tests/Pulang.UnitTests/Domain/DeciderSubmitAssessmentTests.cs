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

/// <summary>The decider: SubmitAssessment.</summary>
public class DeciderSubmitAssessmentTests : DeciderTestBase
{
    [Theory]
    [InlineData("approver")]
    [InlineData("uploader")]
    [InlineData("admin")]
    public void Only_an_assessor_submits(string who)
    {
        var actor = who switch { "approver" => Approver, "uploader" => Uploader, _ => Admin };

        Refused(WithDocuments(), Submitted(actor: actor), RefusalKind.Forbidden, "role.required");
    }

    [Theory]
    [InlineData("", "Refer to BP3MI.")]
    [InlineData("   ", "Refer to BP3MI.")]
    [InlineData("Summary.", "")]
    [InlineData("Summary.", " \t")]
    public void Asesmen_needs_summary_and_recommendation(string summary, string recommendation)
    {
        Refused(WithDocuments(), Submitted(summary, recommendation), RefusalKind.Invalid, "assessment.empty");
    }

    [Fact]
    public void Asesmen_is_refused_before_the_documents_are_complete()
    {
        Refused(Opened(), Submitted(), RefusalKind.Conflict, "stage.not-assessment");
    }

    [Fact]
    public void Asesmen_is_refused_once_the_case_is_in_sign_off()
    {
        Refused(WithApproved(), Submitted(), RefusalKind.Conflict, "stage.not-assessment");
    }

    [Fact]
    public void Asesmen_is_refused_while_one_awaits_a_decision()
    {
        Refused(WithSubmitted(), Submitted("Another summary.", "Another recommendation."), RefusalKind.Conflict, "assessment.awaiting-decision");
    }

    [Fact]
    public void Submitted_asesmen_is_recorded()
    {
        var s = WithDocuments();
        var now = T0.AddDays(1);

        var d = Decider.Decide(s, Submitted("Summary A.", "Recommendation A."), now);

        Assert.True(d.Accepted);
        Assert.Empty(d.Effects);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(new Assessment("Summary A.", "Recommendation A.", Assessor.Id, now, AssessmentStatus.Submitted), d.State.Assessment);
        Assert.Null(d.State.DossierDigest);
    }
}
