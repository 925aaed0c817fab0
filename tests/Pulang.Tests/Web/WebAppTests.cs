using System.Net;
using System.Text.RegularExpressions;
using Pulang.Tests.Infrastructure;
using Pulang.Web.Localization;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Web;

/// <summary>
/// The web app through the real self-host process over HTTP (real Azurite; Tesseract where a scan is read): the session
/// cookie's flags, anti-forgery, what a role must not see, and a refused action that says why and changes nothing.
/// </summary>
public sealed class WebAppTests(TestStorage storage)
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    /// <summary>A browser-like client: its own cookies, no automatic redirects.</summary>
    sealed class Browser : IDisposable
    {
        readonly HttpClientHandler handler = new() { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };

        public Browser(int port) => Http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        public HttpClient Http { get; }

        public CookieCollection Cookies => handler.CookieContainer.GetAllCookies();

        public void SetCookie(string name, string value) => handler.CookieContainer.Add(Http.BaseAddress!, new Cookie(name, value, "/"));

        public static string Token(string html) => Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        public async Task<string> PageAsync(string path)
        {
            var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
            return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        public Task<HttpResponseMessage> PostAsync(string path, params (string Name, string Value)[] fields) =>
            Http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))), TestContext.Current.CancellationToken);

        public async Task<HttpResponseMessage> SignInAsync(string user)
        {
            var token = Token(await PageAsync("/signin"));
            return await PostAsync("/signin", ("__RequestVerificationToken", token), ("user", user));
        }

        public void Dispose() => Http.Dispose();
    }

    static async Task<string> NewCaseAsync(SelfHostProcess host)
    {
        var created = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), new
        {
            externalReference = $"WEB-{Guid.NewGuid():N}"[..20],
            fullName = "SRI RAHAYU WULANDARI",
            sex = "F",
            birthDate = "1994-03-12",
            originRegion = "Kabupaten Malang",
            placementCountry = "Malaysia",
            arrivalDate = "2026-11-28",
        }, ct: TestContext.Current.CancellationToken)).EnsureSuccess();
        return created.Json.GetProperty("caseId").GetString()!;
    }

    [Fact]
    public void Both_languages_have_the_same_strings()
    {
        var id = Text.Keys(Language.Id).Order().ToList();
        var en = Text.Keys(Language.En).Order().ToList();
        Assert.True(id.Count > 300, $"only {id.Count} strings");
        Assert.Equal(id, en);
        Assert.Equal("6 Des 2026 17.24 WIB", new Dates(Language.Id, Dates.Zone(null, null).Zone, "WIB").Time(new DateTimeOffset(2026, 12, 6, 10, 24, 0, TimeSpan.Zero)));
        Assert.Equal("6 Dec 2026 17:24 WIB", new Dates(Language.En, Dates.Zone(null, null).Zone, "WIB").Time(new DateTimeOffset(2026, 12, 6, 10, 24, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Sign_in_sets_an_HttpOnly_SameSite_Strict_session_cookie_that_the_API_does_not_accept_and_sign_out_clears_it()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("webauth"));
        await host.StartAsync();
        using var browser = new Browser(host.Port);
        var ct = TestContext.Current.CancellationToken;

        var home = await browser.Http.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/signin", home.Headers.Location?.OriginalString);

        var signIn = await browser.SignInAsync("sentra-supervisor");
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pulang_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // plain http here; Secure on https

        var inbox = await browser.PageAsync("/");
        Assert.Contains("sentra-supervisor", inbox);
        Assert.Contains("Content-Security-Policy", (await browser.Http.GetAsync("/", ct)).Headers.Select(h => h.Key));

        // The cookie never authenticates the API: /api keeps requiring the Authorization header.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("/api/inbox", ct)).StatusCode);

        // Signing out without the anti-forgery token is refused; with it, the cookie is gone and pages send to sign-in.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/signout")).StatusCode);
        var token = Browser.Token(inbox);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.PostAsync("/signout", ("__RequestVerificationToken", token))).StatusCode);
        Assert.DoesNotContain(browser.Cookies, c => c.Name == "pulang_session");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/", ct)).StatusCode);

        // An expired token in the cookie sends the person to sign-in, saying the session expired.
        var expired = new Browser(host.Port);
        expired.SetCookie("pulang_session", host.Tokens.Mint("sentra-supervisor", [Roles.AssessmentApprover], TimeSpan.FromMinutes(-5)));
        var sent = await expired.Http.GetAsync("/cases", ct);
        Assert.Equal("/signin?expired=1", sent.Headers.Location?.OriginalString);
        expired.Dispose();
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_is_refused_and_a_refused_action_says_why_and_changes_nothing()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("webcsrf"));
        await host.StartAsync();
        var caseId = await NewCaseAsync(host);
        using var admin = new Browser(host.Port);
        await admin.SignInAsync("pulang-admin");
        var page = await admin.PageAsync($"/cases/{caseId}");
        Assert.Contains("/withdraw", page);

        // No token: 400, nothing sent to the case.
        var forged = await admin.PostAsync($"/cases/{caseId}/withdraw", ("reason", "duplicate registration"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("Formulir kedaluwarsa", await forged.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // With the token but no reason: the decider's refusal, in Indonesian, 400, and the case is as it was.
        var refused = await admin.PostAsync($"/cases/{caseId}/withdraw", ("__RequestVerificationToken", Browser.Token(page)), ("reason", ""));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Alasan wajib diisi.", html);
        Assert.Contains("reason.required", html);

        var state = (await host.Client.GetAsync($"/api/cases/{caseId}", host.Tokens.MintDemo("bp3mi-reader"), TestContext.Current.CancellationToken)).EnsureSuccess().Case;
        Assert.NotEqual(Stage.Withdrawn, state.Stage);

        // A role that may not withdraw sees no form, and a forged post is refused by the role table.
        using var reader = new Browser(host.Port);
        await reader.SignInAsync("bp3mi-reader");
        var readerPage = await reader.PageAsync($"/cases/{caseId}");
        Assert.DoesNotContain("/withdraw", readerPage);
        var notAllowed = await reader.PostAsync($"/cases/{caseId}/withdraw", ("__RequestVerificationToken", Browser.Token(readerPage)), ("reason", "x"));
        Assert.Equal(HttpStatusCode.Forbidden, notAllowed.StatusCode);

        // Switching to English keeps the refusal readable in English.
        await admin.PostAsync("/language", ("lang", "en"), ("return", $"/cases/{caseId}"));
        var english = await admin.PageAsync($"/cases/{caseId}");
        var again = await admin.PostAsync($"/cases/{caseId}/withdraw", ("__RequestVerificationToken", Browser.Token(english)), ("reason", " "));
        Assert.Contains("A reason is required.", await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_investigation_paper_and_hold_reasons_appear_only_to_investigators_and_admins()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("webrestr"));
        await host.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var caseId = await NewCaseAsync(host);
        var upload = (await host.Client.UploadAsync(caseId, "investigation", TestPaths.Scan("ktp_300dpi.jpg"), host.Tokens.MintDemo("police-liaison"), ct)).EnsureSuccess();
        var documentId = upload.Json.GetProperty("documentId").GetString()!;
        await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("pulang-admin"), s => s.Documents.Any(d => d.DocumentId == documentId), Long, ct);

        using var investigator = new Browser(host.Port);
        await investigator.SignInAsync("police-liaison");
        var page = await investigator.PageAsync($"/cases/{caseId}");
        Assert.Contains(documentId, page);
        var placed = await investigator.PostAsync($"/cases/{caseId}/holds", ("__RequestVerificationToken", Browser.Token(page)), ("commandId", Guid.NewGuid().ToString("N")), ("reason", "statement under review by police"));
        Assert.Equal(HttpStatusCode.SeeOther, placed.StatusCode);
        Assert.Contains("statement under review by police", await investigator.PageAsync($"/cases/{caseId}"));
        Assert.Equal(HttpStatusCode.OK, (await investigator.Http.GetAsync($"/cases/{caseId}/documents/{documentId}/pages/1", ct)).StatusCode);

        using var reader = new Browser(host.Port);
        await reader.SignInAsync("bp3mi-reader");
        var readerPage = await reader.PageAsync($"/cases/{caseId}");
        Assert.DoesNotContain(documentId, readerPage);
        Assert.DoesNotContain("statement under review by police", readerPage);
        Assert.Contains("HOLD-", readerPage); // that a hold exists is shown to everyone
        Assert.Equal(HttpStatusCode.NotFound, (await reader.Http.GetAsync($"/cases/{caseId}/documents/{documentId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.Http.GetAsync($"/cases/{caseId}/documents/{documentId}/pages/1", ct)).StatusCode);
    }
    [Fact]
    public async Task A_case_is_carried_to_sign_off_in_the_browser_and_a_sign_off_on_a_changed_dossier_is_refused_with_the_new_dossier_shown()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("websign"));
        await host.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var caseId = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEnd.EndToEndTests.Intake($"WEBSIGN-{Guid.NewGuid():N}"), ct: ct))
            .EnsureSuccess().Json.GetProperty("caseId").GetString()!;

        // Upload as the page's script does: the scan as the body, the anti-forgery token in a header.
        using var officer = new Browser(host.Port);
        await officer.SignInAsync("sentra-intake-officer");
        var uploadPage = await officer.PageAsync($"/cases/{caseId}/upload");
        var header = Regex.Match(uploadPage, "name=\"csrf-token\" content=\"([^\"]+)\"").Groups[1].Value;
        foreach (var (kind, file) in new[] { ("splp", "splp_200dpi.jpg"), ("ktp", "ktp_300dpi.jpg"), ("assessment-form", "assessment_form_300dpi.jpg") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/cases/{caseId}/documents?kind={kind}") { Content = new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.Scan(file), ct)) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
            request.Headers.Add("RequestVerificationToken", header);
            request.Headers.Add("X-Requested-With", "XMLHttpRequest");
            var uploaded = await officer.Http.SendAsync(request, ct);
            var fragment = await uploaded.Content.ReadAsStringAsync(ct);
            Assert.True(uploaded.StatusCode == HttpStatusCode.Accepted, fragment);
            Assert.Contains("hx-get=\"/cases/" + caseId + "/documents/DOC-", fragment);
        }

        var state = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.Documents.Count == 3, Long, ct);
        using var verifier = new Browser(host.Port);
        await verifier.SignInAsync("sentra-verifier");
        foreach (var d in state.Documents.Where(d => d.Status == DocumentStatus.NeedsReview))
        {
            var page = await verifier.PageAsync($"/cases/{caseId}/documents/{d.DocumentId}");
            var fields = new List<(string, string)> { ("__RequestVerificationToken", Browser.Token(page)), ("note", "checked against the scan") };
            fields.AddRange(d.Findings.Select(f => ("ack", f.Code)));
            var verified = await verifier.PostAsync($"/cases/{caseId}/documents/{d.DocumentId}/verification", [.. fields]);
            Assert.True(verified.StatusCode == HttpStatusCode.SeeOther, await verified.Content.ReadAsStringAsync(ct));
        }

        using var worker = new Browser(host.Port);
        await worker.SignInAsync("sentra-social-worker");
        var casePage = await worker.PageAsync($"/cases/{caseId}");
        var submitted = await worker.PostAsync($"/cases/{caseId}/assessment", ("__RequestVerificationToken", Browser.Token(casePage)), ("summary", "Sehat, siap pulang."), ("recommendation", "Rujuk ke BP3MI."));
        Assert.True(submitted.StatusCode == HttpStatusCode.SeeOther, await submitted.Content.ReadAsStringAsync(ct));

        using var supervisor = new Browser(host.Port);
        await supervisor.SignInAsync("sentra-supervisor");
        var inbox = await supervisor.PageAsync("/");
        Assert.Contains(caseId, inbox);
        var approved = await supervisor.PostAsync($"/cases/{caseId}/assessment/decision", ("__RequestVerificationToken", Browser.Token(inbox)), ("decision", "approve"));
        Assert.True(approved.StatusCode == HttpStatusCode.SeeOther, await approved.Content.ReadAsStringAsync(ct));

        state = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.Stage == Stage.SignOffPending, Long, ct);
        using var official = new Browser(host.Port);
        await official.SignInAsync("p2mi-official");
        var signOffPage = await official.PageAsync($"/cases/{caseId}/signoff");
        var digest = Regex.Match(signOffPage, "name=\"dossierDigest\" value=\"([0-9a-f]{64})\"").Groups[1].Value;
        Assert.Equal(state.DossierDigest, digest);
        Assert.Contains(digest[..12], signOffPage);

        // The page was opened on a dossier that has changed since: refused, nothing signed, the new dossier shown.
        var older = new string([.. digest.Reverse()]);
        var stale = await official.PostAsync($"/cases/{caseId}/signoffs/kemenp2mi", ("__RequestVerificationToken", Browser.Token(signOffPage)), ("dossierDigest", older), ("decision", "approve"));
        var staleHtml = await stale.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Berkas telah berubah", staleHtml);
        Assert.Contains($"name=\"dossierDigest\" value=\"{digest}\"", staleHtml);
        Assert.Empty((await host.Client.GetAsync($"/api/cases/{caseId}", host.Tokens.MintDemo("bp3mi-reader"), ct)).EnsureSuccess().Case.SignOffs);

        var signed = await official.PostAsync($"/cases/{caseId}/signoffs/kemenp2mi", ("__RequestVerificationToken", Browser.Token(staleHtml)), ("dossierDigest", digest), ("decision", "approve"));
        Assert.True(signed.StatusCode == HttpStatusCode.SeeOther, await signed.Content.ReadAsStringAsync(ct));
        var after = (await host.Client.GetAsync($"/api/cases/{caseId}", host.Tokens.MintDemo("bp3mi-reader"), ct)).EnsureSuccess().Case;
        Assert.Contains(after.SignOffs, s => s.Ministry == Ministry.KemenP2MI && s.Approve && s.DossierDigest == digest && s.SignedBy == "p2mi-official");
    }
}
