using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>Investigation papers are filed without review and compared with nothing; hold reasons reach only investigators and admins.</summary>
public class RestrictedRulesTests
{
    static readonly Actor Intake = new("system:embassy", [Roles.Intake]);

    [Fact]
    public void An_investigation_paper_with_findings_is_filed_without_review_and_waits_for_nobody()
    {
        var s = Opened();
        var paper = Scanned(DocumentKind.Investigation, findings: [Finding("ocr.failed")], actor: Actor.System, uploadedBy: Investigator.Id);
        var d = Ok(s, paper);

        var doc = Assert.Single(d.State.Documents);
        Assert.Equal(DocumentStatus.Accepted, doc.Status);
        Assert.Equal(["ocr.failed"], doc.Findings.Select(f => f.Code));
        Assert.DoesNotContain(Roles.Verifier, Inbox.AwaitingRoles(d.State));

        // A verifier cannot tell it from a document that does not exist.
        Refused(d.State, Verified(paper.DocumentId, Verifier), RefusalKind.NotFound, "document.unknown");
    }

    [Fact]
    public void Other_documents_are_never_compared_with_an_investigation_paper_nor_it_with_them()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Investigation, "doc-paper", fields: new Dictionary<string, string> { [FieldNames.FullName] = "NAMA LAIN SEKALI" }, uploadedBy: Investigator.Id));
        var ktp = Ok(s, Scanned(DocumentKind.Ktp, "doc-ktp")).State.Documents.Single(d => d.DocumentId == "doc-ktp");
        Assert.Equal(DocumentStatus.Accepted, ktp.Status);
        Assert.Empty(ktp.Findings);

        var paper = Ok(Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-ktp")), Scanned(DocumentKind.Investigation, "doc-paper", fields: new Dictionary<string, string> { [FieldNames.FullName] = "NAMA LAIN SEKALI" }))
            .State.Documents.Single(d => d.DocumentId == "doc-paper");
        Assert.Empty(paper.Findings);
    }

    [Fact]
    public void Hold_reasons_are_in_the_views_of_investigators_and_admins_only_and_not_in_the_release_record()
    {
        var s = Apply(WithApproved(), Hold("h1", "zqx placed: witness statement (fictional)"));
        s = Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!), Sign(Ministry.Kemensos, s.DossierDigest!));
        var d = Ok(s, Lift("h1", "zqx lifted: statement taken (fictional)"));
        Assert.Equal(Stage.Released, d.State.Stage);

        var record = Assert.Single(d.Effects.OfType<WriteReleaseRecord>()).Record;
        var hold = Assert.Single(record.Holds);
        Assert.Equal(("h1", Investigator.Id, Investigator.Id), (hold.HoldId, hold.PlacedBy, hold.LiftedBy));
        Assert.Null(hold.Reason);
        Assert.Null(hold.LiftReason);
        foreach (var effect in d.Effects)
        {
            Assert.DoesNotContain("zqx", Fx.Json(effect));
        }

        foreach (var actor in new[] { Intake, Uploader, Verifier, Assessor, Approver, P2mi, Kemensos, Reader })
        {
            var seen = Assert.Single(CaseView.For(d.State, actor).Holds);
            Assert.Equal(d.State.Holds[0] with { Reason = null, LiftReason = null }, seen);
            Assert.DoesNotContain("zqx", Fx.Json(CaseView.For(d.State, actor)));
        }

        foreach (var actor in new[] { Investigator, Admin })
        {
            Assert.Equal(d.State.Holds, CaseView.For(d.State, actor).Holds);
        }

        Assert.Equal("zqx placed: witness statement (fictional)", d.State.Holds[0].Reason);
    }
}
