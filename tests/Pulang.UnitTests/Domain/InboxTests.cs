using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>Whom a case waits for, stage by stage (the inbox).</summary>
public sealed class InboxTests
{
    [Fact]
    public void Each_stage_waits_for_the_roles_whose_action_moves_it_on()
    {
        Assert.Empty(Inbox.AwaitingRoles(Opened()));
        var documents = WithDocuments();
        Assert.Equal([Roles.Assessor], Inbox.AwaitingRoles(documents));
        Assert.Equal([Roles.AssessmentApprover], Inbox.AwaitingRoles(WithSubmitted(documents)));

        var approved = WithApproved();
        Assert.Equal([Roles.P2miSigner, Roles.KemensosSigner], Inbox.AwaitingRoles(approved));
        var p2mi = Apply(approved, Sign(Ministry.KemenP2MI, approved.DossierDigest!));
        Assert.Equal([Roles.KemensosSigner], Inbox.AwaitingRoles(p2mi));

        var held = Apply(p2mi, Hold("HOLD-1"));
        Assert.Equal([Roles.KemensosSigner, Roles.Investigator], Inbox.AwaitingRoles(held));
        Assert.Empty(Inbox.AwaitingRoles(Released()));
        Assert.Empty(Inbox.AwaitingRoles(Withdrawn()));
    }

    [Fact]
    public void A_document_that_needs_review_waits_for_a_verifier_and_a_sent_back_asesmen_for_the_assessor()
    {
        var review = Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-review", findings: [Finding()]));
        Assert.Equal([Roles.Verifier], Inbox.AwaitingRoles(review));
        Assert.Empty(Inbox.AwaitingRoles(Apply(review, Verified("doc-review"))));

        var sentBack = Apply(WithSubmitted(), Decided(false, "incomplete"));
        Assert.Equal([Roles.Assessor], Inbox.AwaitingRoles(sentBack));
    }

    [Fact]
    public void An_investigation_paper_in_review_from_an_older_case_state_waits_for_no_verifier()
    {
        // The decider no longer sends restricted papers to review; a state saved before that may still hold one, and a
        // verifier can neither see nor verify it.
        var scanning = Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-ok"));
        var paper = new CaseDocument("doc-inv", DocumentKind.Investigation, "scans/x", new string('0', 64), "image/png", 1, 1, "u-investigator",
            T0, DocumentStatus.NeedsReview, new Dictionary<string, string>(), [Finding()], null);
        Assert.DoesNotContain(Roles.Verifier, Inbox.AwaitingRoles(scanning with { Documents = scanning.Documents.Add(paper) }));
        // The same document of a kind verifiers may see does wait for them.
        Assert.Contains(Roles.Verifier, Inbox.AwaitingRoles(scanning with { Documents = scanning.Documents.Add(paper with { Kind = DocumentKind.Splp }) }));
    }

    [Fact]
    public void Index_columns_are_table_property_names()
    {
        Assert.Equal("AwaitsP2miSigner", CaseIndex.AwaitsColumn(Roles.P2miSigner));
        Assert.Equal("AwaitsAssessmentApprover", CaseIndex.AwaitsColumn(Roles.AssessmentApprover));
        Assert.All(Roles.All.Select(CaseIndex.AwaitsColumn), c => Assert.Matches("^[A-Za-z0-9]+$", c));
    }
}
