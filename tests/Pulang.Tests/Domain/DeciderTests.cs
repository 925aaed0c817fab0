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

public class DeciderTests
{
    static void AssertEffects(IEnumerable<Effect> expected, IEnumerable<Effect> actual) =>
        Assert.Equal(Json<List<Effect>>([.. expected]), Json<List<Effect>>([.. actual]));

    static PublishCaseEvent Event(string eventId, string type, params (string Key, string Value)[] data) =>
        new(eventId, type, CaseId, data.ToDictionary(d => d.Key, d => d.Value));

    // ---------------------------------------------------------------- Open

    [Fact]
    public void Open_starts_in_DocumentsPending()
    {
        var d = Decider.Open(CaseId, Intake, T0);

        Assert.True(d.Accepted);
        Assert.Equal(Stage.DocumentsPending, d.State.Stage);
        Assert.Equal(CaseId, d.State.CaseId);
        Assert.Equal(Intake, d.State.Intake);
        Assert.Equal(T0, d.State.OpenedAt);
        Assert.Equal(T0, d.State.UpdatedAt);
        Assert.False(d.State.OnHold);
        Assert.Null(d.State.Assessment);
        Assert.Null(d.State.DossierDigest);
        Assert.Empty(d.State.Documents);
        Assert.Empty(d.State.History);
        Assert.Equal(["passport-or-splp", "ktp", "assessment-form"], d.State.Checklist.Missing);
        Assert.Empty(d.Effects); // the view's own index write records the stage
    }

    // ---------------------------------------------------------------- DocumentScanned

    [Fact]
    public void Clean_scan_is_accepted_and_recorded()
    {
        var s = Opened();
        var c = Scanned(DocumentKind.Passport, "doc-p1");
        var now = T0.AddHours(1);

        var d = Decider.Decide(s, c, now);

        Assert.True(d.Accepted);
        Assert.Empty(d.Effects);
        Assert.Equal(Stage.DocumentsPending, d.State.Stage);
        var doc = Assert.Single(d.State.Documents);
        Assert.Equal("doc-p1", doc.DocumentId);
        Assert.Equal(DocumentKind.Passport, doc.Kind);
        Assert.Equal(DocumentStatus.Accepted, doc.Status);
        Assert.True(doc.Counts);
        Assert.Equal(c.Sha256, doc.Sha256);
        Assert.Equal(c.BlobName, doc.BlobName);
        Assert.Equal(c.AnalysisBlobName, doc.AnalysisBlobName);
        Assert.Equal(Uploader.Id, doc.UploadedBy);
        Assert.Equal(now, doc.ScannedAt);
        Assert.Equal("TESTA CONTOH WATI", doc.Fields[FieldNames.FullName]);
        Assert.Null(doc.VerifiedBy);
        Assert.Equal(now, d.State.UpdatedAt);
        var h = Assert.Single(d.State.History);
        Assert.True(h.Accepted);
        Assert.Equal(c.CommandId, h.CommandId);
        Assert.Equal("documentScanned", h.Command);
        Assert.Equal(Actor.System.Id, h.ActorId);
        Assert.Equal(now, h.At);
        Assert.Equal(["ktp", "assessment-form"], d.State.Checklist.Missing);
    }

    [Fact]
    public void Scan_with_findings_needs_review_and_does_not_count()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-k"), Scanned(DocumentKind.AssessmentForm, "doc-f"));

        var d = Ok(s, Scanned(DocumentKind.Passport, "doc-p", findings: [Finding("mrz.check-digit"), Finding("name.mismatch")]));

        Assert.Equal([new DocumentAdded("doc-p", DocumentKind.Passport, DocumentStatus.NeedsReview)], d.Events);
        Assert.Empty(d.Effects);
        Assert.Equal(Stage.DocumentsPending, d.State.Stage);
        var doc = d.State.Documents.Single(x => x.DocumentId == "doc-p");
        Assert.Equal(DocumentStatus.NeedsReview, doc.Status);
        Assert.False(doc.Counts);
        Assert.Equal(["mrz.check-digit", "name.mismatch"], doc.Findings.Select(f => f.Code));
        Assert.False(d.State.Checklist.Complete);
        Assert.Equal(["passport-or-splp"], d.State.Checklist.Missing);
        Assert.Contains("mrz.check-digit", d.State.History[^1].Detail);
    }

    [Theory]
    [InlineData(DocumentKind.Passport)]
    [InlineData(DocumentKind.Splp)]
    public void Identity_document_plus_ktp_plus_assessment_form_completes_the_checklist(DocumentKind identity)
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp), Scanned(identity));
        Assert.Equal(Stage.DocumentsPending, s.Stage);

        var d = Ok(s, Scanned(DocumentKind.AssessmentForm));

        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.True(d.State.Checklist.Complete);
        Assert.Empty(d.State.Checklist.Missing);
        Assert.Empty(d.Effects); // the view's own index write records the stage
        Assert.EndsWith("documents complete", d.State.History[^1].Detail);
    }

    [Theory]
    [InlineData(DocumentKind.Ktp, DocumentKind.AssessmentForm)]
    [InlineData(DocumentKind.Passport, DocumentKind.AssessmentForm)]
    [InlineData(DocumentKind.Passport, DocumentKind.Ktp)]
    [InlineData(DocumentKind.Splp, DocumentKind.Kk)]
    public void Incomplete_checklist_stays_in_DocumentsPending(DocumentKind a, DocumentKind b)
    {
        var s = Opened();
        var d1 = Ok(s, Scanned(a));
        var d2 = Ok(d1.State, Scanned(b));
        var d3 = Ok(d2.State, Scanned(DocumentKind.HealthScreening));
        var d4 = Ok(d3.State, Scanned(DocumentKind.PickupLetter));

        foreach (var d in new[] { d1, d2, d3, d4 })
        {
            Assert.Empty(d.Effects);
            Assert.Equal(Stage.DocumentsPending, d.State.Stage);
        }

        Assert.False(d4.State.Checklist.Complete);
    }

    [Fact]
    public void Kk_does_not_stand_in_for_the_ktp()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport), Scanned(DocumentKind.Kk), Scanned(DocumentKind.AssessmentForm));

        Assert.Equal(Stage.DocumentsPending, s.Stage);
        Assert.Equal(["ktp"], s.Checklist.Missing);
    }

    [Fact]
    public void Documents_that_need_review_do_not_complete_the_checklist()
    {
        var s = Apply(Opened(),
            Scanned(DocumentKind.Passport, findings: [Finding()]),
            Scanned(DocumentKind.Ktp, findings: [Finding("nik.birthdate")]),
            Scanned(DocumentKind.AssessmentForm));

        Assert.Equal(Stage.DocumentsPending, s.Stage);
        Assert.Equal(["passport-or-splp", "ktp"], s.Checklist.Missing);
    }

    [Fact]
    public void Repeat_of_a_document_id_changes_nothing()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport, "doc-1", sha: Sha("a")));

        // a different command (new CommandId) naming the same document, even with other content
        var d = Ok(s, Scanned(DocumentKind.Ktp, "doc-1", sha: Sha("b"), findings: [Finding()]));

        Assert.Empty(d.Effects);
        AssertSameCase(s, d.State);
        var doc = Assert.Single(d.State.Documents);
        Assert.Equal(DocumentKind.Passport, doc.Kind);
        Assert.Equal(Sha("a"), doc.Sha256);
        Assert.Equal(s.History.Count + 1, d.State.History.Count);
        Assert.Contains("repeat", d.State.History[^1].Detail);
    }

    [Fact]
    public void Same_bytes_and_kind_under_a_new_document_id_is_not_added_again()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-1", sha: Sha("same-bytes")));

        var d = Ok(s, Scanned(DocumentKind.Ktp, "doc-2", sha: Sha("same-bytes"), uploadedBy: Uploader2.Id));

        Assert.Empty(d.Effects);
        AssertSameCase(s, d.State);
        Assert.Equal("doc-1", Assert.Single(d.State.Documents).DocumentId);
        Assert.Contains("duplicate of doc-1", d.State.History[^1].Detail);
    }

    [Fact]
    public void Same_bytes_as_another_kind_is_a_separate_document()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-1", sha: Sha("same-bytes")));

        var d = Ok(s, Scanned(DocumentKind.Kk, "doc-2", sha: Sha("same-bytes")));

        Assert.Equal(["doc-1", "doc-2"], d.State.Documents.Select(x => x.DocumentId));
    }

    [Fact]
    public void Scan_results_are_accepted_from_the_system()
    {
        var d = Ok(Opened(), Scanned(DocumentKind.Passport, actor: Actor.System));

        Assert.Single(d.State.Documents);
    }

    [Theory]
    [InlineData("uploader")]
    [InlineData("admin")]
    [InlineData("reader")]
    [InlineData("verifier")]
    [InlineData("investigator")]
    [InlineData("no-roles")]
    public void Scan_results_from_anyone_else_are_refused(string who)
    {
        var actor = who switch
        {
            "uploader" => Uploader,
            "admin" => Admin,
            "reader" => Reader,
            "verifier" => Verifier,
            "investigator" => Investigator,
            _ => new Actor("user:nobody", []),
        };

        Refused(Opened(), Scanned(DocumentKind.Passport, actor: actor), RefusalKind.Forbidden, "role.required");
    }

    [Fact]
    public void Scan_result_from_the_scan_orchestration_is_accepted_after_travelling_as_json()
    {
        // The scan orchestration raises DocumentScanned with Actor.System as an external event (JSON); the case
        // orchestration receives a deserialized copy, not the Actor.System instance.
        var sent = Scanned(DocumentKind.Passport, "doc-json", actor: Actor.System);
        var received = JsonSerializer.Deserialize<CaseCommand>(sent.ToEventPayload(), PulangJson.Options)!;

        var d = Ok(Opened(), received);

        Assert.Equal("doc-json", Assert.Single(d.State.Documents).DocumentId);
    }

    [Fact]
    public void Scan_in_AssessmentPending_is_recorded_without_changing_the_stage()
    {
        var s = WithDocuments();

        var d = Ok(s, Scanned(DocumentKind.HealthScreening));

        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Empty(d.Effects);
        Assert.Equal(4, d.State.Documents.Count);
    }

    // ---------------------------------------------------------------- VerifyDocument

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

    // ---------------------------------------------------------------- SubmitAssessment

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

    // ---------------------------------------------------------------- DecideAssessment

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

    // ---------------------------------------------------------------- DossierDigest

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

    // ---------------------------------------------------------------- SignOff

    [Theory]
    [InlineData(Ministry.KemenP2MI, "kemensos")]
    [InlineData(Ministry.Kemensos, "p2mi")]
    [InlineData(Ministry.KemenP2MI, "admin")]
    [InlineData(Ministry.Kemensos, "approver")]
    public void Only_the_ministrys_signer_signs_for_it(Ministry ministry, string who)
    {
        var actor = who switch { "kemensos" => Kemensos, "p2mi" => P2mi, "admin" => Admin, _ => Approver };
        var s = WithApproved();

        Refused(s, Sign(ministry, s.DossierDigest!, actor: actor), RefusalKind.Forbidden, "role.required");
    }

    [Theory]
    [InlineData(Ministry.KemenP2MI, true)]
    [InlineData(Ministry.Kemensos, true)]
    [InlineData(Ministry.KemenP2MI, false)]
    public void One_person_cannot_sign_for_both_ministries(Ministry first, bool approveFirst)
    {
        var s = WithApproved();
        var other = first == Ministry.KemenP2MI ? Ministry.Kemensos : Ministry.KemenP2MI;
        s = Apply(s, Sign(first, s.DossierDigest!, approveFirst, approveFirst ? null : "missing pick-up letter", DualSigner));
        if (!approveFirst)
        {
            // back in assessment; bring it to sign-off again with a new dossier
            s = Apply(s, Submitted("Revised.", "Revised."), Decided(true));
        }

        Refused(s, Sign(other, s.DossierDigest!, actor: DualSigner), RefusalKind.Forbidden, "duty.both-ministries");
    }

    [Fact]
    public void Sign_off_before_SignOffPending_is_a_conflict()
    {
        var s = WithSubmitted();

        Refused(s, Sign(Ministry.KemenP2MI, Sha("anything")), RefusalKind.Conflict, "stage.not-signoff");
        Refused(Opened(), Sign(Ministry.Kemensos, Sha("anything")), RefusalKind.Conflict, "stage.not-signoff");
    }

    [Fact]
    public void Stale_digest_is_refused_and_the_current_one_accepted()
    {
        var s = WithApproved();

        Refused(s, Sign(Ministry.KemenP2MI, Sha("an older dossier")), RefusalKind.Conflict, "signoff.stale-digest");
        Refused(s, Sign(Ministry.KemenP2MI, s.DossierDigest!.ToUpperInvariant()), RefusalKind.Conflict, "signoff.stale-digest");
        // An empty digest is no digest at all: a field error (the API answered 400 for it before the decider checked fields).
        Refused(s, Sign(Ministry.KemenP2MI, ""), RefusalKind.Invalid, "signoff.digest-invalid");

        var d = Ok(s, Sign(Ministry.KemenP2MI, s.DossierDigest!));
        Assert.Equal(Stage.SignOffPending, d.State.Stage);
        Assert.Empty(d.Effects);
        var record = Assert.Single(d.State.SignOffs);
        Assert.Equal(Ministry.KemenP2MI, record.Ministry);
        Assert.True(record.Approve);
        Assert.Equal(s.DossierDigest, record.DossierDigest);
        Assert.Equal(P2mi.Id, record.SignedBy);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_same_ministry_cannot_decide_twice_on_one_digest(bool secondApproves)
    {
        var s = WithApproved();
        s = Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!));

        Refused(s, Sign(Ministry.KemenP2MI, s.DossierDigest!, secondApproves, "second thoughts", P2mi2), RefusalKind.Conflict, "signoff.already-decided");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Rejection_needs_a_reason(string? reason)
    {
        var s = WithApproved();

        Refused(s, Sign(Ministry.Kemensos, s.DossierDigest!, approve: false, reason: reason), RefusalKind.Invalid, "reason.required");
    }

    [Theory]
    [InlineData(Ministry.KemenP2MI)]
    [InlineData(Ministry.Kemensos)]
    public void Rejection_sends_the_case_back_to_assessment(Ministry ministry)
    {
        var s = WithApproved();
        var digest = s.DossierDigest!;

        var d = Ok(s, Sign(ministry, digest, approve: false, reason: "pick-up letter unsigned"));

        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Null(d.State.DossierDigest);
        Assert.Equal(AssessmentStatus.SentBack, d.State.Assessment!.Status);
        Assert.Equal($"{ministry} rejected the dossier: pick-up letter unsigned", d.State.Assessment.Reason);
        var record = Assert.Single(d.State.SignOffs);
        Assert.False(record.Approve);
        Assert.Equal(digest, record.DossierDigest);
        Assert.Equal("pick-up letter unsigned", record.Reason);
        Assert.Empty(d.Effects); // the view's own index write records the stage

        // sign-offs on the rejected dossier are refused now
        Refused(d.State, Sign(ministry == Ministry.KemenP2MI ? Ministry.Kemensos : Ministry.KemenP2MI, digest), RefusalKind.Conflict, "stage.not-signoff");
    }

    [Fact]
    public void After_a_rejection_a_new_dossier_needs_both_approvals_again()
    {
        var s = WithApproved();
        var first = s.DossierDigest!;
        s = Apply(s, Sign(Ministry.KemenP2MI, first), Sign(Ministry.Kemensos, first, false, "assessment lacks family contact"));
        s = Apply(s, Submitted("Summary with family contact.", "Refer to BP3MI."), Decided(true));
        var second = s.DossierDigest!;
        Assert.NotEqual(first, second);
        Assert.Equal(Stage.SignOffPending, s.Stage);

        Refused(s, Sign(Ministry.KemenP2MI, first, actor: P2mi2), RefusalKind.Conflict, "signoff.stale-digest");
        var d = Ok(s, Sign(Ministry.Kemensos, second));
        Assert.Equal(Stage.SignOffPending, d.State.Stage); // KemenP2MI's approval of the first dossier does not count
        Assert.Empty(d.Effects);

        var released = Ok(d.State, Sign(Ministry.KemenP2MI, second));
        Assert.Equal(Stage.Released, released.State.Stage);
    }

    [Fact]
    public void Both_approvals_release_the_case_with_a_release_record_and_an_event()
    {
        var s = WithApproved();
        var digest = s.DossierDigest!;
        s = Apply(s, Sign(Ministry.Kemensos, digest));
        var now = T0.AddDays(5);

        var d = Decider.Decide(s, Sign(Ministry.KemenP2MI, digest), now);

        Assert.True(d.Accepted);
        Assert.Equal(Stage.Released, d.State.Stage);
        Assert.Equal(now, d.State.ReleasedAt);
        Assert.True(d.State.IsFinished);
        Assert.Equal(2, d.Effects.Count);

        var record = Assert.IsType<WriteReleaseRecord>(d.Effects[0]).Record;
        Assert.Equal(CaseId, record.CaseId);
        Assert.Equal(Intake.ExternalReference, record.ExternalReference);
        Assert.Equal(Intake.Subject, record.Subject);
        Assert.Equal(now, record.ReleasedAt);
        Assert.Equal(digest, record.DossierDigest);
        Assert.Equal(d.State.Assessment, record.Assessment);
        Assert.Equal(AssessmentStatus.Approved, record.Assessment.Status);
        Assert.Equal(["doc-passport", "doc-ktp", "doc-form"], record.Documents.Select(x => x.DocumentId));
        Assert.All(record.Documents, x => Assert.Equal(d.State.Documents.Single(y => y.DocumentId == x.DocumentId).Sha256, x.Sha256));
        Assert.Equal(2, record.SignOffs.Count);
        Assert.Contains(record.SignOffs, x => x.Ministry == Ministry.KemenP2MI && x.Approve && x.DossierDigest == digest && x.SignedBy == P2mi.Id);
        Assert.Contains(record.SignOffs, x => x.Ministry == Ministry.Kemensos && x.Approve && x.DossierDigest == digest && x.SignedBy == Kemensos.Id);
        Assert.Empty(record.Holds);

        AssertEffects([Event($"{CaseId}:released", "case.released",
            ("dossierDigest", digest), ("releaseRecord", $"releases/{CaseId}.json"), ("originRegion", Intake.OriginRegion)) with { WithAuditHead = true }], [d.Effects[1]]);
        Assert.Equal([new SignedOff(Ministry.KemenP2MI, true, digest), new CaseReleased(digest), new StageEntered(Stage.SignOffPending, Stage.Released)], d.Events);
    }

    [Fact]
    public void Release_record_lists_only_documents_that_count()
    {
        var s = Apply(WithDocuments(), Scanned(DocumentKind.Kk, "doc-kk", findings: [Finding()]), Scanned(DocumentKind.Splp, "doc-splp", findings: [Finding()]));
        s = Apply(s, Verified("doc-splp"));
        s = WithApproved(Apply(s, Submitted()));
        var d = Ok(Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!)), Sign(Ministry.Kemensos, s.DossierDigest!));

        var record = d.Effects.OfType<WriteReleaseRecord>().Single().Record;
        Assert.Equal(["doc-passport", "doc-ktp", "doc-form", "doc-splp"], record.Documents.Select(x => x.DocumentId));
        Assert.Equal(Verifier.Id, record.Documents.Single(x => x.DocumentId == "doc-splp").VerifiedBy);
    }

    // ---------------------------------------------------------------- Document changes during SignOffPending

    [Fact]
    public void A_document_added_in_SignOffPending_changes_the_digest_and_voids_earlier_sign_offs()
    {
        var s = WithApproved();
        var old = s.DossierDigest!;
        s = Apply(s, Sign(Ministry.KemenP2MI, old));

        var d = Ok(s, Scanned(DocumentKind.PickupLetter, "doc-letter"));

        Assert.Equal(Stage.SignOffPending, d.State.Stage);
        Assert.Empty(d.Effects);
        var fresh = d.State.DossierDigest!;
        Assert.NotEqual(old, fresh);
        Assert.Equal(Decider.DossierDigest(CaseId, d.State.Documents, d.State.Assessment!, d.State.DossierRevision), fresh);
        Assert.Contains("earlier sign-offs no longer count", d.State.History[^1].Detail);

        Refused(d.State, Sign(Ministry.Kemensos, old), RefusalKind.Conflict, "signoff.stale-digest");

        var k = Ok(d.State, Sign(Ministry.Kemensos, fresh));
        Assert.Equal(Stage.SignOffPending, k.State.Stage); // the KemenP2MI approval was for the old dossier
        Assert.Empty(k.Effects);

        var p = Ok(k.State, Sign(Ministry.KemenP2MI, fresh)); // KemenP2MI may sign the new dossier
        Assert.Equal(Stage.Released, p.State.Stage);
        Assert.Equal(fresh, p.Effects.OfType<WriteReleaseRecord>().Single().Record.DossierDigest);
    }

    [Fact]
    public void A_document_in_review_added_in_SignOffPending_keeps_the_digest_until_verified()
    {
        var s = WithApproved();
        var old = s.DossierDigest!;

        var scanned = Ok(s, Scanned(DocumentKind.Kk, "doc-kk", findings: [Finding()]));
        Assert.Equal(old, scanned.State.DossierDigest);

        var verified = Ok(scanned.State, Verified("doc-kk"));
        Assert.NotEqual(old, verified.State.DossierDigest);
        Assert.Equal(Stage.SignOffPending, verified.State.Stage);
        Refused(verified.State, Sign(Ministry.KemenP2MI, old), RefusalKind.Conflict, "signoff.stale-digest");
    }

    // ---------------------------------------------------------------- Holds

    [Theory]
    [InlineData("admin")]
    [InlineData("p2mi")]
    [InlineData("system")]
    public void Only_an_investigator_places_or_lifts_holds(string who)
    {
        var actor = who switch { "admin" => Admin, "p2mi" => P2mi, _ => Actor.System };

        Refused(WithDocuments(), Hold("h1", actor: actor), RefusalKind.Forbidden, "role.required");
        var held = Apply(WithDocuments(), Hold("h1"));
        Refused(held, Lift("h1", actor: actor), RefusalKind.Forbidden, "role.required");
    }

    [Theory]
    [InlineData("h1", "")]
    [InlineData("h1", "  ")]
    [InlineData("", "reason")]
    [InlineData(" ", "reason")]
    public void A_hold_needs_an_id_and_a_reason(string holdId, string reason)
    {
        Refused(WithDocuments(), Hold(holdId, reason), RefusalKind.Invalid, "reason.required");
    }

    [Fact]
    public void Placing_a_hold_puts_the_case_on_hold()
    {
        var s = WithDocuments();
        var now = T0.AddDays(1);

        var d = Decider.Decide(s, Hold("h1", "TPPO report (fictional)"), now);

        Assert.True(d.Accepted);
        Assert.True(d.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(Stage.OnHold, d.State.ShownStage);
        
        Assert.Equal(new Hold("h1", "TPPO report (fictional)", Investigator.Id, now), Assert.Single(d.State.Holds));
        AssertEffects([Event($"{CaseId}:on-hold:h1", "case.on-hold", ("holdId", "h1"))], d.Effects);
        Assert.Equal(new HoldPlaced("h1", First: true), d.Events[0]);
    }

    [Fact]
    public void A_hold_id_cannot_be_reused()
    {
        var s = Apply(WithDocuments(), Hold("h1"));
        Refused(s, Hold("h1", actor: Investigator2), RefusalKind.Conflict, "hold.exists");

        var lifted = Apply(s, Lift("h1"));
        Refused(lifted, Hold("h1"), RefusalKind.Conflict, "hold.exists");
    }

    [Fact]
    public void A_second_hold_keeps_the_case_on_hold_without_another_event()
    {
        var s = Apply(WithDocuments(), Hold("h1"));

        var d = Ok(s, Hold("h2", actor: Investigator2));

        Assert.True(d.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(Stage.OnHold, d.State.ShownStage);
        Assert.Equal(["h1", "h2"], d.State.OpenHolds.Select(h => h.HoldId));
        Assert.Equal([new HoldPlaced("h2", First: false)], d.Events);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void Lifting_one_of_two_holds_keeps_the_case_on_hold()
    {
        var s = Apply(WithDocuments(), Hold("h1"), Hold("h2"));
        var now = T0.AddDays(2);

        var d = Decider.Decide(s, Lift("h1", "cleared by police", Investigator2), now);

        Assert.True(d.Accepted);
        Assert.True(d.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(Stage.OnHold, d.State.ShownStage);
        Assert.Equal([new HoldLifted("h1", Last: false)], d.Events);
        Assert.Empty(d.Effects);
        var h1 = d.State.Holds.Single(h => h.HoldId == "h1");
        Assert.False(h1.IsOpen);
        Assert.Equal(Investigator2.Id, h1.LiftedBy);
        Assert.Equal(now, h1.LiftedAt);
        Assert.Equal("cleared by police", h1.LiftReason);
        Assert.Equal(["h2"], d.State.OpenHolds.Select(h => h.HoldId));
    }

    [Theory]
    [InlineData(Stage.DocumentsPending)]
    [InlineData(Stage.AssessmentPending)]
    [InlineData(Stage.SignOffPending)]
    public void Lifting_the_last_hold_returns_to_the_previous_stage(Stage stage)
    {
        var s = stage switch
        {
            Stage.DocumentsPending => Apply(Opened(), Scanned(DocumentKind.Passport)),
            Stage.AssessmentPending => WithSubmitted(),
            _ => WithApproved(),
        };
        Assert.Equal(stage, s.Stage);
        s = Apply(s, Hold("h1"), Hold("h2"), Lift("h2"));

        var d = Ok(s, Lift("h1", reason: null));

        Assert.Equal(stage, d.State.Stage);
        Assert.False(d.State.OnHold);
        Assert.Empty(d.State.OpenHolds);
        Assert.Equal(2, d.State.Holds.Count);
        Assert.Equal("case.hold-lifted", Assert.IsType<PublishCaseEvent>(Assert.Single(d.Effects)).EventType);
    }

    [Fact]
    public void Lifting_an_unknown_hold_is_NotFound()
    {
        var s = Apply(WithDocuments(), Hold("h1"));

        Refused(s, Lift("h-unknown"), RefusalKind.NotFound, "hold.unknown");
        Refused(WithDocuments(), Lift("h1"), RefusalKind.NotFound, "hold.unknown");
    }

    [Fact]
    public void Lifting_a_lifted_hold_is_a_conflict()
    {
        var s = Apply(WithDocuments(), Hold("h1"), Hold("h2"), Lift("h1"));

        Refused(s, Lift("h1"), RefusalKind.Conflict, "hold.lifted");
    }

    [Fact]
    public void Work_continues_under_a_hold_through_the_working_stage()
    {
        var s = Apply(Opened(), Hold("h1"), Scanned(DocumentKind.Passport), Scanned(DocumentKind.Ktp));

        var docs = Ok(s, Scanned(DocumentKind.AssessmentForm));
        Assert.True(docs.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, docs.State.Stage);
        Assert.Equal(Stage.OnHold, docs.State.ShownStage);
        Assert.Empty(docs.Effects);

        var submitted = Ok(docs.State, Submitted());
        var approved = Ok(submitted.State, Decided(true));
        Assert.True(approved.State.OnHold);
        Assert.Equal(Stage.SignOffPending, approved.State.Stage);
        Assert.Equal(Stage.OnHold, approved.State.ShownStage);
        Assert.Equal(Decider.DossierDigest(CaseId, approved.State.Documents, approved.State.Assessment!, approved.State.DossierRevision), approved.State.DossierDigest);
        Assert.Empty(approved.Effects);
    }

    [Fact]
    public void Rejection_under_a_hold_returns_to_assessment_after_the_hold()
    {
        var s = Apply(WithApproved(), Hold("h1"));

        var d = Ok(s, Sign(Ministry.Kemensos, s.DossierDigest!, false, "needs home visit"));
        Assert.True(d.State.OnHold);
        Assert.Equal(Stage.AssessmentPending, d.State.Stage);
        Assert.Equal(Stage.OnHold, d.State.ShownStage);
        Assert.Null(d.State.DossierDigest);
        Assert.Empty(d.Effects);

        var lifted = Ok(d.State, Lift("h1"));
        Assert.Equal(Stage.AssessmentPending, lifted.State.Stage);
    }

    [Fact]
    public void Sign_offs_during_a_hold_are_recorded_but_do_not_release()
    {
        var s = Apply(WithApproved(), Hold("h1"));
        var digest = s.DossierDigest!;

        var p = Ok(s, Sign(Ministry.KemenP2MI, digest));
        var k = Ok(p.State, Sign(Ministry.Kemensos, digest));

        Assert.True(k.State.OnHold);
        Assert.Equal(Stage.SignOffPending, k.State.Stage);
        Assert.Equal(Stage.OnHold, k.State.ShownStage);
        Assert.Equal(2, k.State.SignOffs.Count);
        Assert.Null(k.State.ReleasedAt);
        Assert.Empty(p.Effects);
        Assert.Empty(k.Effects);
        Assert.Contains("release waits for the hold", k.State.History[^1].Detail);
    }

    [Fact]
    public void Lifting_the_last_hold_after_both_approvals_releases()
    {
        var s = Apply(WithApproved(), Hold("h1"), Hold("h2"));
        var digest = s.DossierDigest!;
        s = Apply(s, Sign(Ministry.KemenP2MI, digest), Sign(Ministry.Kemensos, digest), Lift("h2"));
        Assert.Equal(Stage.OnHold, s.ShownStage);
        var now = T0.AddDays(9);

        var d = Decider.Decide(s, Lift("h1"), now);

        Assert.True(d.Accepted);
        Assert.Equal(Stage.Released, d.State.Stage);
        Assert.False(d.State.OnHold);
        Assert.Equal(now, d.State.ReleasedAt);
        Assert.Equal([new HoldLifted("h1", Last: true), new CaseReleased(digest)], d.Events.Take(2));
        Assert.Equal(3, d.Effects.Count);
        Assert.Equal("case.hold-lifted", Assert.IsType<PublishCaseEvent>(d.Effects[0]).EventType);
        var record = Assert.IsType<WriteReleaseRecord>(d.Effects[1]).Record;
        Assert.Equal(digest, record.DossierDigest);
        Assert.Equal(["h1", "h2"], record.Holds.Select(h => h.HoldId));
        Assert.All(record.Holds, h => Assert.False(h.IsOpen));
        var e = Assert.IsType<PublishCaseEvent>(d.Effects[2]);
        Assert.Equal($"{CaseId}:released", e.EventId);
        Assert.Equal("case.released", e.EventType);
    }

    // ---------------------------------------------------------------- Withdraw and finished cases

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

    // ---------------------------------------------------------------- ReminderDue

    [Theory]
    [InlineData("admin")]
    [InlineData("investigator")]
    [InlineData("impostor")]
    public void Reminders_come_only_from_the_system(string who)
    {
        var actor = who switch { "admin" => Admin, "investigator" => Investigator, _ => new Actor("user:system-pulang", [Roles.Admin]) };

        Refused(Opened(), Reminder(Stage.DocumentsPending, actor), RefusalKind.Forbidden, "role.required");
    }

    [Fact]
    public void Reminder_in_the_current_stage_publishes_a_reminder_event()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp));

        var first = Ok(s, Reminder(Stage.DocumentsPending));
        var second = Ok(first.State, Reminder(Stage.DocumentsPending));

        AssertEffects([Event($"{CaseId}:reminder:DocumentsPending:1", "case.reminder", ("stage", "DocumentsPending"), ("missing", "passport-or-splp,assessment-form"))], first.Effects);
        AssertEffects([Event($"{CaseId}:reminder:DocumentsPending:2", "case.reminder", ("stage", "DocumentsPending"), ("missing", "passport-or-splp,assessment-form"))], second.Effects);
        var reminded = Assert.IsType<ReminderSent>(Assert.Single(second.Events));
        Assert.Equal((Stage.DocumentsPending, 2, "passport-or-splp,assessment-form"), (reminded.Stage, reminded.Number, string.Join(",", reminded.Missing)));
        AssertSameCase(s with { RemindersSent = 2 }, second.State);
        Assert.Equal(Stage.DocumentsPending, second.State.Stage);
    }

    [Fact]
    public void Reminder_for_the_sign_off_stage_names_nothing_missing()
    {
        var s = WithApproved();

        var d = Ok(s, Reminder(Stage.SignOffPending));

        AssertEffects([Event($"{CaseId}:reminder:SignOffPending:1", "case.reminder", ("stage", "SignOffPending"), ("missing", ""))], d.Effects);
    }

    [Theory]
    [InlineData(Stage.DocumentsPending)]
    [InlineData(Stage.OnHold)]
    [InlineData(Stage.SignOffPending)]
    public void Reminder_for_a_stage_already_left_has_no_effect(Stage stale)
    {
        var s = WithDocuments();

        var d = Ok(s, Reminder(stale));

        Assert.Empty(d.Effects);
        AssertSameCase(s, d.State);
        Assert.Equal(s.History.Count + 1, d.State.History.Count);
        Assert.Equal("reminder for a stage already left", d.State.History[^1].Detail);
    }

    [Fact]
    public void Reminder_under_a_hold_is_for_the_OnHold_stage_not_the_working_stage()
    {
        var s = Apply(WithDocuments(), Hold("h1"));

        var stale = Ok(s, Reminder(Stage.AssessmentPending)); // timer set before the hold, fired after it
        Assert.Empty(stale.Effects);

        var held = Ok(stale.State, Reminder(Stage.OnHold));
        var e = Assert.IsType<PublishCaseEvent>(Assert.Single(held.Effects));
        Assert.Equal("case.reminder", e.EventType);
        Assert.Equal("OnHold", e.Data["stage"]);
        Assert.Equal(Stage.OnHold, held.State.ShownStage);
    }

    [Fact]
    public void Reminder_from_the_system_is_accepted_after_travelling_as_json()
    {
        var received = JsonSerializer.Deserialize<CaseCommand>(Reminder(Stage.DocumentsPending).ToEventPayload(), PulangJson.Options)!;

        var d = Ok(Opened(), received);

        Assert.Single(d.Effects);
    }

    // ---------------------------------------------------------------- Idempotency and history

    [Fact]
    public void Repeating_an_accepted_command_returns_acceptance_and_changes_nothing()
    {
        var s = WithDocuments();
        var hold = Hold("h1");
        var first = Ok(s, hold);
        Assert.NotEmpty(first.Effects);

        var again = Decider.Decide(first.State, hold, T0.AddDays(30));

        Assert.True(again.Accepted);
        Assert.Empty(again.Effects);
        Assert.Same(first.State, again.State);
    }

    [Fact]
    public void Repeating_a_completing_scan_does_not_index_again()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport), Scanned(DocumentKind.Ktp));
        var scan = Scanned(DocumentKind.AssessmentForm);
        var first = Ok(s, scan);

        var again = Decider.Decide(first.State, scan, T0.AddDays(30));

        Assert.True(again.Accepted);
        Assert.Empty(again.Effects);
        Assert.Same(first.State, again.State);
    }

    [Fact]
    public void Repeating_a_refused_command_returns_the_same_refusal_and_changes_nothing()
    {
        var s = WithApproved();
        var stale = Sign(Ministry.KemenP2MI, Sha("old"));
        var first = Refused(s, stale, RefusalKind.Conflict, "signoff.stale-digest");

        var again = Decider.Decide(first.State, stale, T0.AddDays(30));

        Assert.False(again.Accepted);
        Assert.Equal(first.Refusal, again.Refusal);
        Assert.Empty(again.Effects);
        Assert.Same(first.State, again.State);
    }

    [Fact]
    public void A_refused_command_stays_refused_even_when_it_would_now_succeed()
    {
        var s = Opened();
        var early = Submitted();
        var refused = Refused(s, early, RefusalKind.Conflict, "stage.not-assessment");
        var ready = WithDocuments(refused.State);

        var again = Decider.Decide(ready, early, Now());

        Assert.Equal(refused.Refusal, again.Refusal);
        Assert.Same(ready, again.State);
        Assert.Null(again.State.Assessment);
    }

    [Fact]
    public void A_command_id_reused_for_a_different_command_is_refused_and_changes_nothing()
    {
        var s = WithDocuments();
        var hold = Hold("h1");
        var first = Ok(s, hold);

        var reused = Decider.Decide(first.State, Withdraw() with { CommandId = hold.CommandId }, Now());

        Assert.Equal("command.id-reused", reused.Refusal?.Code);
        Assert.Equal(RefusalKind.Invalid, reused.Refusal?.Kind);
        Assert.Same(first.State, reused.State);
        Assert.Equal(Stage.OnHold, reused.State.ShownStage);
    }

    [Fact]
    public void A_dossier_approved_again_after_a_rejection_is_a_new_dossier_both_ministries_can_sign()
    {
        var s = WithApproved();
        var firstDigest = s.DossierDigest!;
        s = Apply(s, Sign(Ministry.KemenP2MI, firstDigest));
        s = Apply(s, Sign(Ministry.Kemensos, firstDigest, approve: false, reason: "Family letter missing"));
        Assert.Equal(Stage.AssessmentPending, s.Stage);

        s = Apply(s, Submitted());
        s = Apply(s, Decided(true));
        Assert.Equal(2, s.DossierRevision);
        Assert.NotEqual(firstDigest, s.DossierDigest);
        Refused(s, Sign(Ministry.KemenP2MI, firstDigest), RefusalKind.Conflict, "signoff.stale-digest");

        s = Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!));
        var released = Ok(s, Sign(Ministry.Kemensos, s.DossierDigest!));
        Assert.Equal(Stage.Released, released.State.Stage);
    }

    [Fact]
    public void Lifting_the_last_hold_publishes_hold_lifted()
    {
        var s = Apply(WithDocuments(), Hold("h1"));

        var d = Ok(s, Lift("h1"));

        Assert.Contains(d.Effects, e => e is PublishCaseEvent { EventType: "case.hold-lifted", EventId: $"{CaseId}:hold-lifted:h1" });
    }

    [Fact]
    public void A_finished_case_still_answers_a_repeat_with_its_first_outcome()
    {
        var s = WithApproved();
        var last = Sign(Ministry.Kemensos, s.DossierDigest!);
        var released = Ok(Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!)), last);

        var again = Decider.Decide(released.State, last, Now());

        Assert.True(again.Accepted);
        Assert.Empty(again.Effects);
        Assert.Same(released.State, again.State);
    }

    [Fact]
    public void History_is_capped_at_the_limit_keeping_the_newest()
    {
        var s = WithDocuments();
        var commands = Enumerable.Range(0, CaseState.HistoryLimit + 5).Select(_ => Reminder(Stage.DocumentsPending)).ToList();

        foreach (var c in commands)
        {
            s = Ok(s, c).State;
        }

        Assert.Equal(CaseState.HistoryLimit, s.History.Count);
        Assert.Equal(commands.TakeLast(CaseState.HistoryLimit).Select(c => c.CommandId), s.History.Select(h => h.CommandId));

        // a refusal at the cap still keeps the limit and drops the oldest entry
        var r = Refused(s, Withdraw(""), RefusalKind.Invalid, "reason.required");
        Assert.Equal(CaseState.HistoryLimit, r.State.History.Count);
        Assert.Equal(s.History[1].CommandId, r.State.History[0].CommandId);
    }

    [Fact]
    public void Accepted_commands_each_add_one_history_entry_and_refusals_keep_UpdatedAt()
    {
        var s = Opened();
        var c = Scanned(DocumentKind.Passport);
        var now = T0.AddHours(3);

        var ok = Decider.Decide(s, c, now);
        Assert.Equal(now, ok.State.UpdatedAt);
        Assert.Single(ok.State.History);

        var refused = Decider.Decide(ok.State, Withdraw(actor: Reader), now.AddHours(1));
        Assert.Equal(now, refused.State.UpdatedAt);
        Assert.Equal(2, refused.State.History.Count);
        Assert.Equal(now.AddHours(1), refused.State.History[^1].At);
    }
}
