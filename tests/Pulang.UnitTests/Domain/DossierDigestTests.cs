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

/// <summary>The decider: DossierDigest.</summary>
public class DossierDigestTests : DeciderTestBase
{
    static CaseDocument Doc(string id, DocumentKind kind, string sha, DocumentStatus status = DocumentStatus.Accepted) =>
        new(id, kind, $"{CaseId}/{id}", sha, "application/pdf", 10, 1, Uploader.Id, T0, status, new Dictionary<string, string>(), [], null);

    static readonly Assessment ApprovedAssessment =
        new("Summary.", "Recommendation.", Assessor.Id, T0, AssessmentStatus.Approved, Approver.Id, T0.AddHours(1));

    [Fact]
    public void Dossier_digest_follows_the_documented_formula()
    {
        var docs = new[]
        {
            Doc("d3", DocumentKind.AssessmentForm, Sha("form")),
            Doc("d1", DocumentKind.Passport, Sha("pass")),
            Doc("d2", DocumentKind.Ktp, Sha("ktp-b")),
            Doc("d4", DocumentKind.Ktp, Sha("ktp-a")),
            Doc("d5", DocumentKind.Kk, Sha("kk"), DocumentStatus.NeedsReview),
            Doc("d6", DocumentKind.Splp, Sha("splp"), DocumentStatus.Verified),
        };
        var ordered = new[] { docs[1], docs[5], docs[2], docs[3], docs[0] }
            .Select(d => (d.Kind, d.Sha256))
            .OrderBy(x => x.Kind).ThenBy(x => x.Sha256, StringComparer.Ordinal);
        var text = new StringBuilder($"case:{CaseId}\nrevision:3\n");
        foreach (var (kind, sha) in ordered)
        {
            text.Append($"doc:{kind.ToRoute()}:{sha}\n");
        }

        text.Append($"assessment:{Assessor.Id}:{Approver.Id}:{Sha("Summary.\nRecommendation.")}\n");
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));

        Assert.Equal(expected, Decider.DossierDigest(CaseId, docs, ApprovedAssessment, 3));
    }

    [Fact]
    public void Dossier_digest_ignores_order_and_documents_in_review()
    {
        var a = new[] { Doc("d1", DocumentKind.Passport, Sha("p")), Doc("d2", DocumentKind.Ktp, Sha("k")) };
        var b = new[] { a[1], Doc("d9", DocumentKind.Kk, Sha("kk"), DocumentStatus.NeedsReview), a[0] };

        Assert.Equal(Decider.DossierDigest(CaseId, a, ApprovedAssessment, 1), Decider.DossierDigest(CaseId, b, ApprovedAssessment, 1));
    }

    [Fact]
    public void Dossier_digest_changes_with_any_document_or_the_asesmen()
    {
        var docs = new[] { Doc("d1", DocumentKind.Passport, Sha("p")), Doc("d2", DocumentKind.Ktp, Sha("k")) };
        var baseline = Decider.DossierDigest(CaseId, docs, ApprovedAssessment, 1);

        Assert.NotEqual(baseline, Decider.DossierDigest(CaseId, [.. docs, Doc("d3", DocumentKind.Kk, Sha("kk"))], ApprovedAssessment, 1));
        Assert.NotEqual(baseline, Decider.DossierDigest(CaseId, [docs[0], Doc("d2", DocumentKind.Ktp, Sha("k2"))], ApprovedAssessment, 1));
        Assert.NotEqual(baseline, Decider.DossierDigest(CaseId, docs, ApprovedAssessment with { Summary = "Summary!" }, 1));
        Assert.NotEqual(baseline, Decider.DossierDigest(CaseId, docs, ApprovedAssessment with { Recommendation = "Other." }, 1));
        Assert.NotEqual(baseline, Decider.DossierDigest(CaseId, docs, ApprovedAssessment with { SubmittedBy = "user:other" }, 1));
        Assert.NotEqual(baseline, Decider.DossierDigest(CaseId, docs, ApprovedAssessment with { DecidedBy = "user:other" }, 1));
        Assert.NotEqual(baseline, Decider.DossierDigest("PLG-OTHERCASE0", docs, ApprovedAssessment, 1));
        Assert.NotEqual(baseline, Decider.DossierDigest(CaseId, docs, ApprovedAssessment, 2));
    }
}
