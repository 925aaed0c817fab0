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
        expired.Cookies.Add(new Cookie("pulang_session", host.Tokens.Mint("sentra-supervisor", [Roles.AssessmentApprover], TimeSpan.FromMinutes(-5)), "/", "127.0.0.1"));
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
}
