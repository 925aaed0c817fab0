using System.Net.Http.Headers;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Ocr;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.EndToEnd;

/// <summary><c>GET /api/inbox</c> against the real self-host (with the embedded-text engine: no OCR needed).</summary>
public sealed class InboxEndToEndTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_document_that_needs_review_is_in_the_verifiers_inbox_until_verified_and_in_nobody_elses()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("inbox"), new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await host.StartAsync();
        var api = host.Client;
        string T(string user) => host.Tokens.MintDemo(user);
        var caseId = (await api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"INBOX-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);

        // A PNG without embedded text is unreadable for this engine: the document needs review.
        var content = new ByteArrayContent(EmbeddedTextOcrEngineTests.BlankPng());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var documentId = (await api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/ktp", T("sentra-intake-officer"), content, ct: Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Any(d => d.Status == DocumentStatus.NeedsReview), TimeSpan.FromSeconds(60), Ct);

        async Task<List<(string CaseId, string[] Awaiting)>> InboxAsync(string user)
        {
            var json = (await api.GetAsync("/api/inbox", T(user), Ct)).EnsureSuccess().Json;
            return [.. json.GetProperty("cases").EnumerateArray().Select(c => (c.GetProperty("caseId").GetString()!, c.GetProperty("awaiting").EnumerateArray().Select(a => a.GetString()!).ToArray()))];
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await InboxAsync("sentra-verifier")).Any(c => c.CaseId == caseId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
        }

        Assert.Contains((await InboxAsync("sentra-verifier")), c => c.CaseId == caseId && c.Awaiting.SequenceEqual([Roles.Verifier]));
        foreach (var user in new[] { "bp3mi-reader", "sentra-social-worker", "p2mi-official", "pulang-admin" })
        {
            Assert.DoesNotContain((await InboxAsync(user)), c => c.CaseId == caseId);
        }

        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{documentId}/verification", T("sentra-verifier"), new { note = "checked (test)" }, ct: Ct)).EnsureSuccess();
        // The command's answer comes from the orchestration's status; the index row is written by the commit activity after it.
        deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await InboxAsync("sentra-verifier")).Any(c => c.CaseId == caseId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
        }

        Assert.DoesNotContain((await InboxAsync("sentra-verifier")), c => c.CaseId == caseId);
        Assert.Equal(400, (int)(await api.GetAsync("/api/inbox?max=0", T("sentra-verifier"), Ct)).Status);

        // Paging over HTTP: one case a page, next links until the last page, a foreign token refused (two cases at least).
        (await api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"INBOX-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess();
        var first = (await api.GetAsync("/api/cases?max=1&sort=caseId", T("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        Assert.Single(first.GetProperty("cases").EnumerateArray().ToList());
        var next = first.GetProperty("next").GetString()!;
        Assert.StartsWith("/api/cases?", next);
        Assert.Contains("sort=caseId", next);
        var second = (await api.GetAsync(next, T("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        Assert.True(string.CompareOrdinal(second.GetProperty("cases")[0].GetProperty("caseId").GetString(), first.GetProperty("cases")[0].GetProperty("caseId").GetString()) > 0);
        var foreign = await api.GetAsync($"/api/cases?max=1&sort=-openedAt&continuationToken={first.GetProperty("continuationToken").GetString()}", T("bp3mi-reader"), Ct);
        Assert.Equal(400, (int)foreign.Status);
        Assert.True(foreign.Json.GetProperty("errors").TryGetProperty("continuationToken", out _));
        Assert.Equal(400, (int)(await api.GetAsync("/api/inbox?sort=name", T("sentra-verifier"), Ct)).Status);
        Assert.True((await api.GetAsync("/api/inbox?max=5", T("sentra-verifier"), Ct)).EnsureSuccess().Json.TryGetProperty("continuationToken", out _));
    }
}
