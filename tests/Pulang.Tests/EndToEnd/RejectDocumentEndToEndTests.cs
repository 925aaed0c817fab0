using System.Net;
using System.Net.Http.Headers;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Ocr;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// <c>POST .../documents/{documentId}/rejection</c> and <c>.../classification</c> against the real self-host (embedded-text engine:
/// a PNG without text is read as nothing, so it needs review): a bad reason is a 400 that changes nothing; a rejected scan stays
/// listed with who and why, leaves the verifiers' inbox and is audited; a re-classified scan is read again as a new document of the
/// new kind, whose download is the original scan. The person is fictional (<see cref="EndToEndTests.Intake"/>).
/// </summary>
public sealed class RejectDocumentEndToEndTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rejected_scan_is_kept_as_rejected_and_leaves_the_inbox_and_a_reclassified_one_is_read_again_as_its_kind()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("reject"), new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await host.StartAsync();
        var api = host.Client;
        string T(string user) => host.Tokens.MintDemo(user);
        var caseId = (await api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"REJECT-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);

        async Task<string> UploadAsync(string kind)
        {
            var content = new ByteArrayContent(EmbeddedTextOcrEngineTests.BlankPng());
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            var id = (await api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/{kind}", T("sentra-intake-officer"), content, ct: Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
            await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Any(d => d.DocumentId == id), TimeSpan.FromSeconds(60), Ct);
            return id;
        }

        async Task<bool> InVerifierInboxAsync()
        {
            var json = (await api.GetAsync("/api/inbox", T("sentra-verifier"), Ct)).EnsureSuccess().Json;
            return json.GetProperty("cases").EnumerateArray().Any(c => c.GetProperty("caseId").GetString() == caseId);
        }

        var ktp = await UploadAsync("ktp");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await InVerifierInboxAsync() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
        }

        Assert.True(await InVerifierInboxAsync());
        var before = (await api.GetAsync($"/api/cases/{caseId}", T("bp3mi-reader"), Ct)).EnsureSuccess().Case;

        // An unknown reason: 400 request.invalid naming the field, nothing changes; a reader may not reject at all.
        var bad = await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{ktp}/rejection", T("sentra-intake-officer"), new { reason = "blurry" }, ct: Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("request.invalid", bad.Json.GetProperty("code").GetString());
        Assert.True(bad.Json.GetProperty("errors").TryGetProperty("reason", out _), bad.Body);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{ktp}/rejection", T("bp3mi-reader"), new { reason = "unreadable" }, ct: Ct)).Status);
        Assert.Equal(before.Version, (await api.GetAsync($"/api/cases/{caseId}", T("bp3mi-reader"), Ct)).EnsureSuccess().Case.Version);

        var rejected = await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{ktp}/rejection", T("sentra-intake-officer"), new { reason = "wrong-person", note = "uploaded to the wrong case" }, ct: Ct);
        Assert.True(rejected.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, rejected.Body);
        var after = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Any(d => d.DocumentId == ktp && d.Status == DocumentStatus.Rejected), TimeSpan.FromSeconds(60), Ct);
        var doc = after.Documents.Single(d => d.DocumentId == ktp);
        Assert.Equal((RejectionReason.WrongPerson, "uploaded to the wrong case", "sentra-intake-officer"), (doc.Rejection!.Reason, doc.Rejection.Note, doc.Rejection.RejectedBy));
        Assert.Contains("ktp", after.Checklist.Missing);
        Assert.False(await InVerifierInboxAsync());
        var again = await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{ktp}/rejection", T("sentra-verifier"), new { reason = "duplicate" }, ct: Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("document.rejected", again.Json.GetProperty("code").GetString());

        var audit = (await api.GetAsync($"/api/cases/{caseId}/audit", T("pulang-admin"), Ct)).EnsureSuccess().Json;
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e =>
            e.GetProperty("action").GetString() == "documentRejected" && e.GetProperty("outcome").GetString() == "accepted" && e.GetProperty("target").GetString() == ktp);

        // Uploaded as a passport, but it is a KK: the verifier re-classifies it and the scan is read again as a KK.
        var scan = await UploadAsync("passport");
        var classified = await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{scan}/classification", T("sentra-verifier"), new { kind = "kk", note = "a family card" }, ct: Ct);
        Assert.True(classified.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, classified.Body);
        var newId = (await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Any(d => d.DocumentId == scan && d.Rejection?.ReclassifiedAs is not null), TimeSpan.FromSeconds(60), Ct))
            .Documents.Single(d => d.DocumentId == scan).Rejection!.ReclassifiedAs!;
        var reread = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Any(d => d.DocumentId == newId), TimeSpan.FromSeconds(90), Ct);
        var kk = reread.Documents.Single(d => d.DocumentId == newId);
        Assert.Equal(DocumentKind.Kk, kk.Kind);
        Assert.Equal(reread.Documents.Single(d => d.DocumentId == scan).Sha256, kk.Sha256);
        Assert.Equal(RejectionReason.WrongKind, reread.Documents.Single(d => d.DocumentId == scan).Rejection!.Reason);

        var link = (await api.GetAsync($"/api/cases/{caseId}/documents/{newId}/content", T("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        using var anonymous = new HttpClient { BaseAddress = api.Http.BaseAddress };
        var download = await anonymous.GetAsync(link.GetProperty("url").GetString()!, Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(EmbeddedTextOcrEngineTests.BlankPng(), await download.Content.ReadAsByteArrayAsync(Ct));
    }
}
