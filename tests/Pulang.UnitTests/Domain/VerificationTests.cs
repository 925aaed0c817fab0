using System.Text.Json;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;
using Xunit;
using Pulang.Workflows.Ocr;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>
/// Human verification in the decider (<see cref="Verification"/>): corrections checked per kind and field, the corrected
/// document checked against the case and the counting documents, acknowledgement with a note. Fictional person of <see cref="Fx.Intake"/>
/// (TESTA CONTOH WATI, F, 1995-04-17).
/// </summary>
public sealed class VerificationTests
{
    /// <summary>A fictional NIK that agrees with the case: district 350712, day 17 + 40 (female), April 1995, serial 0003.</summary>
    const string GoodNik = "3507125704950003";

    static Dictionary<string, string> C(params (string Field, string Value)[] values) => values.ToDictionary(v => v.Field, v => v.Value);

    static CaseState KtpInReview(IReadOnlyDictionary<string, string>? fields = null) =>
        Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-k", findings: [Finding("field.low-confidence")],
            fields: fields ?? C((FieldNames.FullName, "TESTA CONTOH WATI"), (FieldNames.BirthDate, "1995-04-17"), (FieldNames.Sex, "F"))));

    /// <summary>A TD3 MRZ built with the ICAO 9303 check digits (Part 3 §4.9), for a fictional Indonesian passport.</summary>
    internal static (string Line1, string Line2) Td3(string number = "X1234567", string birth = "950417", char sex = 'F', string expiry = "300101")
    {
        var line1 = "P<IDNWATI<<TESTA<CONTOH".PadRight(44, '<');
        var doc = number.PadRight(9, '<');
        var start = doc + Mrz.CheckDigit(doc) + "IDN" + birth + Mrz.CheckDigit(birth) + sex + expiry + Mrz.CheckDigit(expiry) + new string('<', 14) + "<";
        var composite = string.Concat(start.AsSpan(0, 10), start.AsSpan(13, 7), start.AsSpan(21, 22));
        return (line1, start + Mrz.CheckDigit(composite));
    }

    static Dictionary<string, string> PassportFields((string Line1, string Line2) mrz, string number = "X1234567") => C(
        (FieldNames.MrzLine1, mrz.Line1), (FieldNames.MrzLine2, mrz.Line2), (FieldNames.Surname, "WATI"), (FieldNames.GivenNames, "TESTA CONTOH"),
        (FieldNames.FullName, "TESTA CONTOH WATI"), (FieldNames.PassportNumber, number), (FieldNames.BirthDate, "1995-04-17"), (FieldNames.Sex, "F"),
        (FieldNames.Nationality, "IDN"), (FieldNames.IssuingState, "IDN"), (FieldNames.ExpiryDate, "2030-01-01"));

    static CaseState PassportInReview(IReadOnlyDictionary<string, string>? fields = null) =>
        Apply(Opened(), Scanned(DocumentKind.Passport, "doc-p", findings: [Finding("mrz.number-mismatch")], fields: fields ?? PassportFields(Td3())));

    static RefusalError Error(Decision d, string field) =>
        Assert.Single(d.Refusal!.Errors!, e => e.Field == field);

    static Decision Invalid(CaseState s, VerifyDocument c)
    {
        var d = Refused(s, c, RefusalKind.Unprocessable, "verification.invalid-correction");
        Assert.NotEmpty(d.Refusal!.Errors!);
        return d;
    }

    // ---------------------------------------------------------------- corrections: field names and values

    [Fact]
    public void A_field_name_that_does_not_apply_to_the_kind_is_refused_and_nothing_changes()
    {
        var s = PassportInReview();

        var d = Invalid(s, Verified("doc-p", corrections: C(("pasportNumber", "X1234567"))));

        var e = Error(d, "pasportNumber");
        Assert.Equal("correction.unknown-field", e.Code);
        Assert.Contains(FieldNames.PassportNumber, e.Message);
        Assert.Equal(DocumentStatus.NeedsReview, d.State.Documents.Single(x => x.DocumentId == "doc-p").Status);
        // a NIK is not a passport field; a KK carries no fields at all
        Assert.Equal("correction.unknown-field", Error(Invalid(s, Verified("doc-p", corrections: C((FieldNames.Nik, GoodNik)))), FieldNames.Nik).Code);
        var kk = Apply(Opened(), Scanned(DocumentKind.Kk, "doc-kk", findings: [Finding()]));
        Assert.Equal("correction.unknown-field", Error(Invalid(kk, Verified("doc-kk", corrections: C((FieldNames.FullName, "TESTA CONTOH WATI")))), FieldNames.FullName).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void An_empty_blank_or_null_value_is_refused(string? value)
    {
        var d = Invalid(KtpInReview(), Verified("doc-k", corrections: new Dictionary<string, string> { [FieldNames.Nik] = value! }));

        Assert.Equal("correction.empty", Error(d, FieldNames.Nik).Code);
    }

    [Theory]
    [InlineData("350712570495000", "nik.length")]   // 15 digits
    [InlineData("35071257049500A3", "nik.format")]
    [InlineData("3507120004950003", "nik.day")]     // day 00
    [InlineData("3507125704950000", "nik.serial")]  // serial 0000
    [InlineData("3507000000000000", "nik.day")]     // the value an older test accepted
    [InlineData("3507123102950003", "nik.invalid-date")] // 31 February
    public void An_invalid_NIK_is_refused_with_the_NIK_rule_it_breaks(string nik, string code)
    {
        var d = Invalid(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.Nik, nik))));

        var e = Error(d, FieldNames.Nik);
        Assert.Equal(code, e.Code);
        Assert.Equal(nik, e.Actual);
    }

    [Fact]
    public void A_NIK_that_disagrees_with_the_documents_birth_date_or_sex_is_refused()
    {
        // A valid NIK of a man born 17 April 1995: the KTP says F.
        var d = Invalid(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.Nik, "3507121704950003"))));
        Assert.Equal("nik.sex", Error(d, FieldNames.Nik).Code);

        // A valid NIK of a woman born 18 April 1995: the KTP says 1995-04-17.
        d = Invalid(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.Nik, "3507125804950003"))));
        var e = Error(d, FieldNames.Nik);
        Assert.Equal("nik.birth-date", e.Code);
        Assert.Equal("1995-04-17", e.Expected);
        Assert.Equal("1995-04-18", e.Actual);

        // A corrected birth date is checked against the NIK read before.
        var withNik = KtpInReview(C((FieldNames.Nik, GoodNik), (FieldNames.FullName, "TESTA CONTOH WATI"), (FieldNames.BirthDate, "1995-04-17"), (FieldNames.Sex, "F")));
        Assert.Equal("nik.birth-date", Error(Invalid(withNik, Verified("doc-k", corrections: C((FieldNames.BirthDate, "1995-04-18")))), FieldNames.Nik).Code);
    }

    [Theory]
    [InlineData("17-04-1995", "correction.date")]
    [InlineData("1995-02-30", "correction.date")]
    [InlineData("1995-4-17", "correction.date")]
    [InlineData("yesterday", "correction.date")]
    [InlineData("2999-01-01", "correction.birth-date-future")]
    public void A_birth_date_that_is_not_a_real_past_ISO_date_is_refused(string value, string code)
    {
        var d = Invalid(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.BirthDate, value))));

        Assert.Equal(code, Error(d, FieldNames.BirthDate).Code);
    }

    [Theory]
    [InlineData("X")]
    [InlineData("f")]
    [InlineData("PEREMPUAN")]
    public void Sex_other_than_F_or_M_is_refused(string value)
    {
        var d = Invalid(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.Sex, value))));

        Assert.Equal("correction.sex", Error(d, FieldNames.Sex).Code);
    }

    [Fact]
    public void Every_broken_field_is_listed_at_once()
    {
        var d = Invalid(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.Sex, "X"), (FieldNames.BirthDate, "1995-13-01"), ("nikk", GoodNik))));

        Assert.Equal(["correction.date", "correction.sex", "correction.unknown-field"], d.Refusal!.Errors!.Select(e => e.Code).Order());
        Assert.Contains("birthDate: correction.date", d.Refusal.Message);
    }

    // ---------------------------------------------------------------- corrections: passports and the MRZ

    [Fact]
    public void A_corrected_MRZ_line_must_pass_every_check_digit()
    {
        var good = Td3();
        var broken = good.Line2[..9] + (char)('0' + (good.Line2[9] - '0' + 1) % 10) + good.Line2[10..]; // document number check digit off by one

        var d = Invalid(PassportInReview(), Verified("doc-p", corrections: C((FieldNames.MrzLine2, broken))));

        var e = Error(d, FieldNames.MrzLine2);
        Assert.Equal("mrz.invalid", e.Code);
        Assert.Contains("check-digit:documentNumber", e.Message);
        Assert.Equal("mrz.invalid", Error(Invalid(PassportInReview(), Verified("doc-p", corrections: C((FieldNames.MrzLine2, good.Line2[..40])))), FieldNames.MrzLine2).Code);
    }

    [Fact]
    public void A_corrected_passport_number_must_equal_the_MRZ()
    {
        var d = Invalid(PassportInReview(), Verified("doc-p", corrections: C((FieldNames.PassportNumber, "X1234568"))));

        var e = Error(d, FieldNames.PassportNumber);
        Assert.Equal("mrz.field-mismatch", e.Code);
        Assert.Equal("X1234567", e.Expected);
        Assert.Equal("X1234568", e.Actual);
    }

    [Fact]
    public void A_corrected_full_name_must_be_the_MRZs_name()
    {
        // The full name is what the case and the other documents are compared with: another name would clear a name
        // conflict that the passport's MRZ still shows.
        var d = Invalid(PassportInReview(), Verified("doc-p", corrections: C((FieldNames.FullName, "SITI AMINAH"))));
        var e = Error(d, FieldNames.FullName);
        Assert.Equal("mrz.field-mismatch", e.Code);
        Assert.Equal("TESTA CONTOH WATI", e.Expected);

        // The same name in another order is the MRZ's name.
        var ok = Decider.Decide(PassportInReview(), Verified("doc-p", corrections: C((FieldNames.FullName, "WATI TESTA CONTOH"))), Now());
        Assert.Null(ok.Refusal);
    }

    [Fact]
    public void A_corrected_MRZ_needs_the_fields_it_carries_corrected_too_and_then_is_taken()
    {
        var s = PassportInReview();
        var fixedMrz = Td3(number: "X1234568");

        // the read passport number no longer matches the corrected line 2
        var d = Invalid(s, Verified("doc-p", corrections: C((FieldNames.MrzLine2, fixedMrz.Line2))));
        Assert.Equal("mrz.field-mismatch", Error(d, FieldNames.PassportNumber).Code);
        Assert.Equal("mrz.field-mismatch", Error(Invalid(s, Verified("doc-p", corrections: C((FieldNames.MrzLine2, fixedMrz.Line2), (FieldNames.PassportNumber, "X1234568"), (FieldNames.Sex, "M")))), FieldNames.Sex).Code);

        var ok = Ok(s, Verified("doc-p", corrections: C((FieldNames.MrzLine2, fixedMrz.Line2), (FieldNames.PassportNumber, "X1234568"))));
        Assert.Equal("X1234568", ok.State.Documents.Single().EffectiveFields[FieldNames.PassportNumber]);
        Assert.Equal("X1234567", ok.State.Documents.Single().Fields[FieldNames.PassportNumber]); // the reading stays as read
    }

    [Fact]
    public void A_passport_without_a_valid_MRZ_cannot_have_its_MRZ_fields_corrected_without_the_MRZ()
    {
        var s = PassportInReview(C((FieldNames.FullName, "TESTA CONTOH WATI")));

        var d = Invalid(s, Verified("doc-p", corrections: C((FieldNames.PassportNumber, "X1234567"), (FieldNames.BirthDate, "1995-04-17"))));

        Assert.Equal("correction.mrz-required", Error(d, FieldNames.PassportNumber).Code);
        Assert.Equal("correction.mrz-required", Error(d, FieldNames.BirthDate).Code);
        var mrz = Td3();
        Ok(s, Verified("doc-p", corrections: C((FieldNames.MrzLine1, mrz.Line1), (FieldNames.MrzLine2, mrz.Line2), (FieldNames.PassportNumber, "X1234567"), (FieldNames.BirthDate, "1995-04-17"))));
    }

    // ---------------------------------------------------------------- conflicts and acknowledgement

    /// <summary>Issue example: the passport waits for review, then an SPLP with another last passport number is scanned and accepted.</summary>
    static CaseState PassportInReviewAndConflictingSplp() =>
        Apply(PassportInReview(), Scanned(DocumentKind.Splp, "doc-s", fields: C((FieldNames.FullName, "TESTA CONTOH WATI"), (FieldNames.PassportNumber, "Y7654321"))));

    [Fact]
    public void Verifying_a_document_that_conflicts_with_a_counting_one_is_refused_with_both_values_and_sources()
    {
        var s = PassportInReviewAndConflictingSplp();
        Assert.Equal(DocumentStatus.Accepted, s.Documents.Single(x => x.DocumentId == "doc-s").Status); // compared with counting documents only

        var d = Refused(s, Verified("doc-p"), RefusalKind.Conflict, "verification.conflict");

        var e = Assert.Single(d.Refusal!.Errors!);
        Assert.Equal("cross.passport-number-mismatch", e.Code);
        Assert.Equal(FieldNames.PassportNumber, e.Field);
        Assert.Equal("splp doc-s: Y7654321", e.Expected);
        Assert.Equal("X1234567", e.Actual);
        Assert.DoesNotContain("Y7654321", d.Refusal.Message);
    }

    [Fact]
    public void A_correction_that_contradicts_the_case_is_a_conflict()
    {
        var d = Refused(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.FullName, "TESTA CONTOH"))), RefusalKind.Conflict, "verification.conflict");

        var e = Assert.Single(d.Refusal!.Errors!);
        Assert.Equal("case.name-mismatch", e.Code);
        Assert.Equal("TESTA CONTOH WATI", e.Expected);
        Assert.Equal("TESTA CONTOH", e.Actual);
    }

    [Fact]
    public void Acknowledging_needs_a_note_and_only_codes_that_are_findings()
    {
        var s = PassportInReviewAndConflictingSplp();

        Refused(s, Verified("doc-p", acknowledge: ["cross.passport-number-mismatch"], note: " "), RefusalKind.Unprocessable, "verification.note-required");
        var d = Refused(s, Verified("doc-p", acknowledge: ["cross.passport-number-mismatch", "cross.nik-mismatch"]), RefusalKind.Unprocessable, "verification.acknowledgement-invalid");
        Assert.Equal("cross.nik-mismatch", Assert.Single(d.Refusal!.Errors!).Actual);
        Refused(KtpInReview(), Verified("doc-k", acknowledge: ["case.name-mismatch"]), RefusalKind.Unprocessable, "verification.acknowledgement-invalid");
    }

    [Fact]
    public void Acknowledged_findings_are_kept_on_the_verified_document_with_the_verifier_time_and_note()
    {
        var s = PassportInReviewAndConflictingSplp();
        var at = T0.AddDays(3);

        var d = Decider.Decide(s, Verified("doc-p", acknowledge: ["cross.passport-number-mismatch"], note: "SPLP names the older passport (seen on the paper)"), at);

        Assert.True(d.Accepted, d.Refusal?.Message);
        var doc = d.State.Documents.Single(x => x.DocumentId == "doc-p");
        Assert.Equal(DocumentStatus.Verified, doc.Status);
        Assert.Equal(Verifier.Id, doc.VerifiedBy);
        Assert.Equal(at, doc.VerifiedAt);
        Assert.Equal("SPLP names the older passport (seen on the paper)", doc.VerificationNote);
        var f = Assert.Single(doc.AcknowledgedFindings!);
        Assert.Equal(("cross.passport-number-mismatch", "splp doc-s: Y7654321", "X1234567"), (f.Code, f.Expected, f.Actual));
        Assert.Contains("acknowledged cross.passport-number-mismatch", d.State.History[^1].Detail);

        // kept through the JSON the view blob and the orchestration use
        var back = JsonSerializer.Deserialize<CaseState>(Fx.Json(d.State), PulangJson.Options)!;
        Assert.Equal(Fx.Json(d.State), Fx.Json(back));
    }

    // ---------------------------------------------------------------- null values from JSON

    [Fact]
    public void A_null_correction_from_the_request_body_is_refused_and_later_scans_still_work()
    {
        var request = JsonSerializer.Deserialize<VerificationRequest>("""{"corrections":{"nik":null},"note":"n"}""", PulangJson.Options)!;
        Assert.Null(request.Corrections![FieldNames.Nik]); // the serializer does not respect the nullable annotation
        var s = Apply(KtpInReview(), Scanned(DocumentKind.AssessmentForm, "doc-f", fields: C((FieldNames.FullName, "TESTA CONTOH WATI"), (FieldNames.Nik, GoodNik))));
        var command = new VerifyDocument("doc-k", request.Corrections, request.Note, request.Acknowledge) { CommandId = NewId("cmd"), Actor = Verifier };

        var d = Decider.Decide(s, command, Now());
        var next = Decider.Decide(d.State, Scanned(DocumentKind.Splp, "doc-s", fields: C((FieldNames.Nik, GoodNik))), Now());

        Assert.Equal("verification.invalid-correction", d.Refusal?.Code);
        Assert.Equal("correction.empty", Assert.Single(d.Refusal!.Errors!).Code);
        Assert.True(next.Accepted);
    }

    [Fact]
    public void The_case_status_carries_the_refusal_without_its_errors_and_the_history_keeps_them()
    {
        var d = Decider.Decide(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.Sex, "X"), (FieldNames.Nik, "1"))), Now());

        var recent = CaseStatus.Of(d.State).Recent[^1];

        Assert.Equal("verification.invalid-correction", recent.Refusal!.Code);
        Assert.Null(recent.Refusal.Errors);
        Assert.Equal(2, d.State.History[^1].Refusal!.Errors!.Count);
    }

    [Fact]
    public void Refusal_errors_map_to_a_422_problem_with_each_fields_error()
    {
        var d = Decider.Decide(KtpInReview(), Verified("doc-k", corrections: C((FieldNames.Sex, "X"))), Now());

        var result = Problems.Refused(d.Refusal!);

        var problem = Assert.IsAssignableFrom<Microsoft.AspNetCore.Http.IStatusCodeHttpResult>(result);
        Assert.Equal(422, problem.StatusCode);
        var value = Assert.IsAssignableFrom<Microsoft.AspNetCore.Http.IValueHttpResult>(result).Value as Microsoft.AspNetCore.Mvc.ProblemDetails;
        Assert.Equal("verification.invalid-correction", value!.Extensions["code"]);
        var errors = Assert.IsAssignableFrom<IEnumerable<Dictionary<string, string?>>>(value.Extensions["errors"]);
        var e = Assert.Single(errors);
        Assert.Equal(("correction.sex", "sex", "X"), (e["code"], e["field"], e["actual"]));
    }
}
