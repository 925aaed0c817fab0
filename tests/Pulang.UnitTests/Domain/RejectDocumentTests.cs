using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>Rejecting a document and re-classifying it (<see cref="RejectDocument"/>, <see cref="ClassifyDocument"/>).</summary>
public class RejectDocumentTests
{
    static RejectDocument Reject(string documentId, RejectionReason? reason = RejectionReason.WrongPerson, Actor? actor = null, string? note = "another person's paper") =>
        new(documentId, reason, note) { CommandId = NewId("cmd"), Actor = actor ?? Uploader };

    static ClassifyDocument Classify(string documentId, DocumentKind? kind, Actor? actor = null) =>
        new(documentId, kind, "it is a KK") { CommandId = NewId("cmd"), Actor = actor ?? Verifier };

    [Fact]
    public void A_rejected_document_is_kept_with_who_and_why_but_leaves_the_checklist()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport, "doc-p"), Scanned(DocumentKind.Ktp, "doc-k"));
        var now = Now();
        var d = Decider.Decide(s, Reject("doc-k"), now);

        Assert.True(d.Accepted);
        var doc = d.State.Documents.Single(x => x.DocumentId == "doc-k");
        Assert.Equal(DocumentStatus.Rejected, doc.Status);
        Assert.False(doc.Counts);
        Assert.Equal(new DocumentRejection(RejectionReason.WrongPerson, "another person's paper", Uploader.Id, now), doc.Rejection);
        Assert.Equal(["ktp", "assessment-form"], d.State.Checklist.Missing);
        Assert.Contains("rejected (wrong-person)", d.State.History[^1].Detail);
        Assert.Equal("doc-k", AuditTrail.For(s, Reject("doc-k"), d, now).Single().Record.Target);
    }

    [Fact]
    public void A_rejected_document_in_review_leaves_the_verifiers_inbox()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport, "doc-p", findings: [Finding()]));
        Assert.Contains(Roles.Verifier, Inbox.AwaitingRoles(s));

        var d = Ok(s, Reject("doc-p", RejectionReason.Unreadable, Verifier));
        Assert.DoesNotContain(Roles.Verifier, Inbox.AwaitingRoles(d.State));
        Refused(d.State, Verified("doc-p"), RefusalKind.Conflict, "document.not-in-review");
    }

    [Fact]
    public void Rejecting_changes_the_dossier_and_earlier_sign_offs_no_longer_count()
    {
        var s = WithApproved();
        s = Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!));
        var before = s.DossierDigest!;
        s = Apply(s, Scanned(DocumentKind.HealthScreening, "doc-h"));
        Assert.NotEqual(before, s.DossierDigest);
        var withHealth = s.DossierDigest!;

        var d = Ok(s, Reject("doc-h", RejectionReason.Duplicate, Verifier));
        Assert.Equal(Stage.SignOffPending, d.State.Stage);
        Assert.NotEqual(withHealth, d.State.DossierDigest);
        Assert.NotEqual(before, d.State.DossierDigest); // a new revision, though the counting papers are those signed before
        Assert.Contains(Roles.P2miSigner, Inbox.AwaitingRoles(d.State));
    }

    [Fact]
    public void Rejecting_a_required_paper_sends_the_case_back_for_documents_and_its_replacement_goes_straight_to_sign_off()
    {
        var s = WithApproved();
        var d = Ok(s, Reject("doc-passport"));
        Assert.Equal([new DocumentRejected("doc-passport", RejectionReason.WrongPerson), new StageEntered(Stage.SignOffPending, Stage.DocumentsPending), new DossierChanged(null)], d.Events);
        Assert.Equal(Stage.DocumentsPending, d.State.Stage);
        Assert.Null(d.State.DossierDigest);
        Assert.Equal(["passport-or-splp"], d.State.Checklist.Missing);
        Refused(d.State, Sign(Ministry.KemenP2MI, s.DossierDigest!), RefusalKind.Conflict, "stage.not-signoff");

        // the same bytes uploaded again are a new document, not a duplicate of the rejected one
        var again = Ok(d.State, Scanned(DocumentKind.Passport, "doc-passport-2", sha: Sha("doc-passport")));
        Assert.Equal([new DocumentAdded("doc-passport-2", DocumentKind.Passport, DocumentStatus.Accepted), new StageEntered(Stage.DocumentsPending, Stage.SignOffPending), new DossierChanged(again.State.DossierDigest)], again.Events);
        Assert.Equal(Stage.SignOffPending, again.State.Stage);
        Assert.NotNull(again.State.DossierDigest);
        Assert.NotEqual(s.DossierDigest, again.State.DossierDigest);
        Assert.Equal(AssessmentStatus.Approved, again.State.Assessment!.Status);
    }

    [Fact]
    public void Rejecting_during_assessment_returns_to_documents_and_keeps_the_submitted_asesmen()
    {
        var d = Ok(WithSubmitted(), Reject("doc-form", RejectionReason.Unreadable));
        Assert.Equal(Stage.DocumentsPending, d.State.Stage);
        Assert.Equal(AssessmentStatus.Submitted, d.State.Assessment!.Status);
        var back = Ok(d.State, Scanned(DocumentKind.AssessmentForm, "doc-form-2"));
        Assert.Equal(Stage.AssessmentPending, back.State.Stage);
        Assert.Contains(Roles.AssessmentApprover, Inbox.AwaitingRoles(back.State));
    }

    [Fact]
    public void Who_may_reject_and_what()
    {
        var s = WithDocuments();
        Refused(s, Reject("doc-ktp", actor: Assessor), RefusalKind.Forbidden, "role.required");
        Refused(s, Reject("doc-nope"), RefusalKind.NotFound, "document.unknown");
        var rejected = Ok(s, Reject("doc-ktp")).State;
        Refused(rejected, Reject("doc-ktp", actor: Verifier), RefusalKind.Conflict, "document.rejected");
        var invalid = Refused(s, Reject("doc-ktp", reason: null), RefusalKind.Invalid, "rejection.reason-invalid");
        Assert.Equal("reason", Assert.Single(invalid.Refusal!.Errors!).Field);

        // an uploader cannot see investigation papers, so cannot reject one
        var withStatement = Apply(s, Scanned(DocumentKind.Investigation, "doc-i"));
        Refused(withStatement, Reject("doc-i"), RefusalKind.NotFound, "document.unknown");
        Refused(Withdrawn(), Reject("doc-ktp"), RefusalKind.Conflict, "case.finished");
    }

    [Fact]
    public void Re_classifying_rejects_the_document_as_wrong_kind_and_names_the_document_read_again()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport, "doc-p"), Scanned(DocumentKind.Ktp, "doc-x", findings: [Finding()]));
        var d = Ok(s, Classify("doc-x", DocumentKind.Kk));
        var doc = d.State.Documents.Single(x => x.DocumentId == "doc-x");
        var newId = ClassifyDocument.NewDocumentId(CaseId, "doc-x", DocumentKind.Kk);
        Assert.Equal(DocumentStatus.Rejected, doc.Status);
        Assert.Equal((RejectionReason.WrongKind, newId, DocumentKind.Kk, Verifier.Id), (doc.Rejection!.Reason, doc.Rejection.ReclassifiedAs, doc.Rejection.ReclassifiedKind, doc.Rejection.RejectedBy));
        Assert.Matches("^DOC-[0-9A-Z]{12}$", newId);
        Assert.Equal(newId, ClassifyDocument.NewDocumentId(CaseId, "doc-x", DocumentKind.Kk));
        Assert.Equal([new DocumentReclassified("doc-x", newId, DocumentKind.Kk)], d.Events);

        // the scan read again arrives as an ordinary scanned document of the new kind
        var read = Ok(d.State, Scanned(DocumentKind.Kk, newId, sha: Sha("doc-x")));
        Assert.Equal(DocumentStatus.Accepted, read.State.Documents.Single(x => x.DocumentId == newId).Status);
    }

    [Fact]
    public void Re_classifying_is_for_verifiers_to_another_open_kind()
    {
        var s = WithDocuments();
        Refused(s, Classify("doc-ktp", DocumentKind.Kk, actor: Uploader), RefusalKind.Forbidden, "role.required");
        Refused(s, Classify("doc-ktp", DocumentKind.Ktp), RefusalKind.Conflict, "classification.same-kind");
        Refused(s, Classify("doc-ktp", null), RefusalKind.Invalid, "classification.kind-invalid");
        Refused(s, Classify("doc-ktp", DocumentKind.Investigation), RefusalKind.Invalid, "classification.kind-invalid");
    }
}
