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

/// <summary>The decider: Document changes during SignOffPending.</summary>
public class DeciderDocumentChangesInSignOffTests : DeciderTestBase
{
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
}
