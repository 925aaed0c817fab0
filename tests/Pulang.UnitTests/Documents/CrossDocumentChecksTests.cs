using Pulang.Tests.Domain;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Documents;

/// <summary>The same (fictional) person across passport, SPLP, KTP and assessment form.</summary>
public class CrossDocumentChecksTests
{
    static CaseDocument Doc(string id, DocumentKind kind, params (string Field, string Value)[] fields) =>
        new(id, kind, $"case/{id}", Sha(id), "image/png", 1, 1, "user:uploader-1", DateTimeOffset.UnixEpoch, DocumentStatus.Accepted,
            fields.ToDictionary(f => f.Field, f => f.Value), [], null);

    static readonly CaseDocument Passport = Doc("DOC-P", DocumentKind.Passport,
        (FieldNames.FullName, "SRI RAHAYU WULANDARI"), (FieldNames.BirthDate, "1992-08-14"), (FieldNames.Sex, "F"), (FieldNames.PassportNumber, "C4821937"));
    static readonly CaseDocument Ktp = Doc("DOC-K", DocumentKind.Ktp,
        (FieldNames.FullName, "SRI RAHAYU WULANDARI"), (FieldNames.BirthDate, "1992-08-14"), (FieldNames.Sex, "F"), (FieldNames.Nik, "3507125408920003"));

    [Fact]
    public void Agreeing_documents_give_no_findings_even_with_names_in_another_order_and_titles()
    {
        var splp = Doc("DOC-S", DocumentKind.Splp, (FieldNames.FullName, "Hj. WULANDARI SRI RAHAYU"), (FieldNames.BirthDate, "1992-08-14"),
            (FieldNames.Sex, "F"), (FieldNames.Nik, "3507125408920003"), (FieldNames.PassportNumber, "C4821937"));
        Assert.Empty(CrossDocumentChecks.Check(splp, [Passport, Ktp]));
    }

    [Fact]
    public void Splp_last_passport_number_differing_from_the_passport_is_a_finding_with_both_values_and_the_source()
    {
        var splp = Doc("DOC-S", DocumentKind.Splp, (FieldNames.PassportNumber, "C4821937X"));
        var f = Assert.Single(CrossDocumentChecks.Check(splp, [Passport, Ktp]));
        Assert.Equal("cross.passport-number-mismatch", f.Code);
        Assert.Equal(FieldNames.PassportNumber, f.Field);
        Assert.Equal("passport DOC-P: C4821937", f.Expected);
        Assert.Equal("C4821937X", f.Actual);
        Assert.DoesNotContain("C4821937", f.Message);
    }

    [Fact]
    public void Each_disagreeing_field_and_document_is_its_own_finding()
    {
        var form = Doc("DOC-F", DocumentKind.AssessmentForm, (FieldNames.FullName, "SRI RAHAYU WULANDARl"), (FieldNames.BirthDate, "1992-08-15"),
            (FieldNames.Nik, "3507125408920004"), (FieldNames.Sex, "M"));
        var findings = CrossDocumentChecks.Check(form, [Passport, Ktp]);
        Assert.Equal(
            ["cross.name-mismatch", "cross.birth-date-mismatch", "cross.sex-mismatch", "cross.name-mismatch", "cross.birth-date-mismatch", "cross.sex-mismatch", "cross.nik-mismatch"],
            findings.Select(x => x.Code));
        Assert.Equal("ktp DOC-K: 3507125408920003", findings.Single(x => x.Code == "cross.nik-mismatch").Expected);
        Assert.All(findings, x => Assert.NotNull(x.Actual));
    }

    [Fact]
    public void Two_passports_may_have_different_numbers_and_missing_fields_are_not_compared()
    {
        var renewed = Doc("DOC-P2", DocumentKind.Passport, (FieldNames.PassportNumber, "E1234567"));
        Assert.Empty(CrossDocumentChecks.Check(renewed, [Passport]));
        Assert.Empty(CrossDocumentChecks.Check(Doc("DOC-X", DocumentKind.Kk), [Passport, Ktp]));
    }

    [Fact]
    public void A_verifiers_correction_is_what_the_other_document_says()
    {
        var corrected = Passport with { Status = DocumentStatus.Verified, Corrections = new Dictionary<string, string> { [FieldNames.PassportNumber] = "C4821938" } };
        var splp = Doc("DOC-S", DocumentKind.Splp, (FieldNames.PassportNumber, "C4821938"));
        Assert.Empty(CrossDocumentChecks.Check(splp, [corrected]));
    }

    [Fact]
    public void Decider_sends_a_document_disagreeing_with_a_counting_one_to_review_with_findings_appended()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport, "doc-p", fields: new Dictionary<string, string>
        {
            [FieldNames.FullName] = "TESTA CONTOH WATI", [FieldNames.PassportNumber] = "C4821937",
        }));
        var d = Ok(s, Scanned(DocumentKind.Splp, "doc-s", findings: [Finding("field.low-confidence")], fields: new Dictionary<string, string>
        {
            [FieldNames.FullName] = "TESTA CONTOH WATI", [FieldNames.PassportNumber] = "C4821937X",
        }));
        var splp = d.State.Documents.Single(x => x.DocumentId == "doc-s");
        Assert.Equal(DocumentStatus.NeedsReview, splp.Status);
        Assert.Equal(["field.low-confidence", "cross.passport-number-mismatch"], splp.Findings.Select(f => f.Code));
        Assert.Equal("passport doc-p: C4821937", splp.Findings[1].Expected);
        Assert.Equal(DocumentStatus.Accepted, d.State.Documents.Single(x => x.DocumentId == "doc-p").Status);
        Assert.DoesNotContain(d.State.History, h => (h.Detail ?? "").Contains("C4821937", StringComparison.Ordinal));
    }

    [Fact]
    public void Decider_accepts_an_agreeing_document_and_ignores_documents_that_do_not_count()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport, "doc-p", findings: [Finding()], fields: new Dictionary<string, string>
        {
            [FieldNames.FullName] = "SOMEONE ELSE", [FieldNames.PassportNumber] = "C0000000",
        }));
        var d = Ok(s, Scanned(DocumentKind.Ktp, "doc-k"));
        Assert.Equal(DocumentStatus.Accepted, d.State.Documents.Single(x => x.DocumentId == "doc-k").Status);

        var again = Ok(d.State, Scanned(DocumentKind.AssessmentForm, "doc-f", fields: new Dictionary<string, string> { [FieldNames.FullName] = "WATI TESTA CONTOH" }));
        Assert.Equal(DocumentStatus.Accepted, again.State.Documents.Single(x => x.DocumentId == "doc-f").Status);
    }
}
