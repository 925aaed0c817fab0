using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Specialized;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// The audit trail over HTTP against the real self-host: a probe for an investigation paper or an unknown document
/// leaves a refused download entry (the caller's answer is the same either way); body and field refusals of commands
/// are audited for a case that exists, and make no log for one that does not; <c>GET .../audit</c> reports a log cut
/// short at the end or deleted as invalid, naming what is missing.
/// </summary>
public sealed class AuditOverHttpTests(AuthHost fixture, TestStorage storage) : IClassFixture<AuthHost>
{
    SelfHostProcess Host => fixture.Host;
    PulangClient Api => Host.Client;
    string T(string user) => Host.Tokens.MintDemo(user);
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record Entry(long Seq, string Action, string Outcome, string? Code, string Actor, string? Target);

    async Task<string> NewCaseAsync()
    {
        var caseId = (await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"AUDIT-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await Api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);
        return caseId;
    }

    async Task<(List<Entry> Entries, JsonElement Verification)> AuditAsync(string caseId)
    {
        var audit = (await Api.GetAsync($"/api/cases/{caseId}/audit", T("pulang-admin"), Ct)).EnsureSuccess().Json;
        static string? S(JsonElement e, string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var entries = audit.GetProperty("entries").EnumerateArray()
            .Select(e => new Entry(e.GetProperty("seq").GetInt64(), S(e, "action")!, S(e, "outcome")!, S(e, "code"), S(e, "actor")!, S(e, "target"))).ToList();
        return (entries, audit.GetProperty("verification").Clone());
    }

    [Fact]
    public async Task Probing_a_hidden_or_unknown_document_link_leaves_a_refused_download_entry_and_the_same_answer()
    {
        var caseId = await NewCaseAsync();
        var statement = (await Api.UploadAsync(caseId, "investigation", TestPaths.Scan("ktp_300dpi.jpg"), T("police-liaison"), Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        await Api.WaitForAsync(caseId, T("pulang-admin"), s => s.Documents.Any(d => d.DocumentId == statement), TimeSpan.FromMinutes(3), Ct);
        var unknown = "DOC-" + new string('Z', 12);

        var hidden = await Api.GetAsync($"/api/cases/{caseId}/documents/{statement}/content", T("bp3mi-reader"), Ct);
        var missing = await Api.GetAsync($"/api/cases/{caseId}/documents/{unknown}/content", T("bp3mi-reader"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        static string Answer(ApiResponse r, string id) => string.Join("|", new[] { "status", "code", "title", "detail", "type" }.Select(k => r.Json.TryGetProperty(k, out var v) ? v.ToString().Replace(id, "ID") : "-"));
        Assert.Equal(Answer(missing, unknown), Answer(hidden, statement));

        var (entries, verification) = await AuditAsync(caseId);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.Contains(new Entry(0, "download", "refused", "document.restricted", "bp3mi-reader", statement), entries.Select(e => e with { Seq = 0 }));
        Assert.Contains(new Entry(0, "download", "refused", "document.unknown", "bp3mi-reader", unknown), entries.Select(e => e with { Seq = 0 }));
    }

    [Fact]
    public async Task Body_and_field_refusals_of_commands_are_audited_for_a_known_case_only()
    {
        var caseId = await NewCaseAsync();
        var worker = T("sentra-social-worker");

        Assert.Equal(HttpStatusCode.BadRequest, (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", worker, new { summary = "" }, ct: Ct)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.SendAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", worker, new StringContent("{not json", Encoding.UTF8, "application/json"), ct: Ct)).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Api.SendAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", worker, new StringContent("summary", Encoding.UTF8, "text/plain"), ct: Ct)).Status);
        var big = new StringContent("{\"summary\":\"" + new string('a', 70 * 1024) + "\"}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Api.SendAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", worker, big, ct: Ct)).Status);

        // The same bad request with the same Idempotency-Key twice: one entry.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", T("police-liaison"), new { reason = " " }, idempotencyKey: "hold-1", ct: Ct)).Status);
        }

        var (entries, verification) = await AuditAsync(caseId);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        var refusals = entries.Where(e => e.Outcome == "refused").Select(e => (e.Action, e.Code, e.Actor)).ToList();
        Assert.Contains(("assessmentSubmitted", "request.invalid", "sentra-social-worker"), refusals);
        Assert.Contains(("assessmentSubmitted", "request.body", "sentra-social-worker"), refusals);
        Assert.Contains(("assessmentSubmitted", "request.media-type", "sentra-social-worker"), refusals);
        Assert.Contains(("assessmentSubmitted", "request.too-large", "sentra-social-worker"), refusals);
        Assert.Single(refusals, r => r == ("holdPlaced", "request.invalid", "police-liaison"));

        // A well-formed ID of a case that does not exist: refused, and no audit log is made for it.
        var nobody = "PLG-" + new string('Z', 10);
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{nobody}/assessment", worker, new { summary = "" }, ct: Ct)).Status);
        Assert.False(await new PulangStorage(storage.ConnectionString).Audit.GetAppendBlobClient($"{nobody}.log").ExistsAsync(Ct));
    }

    [Fact]
    public async Task A_released_case_has_the_audit_head_of_its_release_entry_in_the_release_record_and_the_event()
    {
        var driver = new Resilience.CaseDriver(() => Api, Host.Tokens);
        var (caseId, _) = await driver.DriveAsync($"AUDIT-RELEASE-{Guid.NewGuid():N}", Ct);

        var (entries, verification) = await AuditAsync(caseId);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        var audit = (await Api.GetAsync($"/api/cases/{caseId}/audit", T("pulang-admin"), Ct)).EnsureSuccess().Json;
        var release = audit.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "release");
        var seq = release.GetProperty("seq").GetInt64();
        var hash = release.GetProperty("hash").GetString();

        var record = (await Api.GetAsync($"/api/cases/{caseId}/release", T("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        Assert.Equal(seq, record.GetProperty("auditHead").GetProperty("sequence").GetInt64());
        Assert.Equal(hash, record.GetProperty("auditHead").GetProperty("hash").GetString());

        var queue = new Azure.Storage.Queues.QueueClient(storage.ConnectionString, SelfHostProcess.EventsQueueFor(Host.TaskHub), new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        var released = (await queue.PeekMessagesAsync(32, Ct)).Value
            .Select(m => ReceivedEvent.Decode(m.Body))
            .Where(e => e.CaseId == caseId && e.Type == "id.go.pulang.case.released.v1").ToList();
        Assert.NotEmpty(released);
        Assert.All(released, e => Assert.Equal((seq.ToString(System.Globalization.CultureInfo.InvariantCulture), hash), (e.Data["auditSequence"], e.Data["auditHead"])));
    }

    [Fact]
    public async Task The_audit_endpoint_reports_entries_removed_from_the_end_and_a_deleted_log()
    {
        var caseId = await NewCaseAsync();
        // Three different refused actions, three entries (the same refusal repeated folds into one per window, RefusalAudit.FoldWindow).
        foreach (var action in new[] { "withdraw", "holds", "assessment" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/{action}", T("bp3mi-reader"), new { reason = "x" }, ct: Ct)).Status);
        }

        var (entries, verification) = await AuditAsync(caseId);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        var n = entries.Count;
        Assert.Equal(n, verification.GetProperty("anchor").GetProperty("sequence").GetInt64());

        var blob = new PulangStorage(storage.ConnectionString).Audit.GetAppendBlobClient($"{caseId}.log");
        var lines = (await blob.DownloadContentAsync(Ct)).Value.Content.ToString().Split('\n')[..^1];
        async Task KeepAsync(int count)
        {
            await blob.CreateAsync(new Azure.Storage.Blobs.Models.AppendBlobCreateOptions(), Ct);
            await blob.AppendBlockAsync(new MemoryStream(Encoding.UTF8.GetBytes(string.Concat(lines[..count].Select(l => l + "\n")))), cancellationToken: Ct);
        }

        await KeepAsync(n - 1);
        var (_, v) = await AuditAsync(caseId);
        Assert.False(v.GetProperty("valid").GetBoolean());
        Assert.Equal(n, v.GetProperty("brokenSequence").GetInt64());
        Assert.Contains($"entry {n} is missing", v.GetProperty("reason").GetString());

        await KeepAsync(n - 2);
        (_, v) = await AuditAsync(caseId);
        Assert.False(v.GetProperty("valid").GetBoolean());
        Assert.Contains($"entries {n - 1}-{n} are missing", v.GetProperty("reason").GetString());

        await blob.DeleteAsync(cancellationToken: Ct);
        var (none, w) = await AuditAsync(caseId);
        Assert.Empty(none);
        Assert.False(w.GetProperty("valid").GetBoolean());
        Assert.Equal(caseId, w.GetProperty("caseId").GetString());
        Assert.Contains($"entries 1-{n} are missing", w.GetProperty("reason").GetString());
    }
}
