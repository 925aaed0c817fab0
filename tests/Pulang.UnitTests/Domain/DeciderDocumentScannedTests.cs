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

/// <summary>The decider: DocumentScanned.</summary>
public class DeciderDocumentScannedTests : DeciderTestBase
{
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
}
