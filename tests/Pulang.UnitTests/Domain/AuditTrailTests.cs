using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>What the orchestration audits per decided command, and what callers may see of restricted documents.</summary>
public class AuditTrailTests
{
    [Fact]
    public void An_accepted_command_gets_one_entry_with_actor_roles_and_a_deterministic_id()
    {
        var s = WithDocuments();
        var c = Submitted();
        var d = Decider.Decide(s, c, T0);
        var entry = Assert.Single(AuditTrail.For(s, c, d, T0)).Record;
        Assert.Equal($"{CaseId}:{c.CommandId}:assessmentSubmitted", entry.EntryId);
        Assert.Equal(("accepted", (string?)null), (entry.Outcome, entry.Code));
        Assert.Equal(Assessor.Id, entry.ActorId);
        Assert.Equal([Roles.Assessor], entry.Roles);
        Assert.Equal(T0, entry.Time);
    }

    [Fact]
    public void A_refused_command_gets_an_entry_with_its_code_and_a_repeat_gets_none()
    {
        var s = WithSubmitted();
        var c = Decided(true, actor: Assessor);
        var d = Decider.Decide(s, c, T0);
        var entry = Assert.Single(AuditTrail.For(s, c, d, T0)).Record;
        Assert.Equal(("refused", "role.required"), (entry.Outcome, entry.Code));

        var repeat = Decider.Decide(d.State, c, T0);
        Assert.Empty(AuditTrail.For(d.State, c, repeat, T0));
    }

    [Fact]
    public void The_command_that_releases_the_case_also_writes_a_release_entry()
    {
        var s = WithApproved();
        s = Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!));
        var c = Sign(Ministry.Kemensos, s.DossierDigest!);
        var d = Decider.Decide(s, c, T0);
        var entries = AuditTrail.For(s, c, d, T0).Select(e => e.Record).ToList();
        Assert.Equal(["signOff", "release"], entries.Select(e => e.Action));
        Assert.Equal($"{CaseId}:released", entries[1].EntryId);
        Assert.Equal("Kemensos", entries[0].Target);
    }

    [Fact]
    public void Investigation_papers_are_hidden_from_everyone_but_investigators_and_admins_and_stay_out_of_the_dossier()
    {
        var s = WithDocuments();
        var withInvestigation = Apply(s, Scanned(DocumentKind.Investigation, "doc-statement", fields: new Dictionary<string, string> { ["note"] = "fictional" }));
        Assert.Equal(4, withInvestigation.Documents.Count);

        foreach (var actor in new[] { Reader, Uploader, Verifier, Assessor, Approver, P2mi, Kemensos })
        {
            var view = CaseView.For(withInvestigation, actor);
            Assert.Equal(3, view.Documents.Count);
            Assert.DoesNotContain("doc-statement", Fx.Json(view));
        }

        Assert.Equal(4, CaseView.For(withInvestigation, Investigator).Documents.Count);
        Assert.Equal(4, CaseView.For(withInvestigation, Admin).Documents.Count);

        var approved = WithApproved(WithSubmitted(withInvestigation));
        Assert.Equal(WithApproved().DossierDigest, approved.DossierDigest);

        var verify = Verified("doc-statement");
        Assert.Equal("document.unknown", Decider.Decide(withInvestigation, verify, T0).Refusal?.Code);
    }
}
