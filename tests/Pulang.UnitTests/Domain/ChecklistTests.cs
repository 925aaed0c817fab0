using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>The checklist: a KK where a KTP is asked for, a list per deployment, what is missing in words; and the withdrawal's reason kept from other roles.</summary>
public class ChecklistTests
{
    static CaseState OpenedWith(params string[] required) => Decider.Open(CaseId, Intake, T0, required).State;

    [Fact]
    public void A_verified_KK_counts_where_a_KTP_is_asked_for_an_accepted_one_not_yet()
    {
        var s = Apply(Opened(), Scanned(Workflows.Documents.DocumentKind.Passport, "doc-p"), Scanned(Workflows.Documents.DocumentKind.AssessmentForm, "doc-f"),
            Scanned(Workflows.Documents.DocumentKind.Kk, "doc-kk"));
        Assert.Equal(["ktp"], s.Checklist.Missing); // accepted by the scan, but nobody has checked it holds the person
        Assert.Equal(Stage.DocumentsPending, s.Stage);

        var withReview = Apply(Opened(), Scanned(Workflows.Documents.DocumentKind.Passport, "doc-p"), Scanned(Workflows.Documents.DocumentKind.AssessmentForm, "doc-f"),
            Scanned(Workflows.Documents.DocumentKind.Kk, "doc-kk", findings: [Finding("kk.member-unclear")]));
        var verified = Ok(withReview, Verified("doc-kk")).State;
        Assert.True(verified.Checklist.Complete);
        Assert.True(verified.Checklist.Ktp);
        Assert.Equal(Stage.AssessmentPending, verified.Stage);
    }

    [Fact]
    public void The_default_list_is_todays_and_names_what_is_missing_in_words()
    {
        var s = Opened();
        Assert.Equal(["passport-or-splp", "ktp", "assessment-form"], s.Checklist.Missing);
        Assert.Equal(["Paspor atau SPLP (passport or SPLP)", "KTP atau KK (KTP or KK)", "Formulir asesmen sosial (social assessment form)"], s.Checklist.MissingInWords);
        var json = Fx.Json(s);
        Assert.Contains("\"missingInWords\"", json);
    }

    [Fact]
    public void A_deployment_can_require_health_screening_and_a_pickup_letter()
    {
        var s = OpenedWith("passport-or-splp", "ktp-or-kk", "assessment-form", "health-screening", "pickup-letter");
        s = Apply(s, Scanned(Workflows.Documents.DocumentKind.Splp, "doc-s"), Scanned(Workflows.Documents.DocumentKind.Ktp, "doc-k"), Scanned(Workflows.Documents.DocumentKind.AssessmentForm, "doc-f"));
        Assert.Equal(["health-screening", "pickup-letter"], s.Checklist.Missing);
        Assert.Equal(Stage.DocumentsPending, s.Stage);
        Assert.Equal("Surat penjemputan keluarga (family pick-up letter)", s.Checklist.MissingInWords[^1]);

        s = Apply(s, Scanned(Workflows.Documents.DocumentKind.HealthScreening, "doc-h"), Scanned(Workflows.Documents.DocumentKind.PickupLetter, "doc-l"));
        Assert.True(s.Checklist.Complete);
        Assert.Equal(Stage.AssessmentPending, s.Stage);

        // the list a case opened with survives a round trip of its state
        var back = System.Text.Json.JsonSerializer.Deserialize<CaseState>(Fx.Json(s), PulangJson.Options)!;
        Assert.Equal(s.RequiredDocuments, back.RequiredDocuments);
    }

    [Fact]
    public void A_shorter_list_completes_sooner()
    {
        var s = Apply(OpenedWith("passport"), Scanned(Workflows.Documents.DocumentKind.Passport, "doc-p"));
        Assert.Equal(Stage.AssessmentPending, s.Stage);
        Assert.False(s.Checklist.Ktp); // today's three items are still reported as such
    }

    [Theory]
    [InlineData("passport-or-spl")]
    [InlineData("investigation")]
    [InlineData("ktp-or-ktp")]
    [InlineData(" ")]
    public void A_bad_checklist_setting_is_refused_with_what_it_needs(string item)
    {
        var options = new PulangOptions { RequiredDocuments = ["passport", item] };
        var e = Assert.Throws<InvalidOperationException>(() => options.CheckedRequiredDocuments());
        Assert.Contains("Pulang:RequiredDocuments", e.Message);
        Assert.Contains("health-screening", e.Message);
        Assert.Equal(DocumentRequirement.DefaultNames, new PulangOptions().CheckedRequiredDocuments());
    }

    [Fact]
    public void A_withdrawal_reason_is_seen_by_investigators_and_admins_only()
    {
        var s = Withdrawn();
        Assert.NotNull(s.Withdrawal!.Reason);
        Assert.Equal(s.Withdrawal, CaseView.For(s, Admin).Withdrawal);
        Assert.Equal(s.Withdrawal, CaseView.For(s, Investigator).Withdrawal);
        foreach (var actor in new[] { Reader, Verifier, P2mi, Kemensos, Uploader })
        {
            var view = CaseView.For(s, actor);
            Assert.Null(view.Withdrawal!.Reason);
            Assert.Equal(Admin.Id, view.Withdrawal.WithdrawnBy);
            Assert.DoesNotContain(view.History, h => h.Detail.Contains("duplicate registration", StringComparison.Ordinal));
        }
    }
}
