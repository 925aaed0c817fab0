using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Pulang.SelfHost;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.BadInput;

/// <summary>
/// One self-host for the web part of the corpus, and one case (DocumentsPending) holding what some roles must not see: an
/// investigation paper (<c>{paper}</c>) and an open hold whose reason is <see cref="HoldReason"/> (<c>{hold}</c>); plus a KTP
/// scan (<c>{ktp}</c>) a verifier may correct.
/// </summary>
public sealed class BadInputWebHost(TestStorage storage) : IAsyncLifetime
{
    /// <summary>The open hold's reason: only investigators and admins may read it.</summary>
    public string HoldReason { get; } = "Saksi kunci belum diperiksa " + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The running self-host.</summary>
    public SelfHostProcess Host { get; private set; } = null!;

    /// <summary>The case, the investigation paper, the KTP document and the hold.</summary>
    public string CaseId { get; private set; } = "";

    /// <summary>The investigation paper's document ID.</summary>
    public string PaperId { get; private set; } = "";

    /// <summary>The KTP's document ID.</summary>
    public string KtpId { get; private set; } = "";

    /// <summary>The open hold's ID.</summary>
    public string HoldId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("corpusweb"));
        await Host.StartAsync();
        var api = Host.Client;
        var ct = TestContext.Current.CancellationToken;
        string T(string user) => Host.Tokens.MintDemo(user);
        CaseId = (await api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"BADWEB-{Guid.NewGuid():N}"[..24]), ct: ct))
            .EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await api.WaitForAsync(CaseId, T("pulang-admin"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromMinutes(3), ct);
        var files = Path.Combine(CorpusFiles.Folder, "files");
        PaperId = (await api.UploadAsync(CaseId, "investigation", Path.Combine(files, "valid.png"), T("police-liaison"), ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        KtpId = (await api.UploadAsync(CaseId, "ktp", Path.Combine(files, "valid-2.png"), T("sentra-intake-officer"), ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{CaseId}/holds", T("police-liaison"), new { reason = HoldReason }, ct: ct)).EnsureSuccess();
        var state = await api.WaitForAsync(CaseId, T("pulang-admin"), s => s.Holds.Count == 1 && s.Documents.Count == 2, TimeSpan.FromMinutes(3), ct);
        HoldId = state.Holds.Single().HoldId;
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The web forms and pages in the bad-input corpus (issue 19, item 9), against the real self-host: posts without the
/// anti-forgery token, with a forged one or with another session's, oversized fields, markup in a reason or a name, and
/// pages and actions of roles that must not see or do them. Each is a 4xx (never a 5xx, never a redirect taken as done),
/// shows nothing restricted, and changes nothing: the case's version, stage, documents, holds and accepted audit entries
/// are as before. (There is no admin-only page; the admin-only action, withdrawing, is among the refused posts.)
/// </summary>
public sealed class BadInputWebTests(BadInputWebHost fixture) : IClassFixture<BadInputWebHost>
{
    /// <summary>How the anti-forgery token is sent.</summary>
    public enum Token
    {
        /// <summary>The one the user's own page carried.</summary>
        Valid,
        /// <summary>None (the cookie is there).</summary>
        Missing,
        /// <summary>A made-up one.</summary>
        Forged,
        /// <summary>A valid token of another signed-in session (another user's page).</summary>
        OtherSession,
    }

    /// <summary>One web request of the corpus. <c>{case}</c>, <c>{paper}</c>, <c>{ktp}</c>, <c>{hold}</c> in the path are replaced.</summary>
    public sealed record WebCase(string Name, string? User, string Method, string Path, Token Token, int Status, params (string Name, string Value)[] Fields)
    {
        /// <summary>A raw body instead of form fields (script uploads), with its content type; the token goes in the header.</summary>
        public (byte[] Bytes, string ContentType)? Body { get; init; }

        public override string ToString() => Name;
    }

    static readonly string Long = new('x', CommandFields.MaxTextLength + 1);
    static readonly string Script = "<script>alert('pulang')</script>";
    static (string, string) Command() => ("commandId", Guid.NewGuid().ToString("N"));

    static readonly WebCase[] Corpus =
    [
        // Anti-forgery.
        new("hold-without-token", "police-liaison", "POST", "/cases/{case}/holds", Token.Missing, 400, Command(), ("reason", "valid reason")),
        new("hold-forged-token", "police-liaison", "POST", "/cases/{case}/holds", Token.Forged, 400, Command(), ("reason", "valid reason")),
        new("hold-token-of-another-session", "police-liaison", "POST", "/cases/{case}/holds", Token.OtherSession, 400, Command(), ("reason", "valid reason")),
        new("lift-without-token", "police-liaison", "POST", "/cases/{case}/holds/{hold}/lift", Token.Missing, 400, Command(), ("reason", "done")),
        new("withdraw-without-token", "pulang-admin", "POST", "/cases/{case}/withdraw", Token.Missing, 400, Command(), ("reason", "duplicate case")),
        new("withdraw-forged-token", "pulang-admin", "POST", "/cases/{case}/withdraw", Token.Forged, 400, Command(), ("reason", "duplicate case")),
        new("assessment-without-token", "sentra-social-worker", "POST", "/cases/{case}/assessment", Token.Missing, 400, Command(), ("summary", "ok"), ("recommendation", "ok")),
        new("verification-without-token", "sentra-verifier", "POST", "/cases/{case}/documents/{ktp}/verification", Token.Missing, 400, Command(), ("note", "checked")),
        new("signin-without-token", null, "POST", "/signin", Token.Missing, 400, ("user", "pulang-admin")),
        new("upload-without-token", "sentra-intake-officer", "POST", "/cases/{case}/documents?kind=passport", Token.Missing, 400) { Body = (PngScan(), "image/png") },
        new("upload-forged-token", "sentra-intake-officer", "POST", "/cases/{case}/documents?kind=passport", Token.Forged, 400) { Body = (PngScan(), "image/png") },

        // Oversized fields (one character over the limit, and a form far over it).
        new("hold-reason-oversized", "police-liaison", "POST", "/cases/{case}/holds", Token.Valid, 400, Command(), ("reason", Long)),
        new("withdraw-reason-oversized", "pulang-admin", "POST", "/cases/{case}/withdraw", Token.Valid, 400, Command(), ("reason", Long)),
        new("lift-reason-oversized", "police-liaison", "POST", "/cases/{case}/holds/{hold}/lift", Token.Valid, 400, Command(), ("reason", Long)),
        new("assessment-summary-oversized", "sentra-social-worker", "POST", "/cases/{case}/assessment", Token.Valid, 400, Command(), ("summary", Long), ("recommendation", "ok")),
        new("hold-reason-5MB", "police-liaison", "POST", "/cases/{case}/holds", Token.Valid, 413, Command(), ("reason", new string('x', 5 * 1024 * 1024))),
        new("verification-name-oversized", "sentra-verifier", "POST", "/cases/{case}/documents/{ktp}/verification", Token.Valid, 422, Command(), ("field.fullName", new string('A', NameText.MaxLength + 1))),

        // Markup in a reason or a name.
        new("hold-reason-script", "police-liaison", "POST", "/cases/{case}/holds", Token.Valid, 400, Command(), ("reason", Script)),
        new("withdraw-reason-script", "pulang-admin", "POST", "/cases/{case}/withdraw", Token.Valid, 400, Command(), ("reason", "Duplikat " + Script)),
        new("lift-reason-comment", "police-liaison", "POST", "/cases/{case}/holds/{hold}/lift", Token.Valid, 400, Command(), ("reason", "<!-- selesai -->")),
        new("assessment-script", "sentra-social-worker", "POST", "/cases/{case}/assessment", Token.Valid, 400, Command(), ("summary", "<img src=x onerror=alert(1)>"), ("recommendation", "ok")),
        new("verification-name-script", "sentra-verifier", "POST", "/cases/{case}/documents/{ktp}/verification", Token.Valid, 422, Command(), ("field.fullName", "SRI " + Script)),
        new("signin-user-script", null, "POST", "/signin", Token.Valid, 400, ("user", Script)),

        // Pages and actions of roles that must not see or do them.
        new("reader-opens-investigation-paper", "bp3mi-reader", "GET", "/cases/{case}/documents/{paper}", Token.Missing, 404),
        new("reader-opens-investigation-page-image", "bp3mi-reader", "GET", "/cases/{case}/documents/{paper}/pages/1", Token.Missing, 404),
        new("uploader-opens-investigation-paper", "sentra-intake-officer", "GET", "/cases/{case}/documents/{paper}", Token.Missing, 404),
        new("verifier-opens-investigation-page-image", "sentra-verifier", "GET", "/cases/{case}/documents/{paper}/pages/1?size=large", Token.Missing, 404),
        new("reader-opens-upload-page", "bp3mi-reader", "GET", "/cases/{case}/upload", Token.Missing, 403),
        new("uploader-uploads-investigation-paper", "sentra-intake-officer", "POST", "/cases/{case}/documents?kind=investigation", Token.Valid, 403) { Body = (PngScan(), "image/png") },
        new("reader-withdraws", "bp3mi-reader", "POST", "/cases/{case}/withdraw", Token.Valid, 403, Command(), ("reason", "duplicate case")),
        new("verifier-withdraws", "sentra-verifier", "POST", "/cases/{case}/withdraw", Token.Valid, 403, Command(), ("reason", "duplicate case")),
        new("reader-places-hold", "bp3mi-reader", "POST", "/cases/{case}/holds", Token.Valid, 403, Command(), ("reason", "valid reason")),
        new("uploader-lifts-hold", "sentra-intake-officer", "POST", "/cases/{case}/holds/{hold}/lift", Token.Valid, 403, Command(), ("reason", "done")),
        new("uploader-signs-off", "sentra-intake-officer", "POST", "/cases/{case}/signoffs/kemenp2mi", Token.Valid, 403, Command(), ("decision", "approve"), ("dossierDigest", new string('0', 64))),
        new("p2mi-signs-for-kemensos", "p2mi-official", "POST", "/cases/{case}/signoffs/kemensos", Token.Valid, 403, Command(), ("decision", "approve"), ("dossierDigest", new string('0', 64))),
        new("reader-verifies", "bp3mi-reader", "POST", "/cases/{case}/documents/{ktp}/verification", Token.Valid, 403, Command(), ("note", "checked")),
    ];

    public static TheoryData<string> Names => [.. Corpus.Select(c => c.Name)];

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    SelfHostProcess Host => fixture.Host;

    /// <summary>A small real PNG (the corpus's own), the body of a script upload.</summary>
    static byte[] PngScan() => File.ReadAllBytes(Path.Combine(CorpusFiles.Folder, "files", "valid.png"));

    string Expand(string path) => path.Replace("{case}", fixture.CaseId, StringComparison.Ordinal).Replace("{paper}", fixture.PaperId, StringComparison.Ordinal)
        .Replace("{ktp}", fixture.KtpId, StringComparison.Ordinal).Replace("{hold}", fixture.HoldId, StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_bad_web_request_gets_its_4xx_shows_nothing_restricted_and_changes_nothing(string name)
    {
        var c = Corpus.Single(x => x.Name == name);
        var before = await SnapshotAsync();
        using var browser = new WebClient(Host.Port, c.User is null ? null : Host.Tokens.MintDemo(c.User));

        // The page a person would have come from: it sets the anti-forgery cookie and carries the token.
        var from = c.User is null ? "/signin" : c.Path.Contains("/documents/{ktp}", StringComparison.Ordinal) && c.User != "bp3mi-reader" ? "/cases/{case}/documents/{ktp}" : "/cases/{case}";
        var token = WebClient.TokenOf(await browser.PageAsync(Expand(from)));
        Assert.False(string.IsNullOrEmpty(token), $"{name}: no anti-forgery token on {from}");
        var sent = c.Token switch
        {
            Token.Valid => token,
            Token.Forged => "CfDJ8" + Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('f', 90))).Replace('+', '-').Replace('/', '_'),
            Token.OtherSession => await OtherSessionTokenAsync(),
            _ => null,
        };

        using var request = new HttpRequestMessage(new HttpMethod(c.Method), Expand(c.Path));
        if (c.Body is { } body)
        {
            request.Content = new ByteArrayContent(body.Bytes) { Headers = { ContentType = new(body.ContentType) } };
            if (sent is not null) request.Headers.Add("RequestVerificationToken", sent);
        }
        else if (c.Method == "POST")
        {
            var fields = c.Fields.ToList();
            if (sent is not null) fields.Add(("__RequestVerificationToken", sent));
            request.Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        }

        using var response = await browser.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{name}: 5xx {status}: {Tail(text)}\n{Tail(Host.Log)}");
        Assert.True(status == c.Status, $"{name}: expected {c.Status}, got {status} {response.Headers.Location}: {Tail(text)}");
        if (c.User is not ("police-liaison" or "pulang-admin"))
        {
            Assert.DoesNotContain(fixture.HoldReason, text);
            if (!c.Path.Contains("{paper}", StringComparison.Ordinal)) Assert.DoesNotContain(fixture.PaperId, text); // else the caller named it
        }

        Assert.DoesNotContain("<script>alert", text); // markup sent back is escaped, never served as markup
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(x => x.StartsWith("pulang_session=", StringComparison.Ordinal) && !x.StartsWith("pulang_session=;", StringComparison.Ordinal)),
            $"{name}: a refused request started a session");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Pages_a_reader_may_open_show_that_a_hold_exists_but_not_its_reason_nor_the_investigation_paper()
    {
        using var reader = new WebClient(Host.Port, Host.Tokens.MintDemo("bp3mi-reader"));
        foreach (var path in new[] { "/", "/cases", $"/cases?q={fixture.CaseId}", "/cases?hold=1", "/cases/{case}", "/cases/{case}/signoff", "/dashboard", "/cases/{case}/documents/{ktp}" })
        {
            var page = await reader.PageAsync(Expand(path));
            Assert.DoesNotContain(fixture.HoldReason, page);
            Assert.DoesNotContain(fixture.PaperId, page);
        }

        Assert.Contains(fixture.HoldId, await reader.PageAsync(Expand("/cases/{case}")));
        using var investigator = new WebClient(Host.Port, Host.Tokens.MintDemo("police-liaison"));
        var theirs = await investigator.PageAsync(Expand("/cases/{case}"));
        Assert.Contains(fixture.HoldReason, theirs);
        Assert.Contains(fixture.PaperId, theirs);
    }

    [Fact]
    public async Task Polling_an_investigation_paper_as_a_reader_answers_as_for_a_document_that_does_not_exist()
    {
        // The upload row polls GET .../status until the document is listed; one the caller may not see is answered like
        // one not listed yet (still "being read"), so the answer tells nothing about the paper.
        using var reader = new WebClient(Host.Port, Host.Tokens.MintDemo("bp3mi-reader"));
        const string madeUp = "DOC-000000000000";
        var paper = await reader.PageAsync(Expand("/cases/{case}/documents/{paper}/status"));
        var none = await reader.PageAsync(Expand($"/cases/{{case}}/documents/{madeUp}/status"));
        Assert.Equal(none, paper.Replace(fixture.PaperId, madeUp, StringComparison.Ordinal));
        using var investigator = new WebClient(Host.Port, Host.Tokens.MintDemo("police-liaison"));
        Assert.NotEqual(paper, await investigator.PageAsync(Expand("/cases/{case}/documents/{paper}/status")));
    }

    async Task<string> OtherSessionTokenAsync()
    {
        using var other = new WebClient(Host.Port, Host.Tokens.MintDemo("pulang-admin"));
        return WebClient.TokenOf(await other.PageAsync(Expand("/cases/{case}")));
    }

    /// <summary>What must not change (refusals themselves are audited by design, so accepted entries are counted).</summary>
    async Task<string> SnapshotAsync()
    {
        var admin = Host.Tokens.MintDemo("pulang-admin");
        var state = (await Host.Client.GetAsync($"/api/cases/{fixture.CaseId}", admin, Ct)).EnsureSuccess().Case;
        var audit = (await Host.Client.GetAsync($"/api/cases/{fixture.CaseId}/audit", admin, Ct)).EnsureSuccess().Json;
        Assert.True(audit.GetProperty("verification").GetProperty("valid").GetBoolean(), audit.ToString());
        var accepted = audit.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("outcome").GetString() != "refused");
        return $"version {state.Version}, stage {state.Stage}, documents {string.Join(",", state.Documents.Select(d => $"{d.DocumentId}:{d.Status}:{d.Fields.Count}"))}, "
            + $"holds {string.Join(",", state.Holds.Select(h => $"{h.HoldId}:{h.IsOpen}:{h.Reason?.Length}"))}, assessment {state.Assessment is not null}, accepted audit entries {accepted}";
    }

    static string Tail(string s) => s.Length > 2000 ? s[^2000..] : s;

    /// <summary>A browser-like client signed in by the session cookie (as the demo-user sign-in sets it), no redirects followed.</summary>
    sealed class WebClient : IDisposable
    {
        readonly HttpClientHandler handler = new() { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };

        public WebClient(int port, string? session)
        {
            Http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            if (session is not null) handler.CookieContainer.Add(Http.BaseAddress, new Cookie("pulang_session", session, "/"));
        }

        public HttpClient Http { get; }

        public static string TokenOf(string html) => Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        public async Task<string> PageAsync(string path)
        {
            using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {Tail(text)}");
            return text;
        }

        public void Dispose() => Http.Dispose();
    }
}
