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

/// <summary>The decider: SignOff.</summary>
public class DeciderSignOffTests : DeciderTestBase
{
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
}
