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

/// <summary>The decider: VerifyDocument.</summary>
public class DeciderVerifyDocumentTests : DeciderTestBase
{
    static CaseState WithPassportInReview(string uploadedBy = "user:uploader-1") =>
        Apply(Opened(),
            Scanned(DocumentKind.Passport, "doc-p", findings: [Finding()], uploadedBy: uploadedBy,
                fields: new Dictionary<string, string> { [FieldNames.FullName] = "TESTA C0NTOH WATI", [FieldNames.BirthDate] = "1995-04-17" }),
            Scanned(DocumentKind.Ktp, "doc-k"));

    [Theory]
    [InlineData("uploader")]
    [InlineData("assessor")]
    [InlineData("admin")]
    [InlineData("system")]
    public void Only_a_verifier_verifies(string who)
    {
        var actor = who switch { "uploader" => Uploader2, "assessor" => Assessor, "admin" => Admin, _ => Actor.System };

        Refused(WithPassportInReview(), Verified("doc-p", actor), RefusalKind.Forbidden, "role.required");
    }

    [Fact]
    public void Verifying_an_unknown_document_is_NotFound()
    {
        Refused(WithPassportInReview(), Verified("doc-nope"), RefusalKind.NotFound, "document.unknown");
    }

    [Fact]
    public void Verifying_an_accepted_document_is_a_conflict()
    {
        Refused(WithPassportInReview(), Verified("doc-k"), RefusalKind.Conflict, "document.not-in-review");
    }

    [Fact]
    public void Verifying_a_verified_document_again_is_a_conflict()
    {
        var s = Apply(WithPassportInReview(), Verified("doc-p", corrections: NameFix));

        Refused(s, Verified("doc-p", Verifier), RefusalKind.Conflict, "document.not-in-review");
    }

    [Fact]
    public void A_verifier_cannot_verify_a_document_they_uploaded()
    {
        var s = WithPassportInReview(uploadedBy: UploaderVerifier.Id);

        Refused(s, Verified("doc-p", UploaderVerifier), RefusalKind.Forbidden, "duty.verify-own-upload");
    }

    /// <summary>
    /// Corrects the passport's misread name ("C0NTOH") to the case's, with the MRZ lines as printed (its MRZ failed its check
    /// digits, and the MRZ-carried fields, the name included, are corrected only together with a valid MRZ).
    /// </summary>
    static Dictionary<string, string> NameFix
    {
        get
        {
            var (line1, line2) = VerificationTests.Td3();
            return new() { [FieldNames.FullName] = "TESTA CONTOH WATI", [FieldNames.MrzLine1] = line1, [FieldNames.MrzLine2] = line2 };
        }
    }

    [Fact]
    public void Verification_applies_and_keeps_corrections()
    {
        var s = WithPassportInReview();
        var corrections = new Dictionary<string, string>(NameFix) { [FieldNames.FullName] = " TESTA CONTOH WATI " };
        var at = Now();

        var d = Decider.Decide(s, Verified("doc-p", UploaderVerifier, corrections), at);

        Assert.True(d.Accepted, d.Refusal?.Message);
        var doc = d.State.Documents.Single(x => x.DocumentId == "doc-p");
        Assert.Equal(DocumentStatus.Verified, doc.Status);
        Assert.True(doc.Counts);
        Assert.Equal(UploaderVerifier.Id, doc.VerifiedBy);
        Assert.Equal(at, doc.VerifiedAt);
        Assert.Equal("checked against the paper", doc.VerificationNote);
        Assert.Null(doc.AcknowledgedFindings);
        Assert.Equal("TESTA CONTOH WATI", doc.EffectiveFields[FieldNames.FullName]);
        Assert.Equal("1995-04-17", doc.EffectiveFields[FieldNames.BirthDate]);
        Assert.Equal(s.Documents.Single(x => x.DocumentId == "doc-p").Fields, doc.Fields); // the original reading is kept as read
        Assert.Equal(NameFix, doc.Corrections); // trimmed
        Assert.Equal(["mrz.check-digit"], doc.Findings.Select(f => f.Code));
        Assert.Equal(Stage.DocumentsPending, d.State.Stage);
        Assert.Empty(d.Effects);
        Assert.Contains("corrected fullName", d.State.History[^1].Detail);
        Assert.Contains("with a note", d.State.History[^1].Detail);
        // the command's dictionary is not mutated
        Assert.Equal(" TESTA CONTOH WATI ", corrections[FieldNames.FullName]);
    }

    [Fact]
    public void Verification_without_corrections_keeps_the_fields_and_the_acknowledged_findings()
    {
        var s = WithPassportInReview();

        var d = Ok(s, Verified("doc-p", corrections: null, acknowledge: ["cross.name-mismatch", "case.name-mismatch"]));

        var doc = d.State.Documents.Single(x => x.DocumentId == "doc-p");
        Assert.Equal(DocumentStatus.Verified, doc.Status);
        Assert.Equal("TESTA C0NTOH WATI", doc.Fields[FieldNames.FullName]);
        Assert.Null(doc.Corrections);
        Assert.Equal(["cross.name-mismatch", "case.name-mismatch"], doc.AcknowledgedFindings!.Select(f => f.Code));
    }

    [Fact]
    public void Verification_that_completes_the_checklist_advances_the_stage()
    {
        var s = Apply(WithPassportInReview(), Scanned(DocumentKind.AssessmentForm));
        Assert.Equal(Stage.DocumentsPending, s.Stage);

        var d = Ok(s, Verified("doc-p", corrections: NameFix));

        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Empty(d.Effects); // the view's own index write records the stage
    }
}
