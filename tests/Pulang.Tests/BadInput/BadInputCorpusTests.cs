using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Pulang.SelfHost;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.BadInput;

/// <summary>
/// One self-host for the whole corpus, with small limits (1 MiB uploads, 3 pages, 4,000,000 pixels per page), and the
/// cases the corpus aims at: one open (DocumentsPending), one waiting for sign-off (with its dossier digest), one Released.
/// </summary>
public sealed class BadInputHost(TestStorage storage) : IAsyncLifetime
{
    /// <summary>Upload limit of this host, bytes.</summary>
    public const long MaxUploadBytes = 1024 * 1024;

    /// <summary>The running self-host.</summary>
    public SelfHostProcess Host { get; private set; } = null!;

    /// <summary>Test storage connection string.</summary>
    public string Storage => storage.ConnectionString;

    /// <summary>A token unique to this run, put in every external reference the corpus sends (<c>{run}</c>).</summary>
    public string Run { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Case IDs by role in the corpus: <c>open</c>, <c>signoff</c>, <c>released</c>; <c>limits</c> takes the uploads that are within the limits.</summary>
    public Dictionary<string, string> Cases { get; } = [];

    /// <summary>The dossier digest of the released case (valid once, now finished) and of the sign-off case.</summary>
    public Dictionary<string, string> Digests { get; } = [];

    string T(string user) => Host.Tokens.MintDemo(user);

    public async ValueTask InitializeAsync()
    {
        Host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("corpus"), new Dictionary<string, string>
        {
            ["Pulang__MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Pulang__MaxPagesPerDocument"] = "3",
            ["Pulang__MaxImagePixels"] = "4000000",
        });
        await Host.StartAsync();
        try
        {
            await PrepareCasesAsync();
        }
        catch (Exception e)
        {
            var log = Host.Log;
            throw new InvalidOperationException($"Preparing the corpus cases failed: {e.Message}\n{(log.Length > 6000 ? log[^6000..] : log)}", e);
        }
    }

    async Task PrepareCasesAsync()
    {
        var open = NewCaseAsync("open");
        var limits = NewCaseAsync("limits");
        var signoff = CaseAtSignOffAsync("signoff");
        var released = CaseAtSignOffAsync("released");
        Cases["open"] = await open;
        Cases["limits"] = await limits;
        (Cases["signoff"], Digests["signoff"]) = await signoff;
        (Cases["released"], Digests["released"]) = await released;
        var id = Cases["released"];
        var api = Host.Client;
        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{id}/signoffs/kemenp2mi", T("p2mi-official"), new { approve = true, dossierDigest = Digests["released"] })).EnsureSuccess();
        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{id}/signoffs/kemensos", T("kemensos-official"), new { approve = true, dossierDigest = Digests["released"] })).EnsureSuccess();
        await api.WaitForAsync(id, T("bp3mi-reader"), s => s.Stage == Stage.Released, TimeSpan.FromMinutes(2));
    }

    async Task<string> NewCaseAsync(string label)
    {
        var created = (await Host.Client.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"BADINPUT-{label}-{Run}"))).EnsureSuccess();
        var id = created.Json.GetProperty("caseId").GetString()!;
        await Host.Client.WaitForAsync(id, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60));
        return id;
    }

    /// <summary>A case carried to SignOffPending on small fictional pages: upload, verify what OCR flagged, asesmen, approval.</summary>
    async Task<(string CaseId, string Digest)> CaseAtSignOffAsync(string label)
    {
        var api = Host.Client;
        var id = await NewCaseAsync(label);
        foreach (var (kind, file) in new[] { ("splp", "valid.png"), ("ktp", "valid-2.jpg"), ("assessment-form", "valid-1-page.pdf") })
        {
            (await api.UploadAsync(id, kind, Path.Combine(CorpusFiles.Folder, "files", file), T("sentra-intake-officer"))).EnsureSuccess();
        }

        var scanned = await api.WaitForAsync(id, T("bp3mi-reader"), s => s.Documents.Count == 3, TimeSpan.FromMinutes(3));
        foreach (var d in scanned.Documents.Where(d => d.Status == DocumentStatus.NeedsReview))
        {
            (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{id}/documents/{d.DocumentId}/verification", T("sentra-verifier"), new { note = "checked against the paper (fictional)" })).EnsureSuccess();
        }

        await api.WaitForAsync(id, T("bp3mi-reader"), s => s.Stage == Stage.AssessmentPending, TimeSpan.FromMinutes(1));
        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{id}/assessment", T("sentra-social-worker"), new { summary = "fictional summary", recommendation = "return home" })).EnsureSuccess();
        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{id}/assessment/decision", T("sentra-supervisor"), new { approve = true })).EnsureSuccess();
        var ready = await api.WaitForAsync(id, T("bp3mi-reader"), s => s.Stage == Stage.SignOffPending && s.DossierDigest is not null, TimeSpan.FromMinutes(1));
        return (id, ready.DossierDigest!);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>One entry of <c>BadInput/corpus.json</c>.</summary>
public sealed record CorpusCase
{
    public required string Name { get; init; }
    public string? About { get; init; }
    /// <summary>HTTP method; absent for queue messages.</summary>
    public string? Method { get; init; }
    /// <summary>Path with placeholders <c>{open}</c>, <c>{signoff}</c>, <c>{released}</c>, <c>{unknown}</c>, <c>{run}</c>, <c>{signoffDigest}</c>, <c>{releasedDigest}</c>.</summary>
    public string? Path { get; init; }
    /// <summary>Demo user whose token is sent; null for none.</summary>
    public string? User { get; init; }
    /// <summary>Content-Type header as sent (unvalidated); null for none.</summary>
    public string? ContentType { get; init; }
    /// <summary>Other request headers.</summary>
    public Dictionary<string, string>? Headers { get; init; }
    /// <summary>Body from a file under <c>BadInput/</c>.</summary>
    public string? File { get; init; }
    /// <summary>Body text (placeholders replaced).</summary>
    public string? Text { get; init; }
    /// <summary>Body generated (placeholders replaced), see <see cref="Generated"/>.</summary>
    public Generated? Generate { get; init; }
    /// <summary>Send without Content-Length (chunked).</summary>
    public bool Chunked { get; init; }
    /// <summary>Queue to put <see cref="Text"/>/<see cref="File"/>/<see cref="Generate"/> on instead of an HTTP call (<c>case-intake</c>).</summary>
    public string? Queue { get; init; }
    /// <summary>Expected HTTP status (4xx).</summary>
    public int Status { get; init; }
    /// <summary>Expected problem <c>code</c> (the type is <c>urn:pulang:problem:{code}</c>).</summary>
    public string? Code { get; init; }
    /// <summary>Text the problem's <c>detail</c> (or the poison reason) must contain, case-insensitively.</summary>
    public string? Detail { get; init; }
    /// <summary>
    /// True where Kestrel itself refuses the request line (a NUL in the path): 400 without a body, before any Pulang code runs,
    /// so there is no problem document to check; status and unchanged state still are.
    /// </summary>
    public bool BareHttp { get; init; }
    /// <summary>The corpus case whose state must not change: <c>open</c>, <c>signoff</c>, <c>released</c>; null for none.</summary>
    public string? Target { get; init; }

    /// <summary>A generated body: <c>prefixHex</c> bytes, then <c>prefix</c>, <c>repeat</c> x <c>count</c>, <c>suffix</c> as UTF-8.</summary>
    public sealed record Generated(string? PrefixHex, string? Prefix, string Repeat, int Count, string? Suffix);
}

/// <summary>
/// The bad-input corpus (<c>BadInput/corpus.json</c>, files in <c>BadInput/files</c>): each case, sent to the real self-host,
/// gets exactly its 4xx as RFC 9457 problem details with a clear detail (never a 5xx), and changes nothing: the target
/// case's version, stage, documents, scan blobs and accepted audit entries are as before, and no case is created. Queue
/// messages land in <c>case-intake-poison</c> with a reason, create no case, and the host keeps running.
/// </summary>
public sealed class BadInputCorpusTests(BadInputHost fixture) : IClassFixture<BadInputHost>
{
    static readonly Lazy<IReadOnlyList<CorpusCase>> Corpus = new(() =>
        JsonSerializer.Deserialize<CorpusFile>(System.IO.File.ReadAllText(System.IO.Path.Combine(CorpusFiles.Folder, "corpus.json")), PulangJson.Options)!.Cases);

    sealed record CorpusFile(List<CorpusCase> Cases);

    public static TheoryData<string> Names => [.. Corpus.Value.Select(c => c.Name)];

    SelfHostProcess Host => fixture.Host;
    PulangClient Api => Host.Client;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_corpus_has_at_least_80_distinct_cases_and_every_file_exists()
    {
        var cases = Corpus.Value;
        Assert.True(cases.Count >= 80, $"{cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
        Assert.All(cases, c =>
        {
            Assert.True(c.Queue is not null || c.Status is >= 400 and < 500, $"{c.Name}: expected status must be 4xx");
            Assert.True(c.File is null || System.IO.File.Exists(System.IO.Path.Combine(CorpusFiles.Folder, c.File)), $"{c.Name}: missing {c.File}");
        });
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Bad_input_gets_its_4xx_problem_and_changes_nothing(string name)
    {
        var c = Corpus.Value.Single(x => x.Name == name);
        if (c.Queue is not null)
        {
            await PoisonAsync(c);
            return;
        }

        var before = c.Target is { } t ? await SnapshotAsync(fixture.Cases[t]) : null;
        var response = await SendAsync(c);
        var status = (int)response.Status;
        Assert.True(status < 500, $"{name}: 5xx {status}: {response.Body}\n{Tail(Host.Log)}");
        Assert.True(status == c.Status, $"{name}: expected {c.Status}, got {status}: {response.Body}");
        if (c.BareHttp)
        {
            Assert.Equal(400, status);
            Assert.Equal("", response.Body);
            Assert.Equal(before, c.Target is { } target ? await SnapshotAsync(fixture.Cases[target]) : null);
            return;
        }

        Assert.Equal("application/problem+json", response.ContentType);
        var problem = response.Json;
        Assert.Equal(c.Status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.TryGetProperty("title", out var title) ? title.GetString() : null), $"{name}: no title: {response.Body}");
        var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        Assert.False(string.IsNullOrWhiteSpace(detail), $"{name}: no detail: {response.Body}");
        if (c.Code is not null)
        {
            Assert.True(problem.TryGetProperty("code", out var code) && code.GetString() == c.Code, $"{name}: expected code {c.Code}: {response.Body}");
            Assert.Equal($"urn:pulang:problem:{c.Code}", problem.GetProperty("type").GetString());
        }

        if (c.Detail is not null)
        {
            Assert.True(response.Body.Contains(c.Detail, StringComparison.OrdinalIgnoreCase), $"{name}: the problem should mention '{c.Detail}': {response.Body}");
        }

        if (before is not null)
        {
            Assert.Equal(before, await SnapshotAsync(fixture.Cases[c.Target!]));
        }

        Assert.Empty(await CasesOfThisRunAsync());
    }

    [Fact]
    public async Task Upload_limits_take_what_is_within_them_and_refuse_what_is_over()
    {
        var id = fixture.Cases["limits"];
        var uploader = Host.Tokens.MintDemo("sentra-intake-officer");
        async Task<ApiResponse> PutAsync(byte[] bytes, string type)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            return await Api.SendAsync(HttpMethod.Put, $"/api/cases/{id}/documents/other", uploader, content, ct: Ct);
        }

        byte[] File(string name) => System.IO.File.ReadAllBytes(System.IO.Path.Combine(CorpusFiles.Folder, "files", name));
        string Code(ApiResponse r) => r.Json.GetProperty("code").GetString()!;

        // Pages (limit 3): 3 are taken, 4 are not.
        Assert.Equal(HttpStatusCode.Accepted, (await PutAsync(File("valid-3-pages.pdf"), "application/pdf")).Status);
        var four = await PutAsync(File("valid-4-pages.pdf"), "application/pdf");
        Assert.Equal((HttpStatusCode)422, four.Status);
        Assert.Equal("upload.too-many-pages", Code(four));
        Assert.Contains("4 pages; at most 3", four.Body);

        // Pixels (limit 4,000,000): 320 x 200 is taken, 2100 x 2100 is not.
        Assert.Equal(HttpStatusCode.Accepted, (await PutAsync(File("valid.png"), "image/png")).Status);
        var big = await PutAsync(File("png-2100x2100.png"), "image/png");
        Assert.Equal((HttpStatusCode)422, big.Status);
        Assert.Equal("upload.too-many-pixels", Code(big));

        // Size (limit 1 MiB): a body of exactly the limit passes the size check (and is then refused as no real JPEG);
        // one byte more is refused for its size.
        var atLimit = new byte[BadInputHost.MaxUploadBytes];
        atLimit[0] = 0xFF; atLimit[1] = 0xD8; atLimit[2] = 0xFF;
        var at = await PutAsync(atLimit, "image/jpeg");
        Assert.Equal("upload.unreadable", Code(at));
        var over = await PutAsync([.. atLimit, 0], "image/jpeg");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.Status);
        Assert.Equal("upload.too-large", Code(over));

        var state = (await Api.GetAsync($"/api/cases/{id}", Host.Tokens.MintDemo("pulang-admin"), Ct)).EnsureSuccess().Case;
        Assert.True(state.Documents.Count <= 2, "only the two uploads within the limits may become documents");
    }

    /// <summary>What must not change: version, stage, documents, scan blobs, accepted audit entries (refusals are audited by design).</summary>
    async Task<string> SnapshotAsync(string caseId)
    {
        var admin = Host.Tokens.MintDemo("pulang-admin");
        var state = (await Api.GetAsync($"/api/cases/{caseId}", admin, Ct)).EnsureSuccess().Case;
        var blobs = new BlobContainerClient(fixture.Storage, PulangStorage.ScansContainer);
        var stored = 0;
        await foreach (var _ in blobs.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.Uncommitted, caseId + "/", Ct))
        {
            stored++;
        }

        var audit = (await Api.GetAsync($"/api/cases/{caseId}/audit", admin, Ct)).EnsureSuccess().Json;
        Assert.True(audit.GetProperty("verification").GetProperty("valid").GetBoolean(), audit.ToString());
        var accepted = audit.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("outcome").GetString() != "refused");
        return $"version {state.Version}, stage {state.Stage}, documents {string.Join(",", state.Documents.Select(x => $"{x.DocumentId}:{x.Status}"))}, "
            + $"holds {state.Holds.Count}, sign-offs {state.SignOffs.Count}, blobs {stored}, accepted audit entries {accepted}";
    }

    /// <summary>Cases whose external reference carries this run's token, other than the fixture's own (<c>BADINPUT-</c>).</summary>
    async Task<List<string>> CasesOfThisRunAsync()
    {
        var listed = (await Api.GetAsync("/api/cases?max=1000", Host.Tokens.MintDemo("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        return [.. listed.GetProperty("cases").EnumerateArray()
            .Select(x => x.GetProperty("externalReference").GetString() ?? "")
            .Where(r => r.Contains(fixture.Run, StringComparison.Ordinal) && !r.StartsWith("BADINPUT-", StringComparison.Ordinal))];
    }

    string Expand(string s) => s
        .Replace("{open}", fixture.Cases["open"], StringComparison.Ordinal)
        .Replace("{signoff}", fixture.Cases["signoff"], StringComparison.Ordinal)
        .Replace("{released}", fixture.Cases["released"], StringComparison.Ordinal)
        .Replace("{unknown}", "PLG-0000000000", StringComparison.Ordinal)
        .Replace("{signoffDigest}", fixture.Digests["signoff"], StringComparison.Ordinal)
        .Replace("{releasedDigest}", fixture.Digests["released"], StringComparison.Ordinal)
        .Replace("{run}", fixture.Run, StringComparison.Ordinal);

    byte[]? Body(CorpusCase c) =>
        c.File is not null ? System.IO.File.ReadAllBytes(System.IO.Path.Combine(CorpusFiles.Folder, c.File))
        : c.Text is not null ? Encoding.UTF8.GetBytes(Expand(c.Text))
        : c.Generate is { } g ? [.. Convert.FromHexString(g.PrefixHex ?? ""), .. Encoding.UTF8.GetBytes(Expand(g.Prefix ?? "") + string.Concat(Enumerable.Repeat(g.Repeat, g.Count)) + Expand(g.Suffix ?? ""))]
        : null;

    async Task<ApiResponse> SendAsync(CorpusCase c)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method!), new Uri(Expand(c.Path!), UriKind.Relative));
        if (c.User is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Host.Tokens.MintDemo(c.User));
        }

        foreach (var (k, v) in c.Headers ?? [])
        {
            Assert.True(request.Headers.TryAddWithoutValidation(k, Expand(v)), $"{c.Name}: header {k}");
        }

        if (Body(c) is { } body)
        {
            HttpContent content = c.Chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
            if (c.ContentType is not null)
            {
                Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType), $"{c.Name}: content type");
            }

            request.Content = content;
        }

        using var response = await Api.Http.SendAsync(request, Ct);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Content.Headers.ContentType?.MediaType);
    }

    async Task PoisonAsync(CorpusCase c)
    {
        Assert.Equal(PulangStorage.IntakeQueue, c.Queue);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var message = Encoding.UTF8.GetString(Body(c)!);
        await new QueueClient(fixture.Storage, PulangStorage.IntakeQueue, options).SendMessageAsync(message, Ct);

        // The poison queue is shared by every host on this storage: take only this message off it (others are hidden for a second).
        var poison = new QueueClient(fixture.Storage, PulangStorage.IntakePoisonQueue, options);
        PoisonIntakeMessage? found = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (found is null && DateTime.UtcNow < deadline)
        {
            foreach (var m in (await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1), Ct)).Value)
            {
                var p = JsonSerializer.Deserialize<PoisonIntakeMessage>(m.Body.ToString(), PulangJson.Options)!;
                if (p.OriginalMessage == message)
                {
                    found = p;
                    await poison.DeleteMessageAsync(m.MessageId, m.PopReceipt, Ct);
                }
            }

            if (found is null)
            {
                await Task.Delay(250, Ct);
            }
        }

        Assert.True(found is not null, $"{c.Name}: the message never reached {PulangStorage.IntakePoisonQueue}\n{Tail(Host.Log)}");
        Assert.False(string.IsNullOrWhiteSpace(found.Reason));
        if (c.Detail is not null)
        {
            Assert.True(found.Reason.Contains(c.Detail, StringComparison.OrdinalIgnoreCase), $"{c.Name}: the reason should mention '{c.Detail}': {found.Reason}");
        }

        Assert.Empty(await CasesOfThisRunAsync());
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/healthz", null, Ct)).Status);
    }

    static string Tail(string log) => log.Length > 3000 ? log[^3000..] : log;
}
