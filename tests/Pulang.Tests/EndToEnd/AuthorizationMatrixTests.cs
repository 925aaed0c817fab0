using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.EndToEnd;

/// <summary>One self-host for the authorization and restricted-document tests.</summary>
public sealed class AuthHost(TestStorage storage) : IAsyncLifetime
{
    /// <summary>The running self-host.</summary>
    public SelfHostProcess Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("authz"));
        await Host.StartAsync();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Every endpoint x every role (and no token, an expired token, a wrongly signed one), with the exact status expected,
/// on a case in DocumentsPending holding a KTP and an investigation paper; every refused call leaves the case exactly
/// as it was and answers with problem details. Calls that change the case run last, in order. Every route the app
/// maps has a row.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthHost fixture) : IClassFixture<AuthHost>
{
    SelfHostProcess Host => fixture.Host;
    PulangClient Api => Host.Client;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The demo user holding each role; null = no token.</summary>
    static readonly (string Role, string? User)[] Callers =
    [
        ("none", null),
        ("expired", "pulang-admin"),
        ("wrong-signature", "pulang-admin"),
        (Roles.Intake, "embassy-kl-manifest"),
        (Roles.Uploader, "sentra-intake-officer"),
        (Roles.Verifier, "sentra-verifier"),
        (Roles.Assessor, "sentra-social-worker"),
        (Roles.AssessmentApprover, "sentra-supervisor"),
        (Roles.P2miSigner, "p2mi-official"),
        (Roles.KemensosSigner, "kemensos-official"),
        (Roles.Investigator, "police-liaison"),
        (Roles.Reader, "bp3mi-reader"),
        (Roles.Admin, "pulang-admin"),
    ];

    /// <summary>Callers whose token is refused whatever it says (both are the admin's, who may do anything): 401 for every endpoint.</summary>
    static readonly string[] BadTokens = ["expired", "wrong-signature"];

    /// <summary>The case under test and its seeded documents: a KTP (visible to every role) and an investigation paper (restricted).</summary>
    sealed record Seeded(string Id, string Ktp, string Paper);

    /// <summary>An endpoint: how to call it on a case, the status per role (default for roles not listed), and whether a 2xx changes the case.</summary>
    sealed record Endpoint(string Name, Func<Seeded, HttpRequestMessage> Request, int Default, Dictionary<string, int> Allowed, bool Mutates = false);

    static HttpRequestMessage Json(HttpMethod method, string path, object body) => new(method, path) { Content = JsonContent.Create(body, options: PulangJson.Options) };

    static HttpRequestMessage Scan(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(TestPaths.Scan("ktp_300dpi.jpg")));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new HttpRequestMessage(HttpMethod.Put, path) { Content = content };
    }

    static readonly string Digest = new('a', 64);
    const int Forbidden = 403;

    /// <summary>The expected matrix, as data. Roles not named get <see cref="Endpoint.Default"/>; no token always gets 401.</summary>
    static readonly Endpoint[] Matrix =
    [
        new("list cases", c => new(HttpMethod.Get, "/api/cases"), 200, []),
        new("get case", c => new(HttpMethod.Get, $"/api/cases/{c.Id}"), 200, []),
        new("inbox", c => new(HttpMethod.Get, "/api/inbox"), 200, []),
        new("get release (not released)", c => new(HttpMethod.Get, $"/api/cases/{c.Id}/release"), 404, []),
        new("get audit", c => new(HttpMethod.Get, $"/api/cases/{c.Id}/audit"), Forbidden, new() { [Roles.Investigator] = 200, [Roles.Admin] = 200 }),
        new("verify unknown document", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/documents/DOC-000000000000/verification", new { note = "n" }), Forbidden, new() { [Roles.Verifier] = 404 }),
        new("reject unknown document", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/documents/DOC-000000000000/rejection", new { reason = "unreadable" }), Forbidden, new() { [Roles.Uploader] = 404, [Roles.Verifier] = 404 }),
        new("classify unknown document", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/documents/DOC-000000000000/classification", new { kind = "kk" }), Forbidden, new() { [Roles.Verifier] = 404 }),
        new("submit asesmen too early", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/assessment", new { summary = "s", recommendation = "r" }), Forbidden, new() { [Roles.Assessor] = 409 }),
        new("decide asesmen (none submitted)", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/assessment/decision", new { approve = true }), Forbidden, new() { [Roles.AssessmentApprover] = 409 }),
        new("sign kemenp2mi too early", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/signoffs/kemenp2mi", new { approve = true, dossierDigest = Digest }), Forbidden, new() { [Roles.P2miSigner] = 409, [Roles.KemensosSigner] = 403 }),
        new("sign kemensos too early", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/signoffs/kemensos", new { approve = true, dossierDigest = Digest }), Forbidden, new() { [Roles.KemensosSigner] = 409, [Roles.P2miSigner] = 403 }),
        new("link to unknown document", c => new(HttpMethod.Get, $"/api/cases/{c.Id}/documents/DOC-000000000000/content"), 404, []),
        new("link to the KTP", c => new(HttpMethod.Get, $"/api/cases/{c.Id}/documents/{c.Ktp}/content"), 200, []),
        new("link to the investigation paper", c => new(HttpMethod.Get, $"/api/cases/{c.Id}/documents/{c.Paper}/content"), 404, new() { [Roles.Investigator] = 200, [Roles.Admin] = 200 }),
        new("lift unknown hold", c => new(HttpMethod.Delete, $"/api/cases/{c.Id}/holds/HOLD-UNKNOWN"), Forbidden, new() { [Roles.Investigator] = 404 }),
        new("release letter (not released)", c => new(HttpMethod.Get, $"/api/cases/{c.Id}/release/letter"), 404, []),
        new("manifest as plain text", c => new(HttpMethod.Post, "/api/manifests") { Content = new StringContent("not a manifest", System.Text.Encoding.UTF8, "text/plain") }, Forbidden, new() { [Roles.Intake] = 415, [Roles.Admin] = 415 }),
        new("unknown manifest", c => new(HttpMethod.Get, "/api/manifests/MAN-0000000000"), Forbidden, new() { [Roles.Intake] = 404, [Roles.Admin] = 404, [Roles.Reader] = 404 }),
        new("list subscriptions", c => new(HttpMethod.Get, "/api/subscriptions"), Forbidden, new() { [Roles.Admin] = 200 }),
        new("subscription without a URL", c => Json(HttpMethod.Post, "/api/subscriptions", new { eventTypes = new[] { "case.released" } }), Forbidden, new() { [Roles.Admin] = 400 }),
        new("unknown subscription", c => new(HttpMethod.Get, "/api/subscriptions/SUB-UNKNOWN"), Forbidden, new() { [Roles.Admin] = 404 }),
        new("delete unknown subscription", c => new(HttpMethod.Delete, "/api/subscriptions/SUB-UNKNOWN"), Forbidden, new() { [Roles.Admin] = 404 }),
        new("pause unknown subscription", c => new(HttpMethod.Post, "/api/subscriptions/SUB-UNKNOWN/pause"), Forbidden, new() { [Roles.Admin] = 404 }),
        new("resume unknown subscription", c => new(HttpMethod.Post, "/api/subscriptions/SUB-UNKNOWN/resume"), Forbidden, new() { [Roles.Admin] = 404 }),
        new("deliveries of unknown subscription", c => new(HttpMethod.Get, "/api/subscriptions/SUB-UNKNOWN/deliveries"), Forbidden, new() { [Roles.Admin] = 404 }),
        // Calls that change the case: refused roles first (state compared), then the allowed ones in this order.
        // The same external reference each time: intake creates it (201), the admin then finds it (200).
        new("start case", c => Json(HttpMethod.Post, "/api/cases", EndToEndTests.Intake($"AUTHZ-{c.Id}")), Forbidden, new() { [Roles.Intake] = 201, [Roles.Admin] = 200 }, Mutates: true),
        new("upload other", c => Scan($"/api/cases/{c.Id}/documents/other"), Forbidden, new() { [Roles.Uploader] = 202, [Roles.Admin] = 202 }, Mutates: true),
        new("upload investigation", c => Scan($"/api/cases/{c.Id}/documents/investigation"), Forbidden, new() { [Roles.Investigator] = 202, [Roles.Admin] = 202 }, Mutates: true),
        new("place hold", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/holds", new { reason = "fictional TPPO check" }), Forbidden, new() { [Roles.Investigator] = 200 }, Mutates: true),
        new("withdraw", c => Json(HttpMethod.Post, $"/api/cases/{c.Id}/withdraw", new { reason = "matrix test" }), Forbidden, new() { [Roles.Admin] = 200 }, Mutates: true),
    ];

    string? TokenFor(string role, string? user) => role switch
    {
        "none" => null,
        "expired" => Host.Tokens.MintDemo(user!, TimeSpan.FromMinutes(-10)),
        "wrong-signature" => new Pulang.SelfHost.Hosting.LocalTokens(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[32]), Host.Tokens.Audience).MintDemo(user!),
        _ => Host.Tokens.MintDemo(user!),
    };

    async Task<(int Status, string? MediaType)> CallAsync(Endpoint e, Seeded c, string role, string? user)
    {
        using var request = e.Request(c);
        if (TokenFor(role, user) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Api.Http.SendAsync(request, Ct);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Every <c>/api</c> route the app maps (method and template) is called by at least one matrix row.</summary>
    [Fact]
    public void The_matrix_covers_every_api_route()
    {
        var sample = new Seeded("CASE-X", "DOC-KTP", "DOC-PAPER");
        var calls = Matrix.Select(e =>
        {
            using var r = e.Request(sample);
            return (Method: r.Method.Method.ToLowerInvariant(), Path: r.RequestUri!.OriginalString.Split('?')[0].TrimStart('/'));
        }).ToList();
        var routes = Pulang.Tests.Functions.FunctionsMetadataTests.ApiRoutes();
        Assert.NotEmpty(routes);
        var uncovered = routes.Where(route =>
        {
            var matcher = new Microsoft.AspNetCore.Routing.Template.TemplateMatcher(Microsoft.AspNetCore.Routing.Template.TemplateParser.Parse(route.Route), new Microsoft.AspNetCore.Routing.RouteValueDictionary());
            return !calls.Any(c => c.Method == route.Method && matcher.TryMatch("/" + c.Path, new Microsoft.AspNetCore.Routing.RouteValueDictionary()));
        }).Select(r => $"{r.Method.ToUpperInvariant()} /{r.Route} ({r.Handler})").ToList();
        Assert.True(uncovered.Count == 0, "Routes without a row in the authorization matrix:\n" + string.Join('\n', uncovered));
    }

    async Task<string> SnapshotAsync(string caseId)
    {
        var state = (await Api.GetAsync($"/api/cases/{caseId}", Host.Tokens.MintDemo("pulang-admin"), Ct)).EnsureSuccess().Body;
        var started = (await Api.GetAsync("/api/cases?max=1000", Host.Tokens.MintDemo("pulang-admin"), Ct)).EnsureSuccess().Json.GetProperty("cases")
            .EnumerateArray().Any(c => c.GetProperty("externalReference").GetString() == $"AUTHZ-{caseId}");
        return $"{state}\nstarted:{started}";
    }

    [Fact]
    public async Task Every_endpoint_answers_every_role_with_the_exact_status_and_refusals_change_nothing()
    {
        var created = (await Api.JsonAsync(HttpMethod.Post, "/api/cases", Host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"MATRIX-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess();
        var caseId = created.Json.GetProperty("caseId").GetString()!;
        await Api.WaitForAsync(caseId, Host.Tokens.MintDemo("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);

        // A document every role may see and one only investigators and admins may see, both read.
        var ktp = (await Api.UploadAsync(caseId, "ktp", TestPaths.Scan("ktp_300dpi.jpg"), Host.Tokens.MintDemo("sentra-intake-officer"), Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        var blank = new ByteArrayContent(Pulang.Tests.Resilience.CaseDriver.BlankPng());
        blank.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var paper = (await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/investigation", Host.Tokens.MintDemo("police-liaison"), blank, ct: Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        await Api.WaitForAsync(caseId, Host.Tokens.MintDemo("pulang-admin"), s => s.Documents.Count == 2, TimeSpan.FromMinutes(3), Ct);
        var seeded = new Seeded(caseId, ktp, paper);

        var failures = new List<string>();
        var calls = 0;
        int Expected(Endpoint e, string role) => role == "none" || BadTokens.Contains(role) ? 401 : e.Allowed.TryGetValue(role, out var s) ? s : e.Default;

        // Phase 1: everything that must not change the case, with the state compared around each call.
        foreach (var e in Matrix)
        {
            foreach (var (role, user) in Callers)
            {
                var expected = Expected(e, role);
                if (e.Mutates && expected < 400)
                {
                    continue;
                }

                var before = await SnapshotAsync(caseId);
                var (status, mediaType) = await CallAsync(e, seeded, role, user);
                calls++;
                if (status != expected)
                {
                    failures.Add($"{e.Name} as {role}: expected {expected}, got {status}");
                }

                if (status >= 400 && mediaType != "application/problem+json")
                {
                    failures.Add($"{e.Name} as {role}: {status} without problem details ({mediaType ?? "no body"})");
                }

                if (expected >= 400 && await SnapshotAsync(caseId) != before)
                {
                    failures.Add($"{e.Name} as {role}: refused with {status} but the case changed");
                }
            }
        }

        // Refusals that never reached the case are in its audit trail, and the trail verifies.
        var audit = (await Api.GetAsync($"/api/cases/{caseId}/audit", Host.Tokens.MintDemo("pulang-admin"), Ct)).EnsureSuccess().Json;
        Assert.True(audit.GetProperty("verification").GetProperty("valid").GetBoolean(), audit.ToString());
        var refused = audit.GetProperty("entries").EnumerateArray().Where(x => x.GetProperty("outcome").GetString() == "refused")
            .Select(x => (x.GetProperty("action").GetString(), x.GetProperty("code").GetString(), x.GetProperty("actor").GetString())).ToList();
        Assert.Contains(("assessmentSubmitted", "stage.not-assessment", "sentra-social-worker"), refused);
        Assert.Contains(("withdraw", "role.required", "bp3mi-reader"), refused);
        Assert.Contains(("signOff", "role.required", "kemensos-official"), refused);

        // Phase 2: the calls that change the case, in matrix order.
        foreach (var e in Matrix.Where(e => e.Mutates))
        {
            foreach (var (role, user) in Callers.Where(c => Expected(e, c.Role) < 400))
            {
                var (status, _) = await CallAsync(e, seeded, role, user);
                calls++;
                if (status != Expected(e, role))
                {
                    failures.Add($"{e.Name} as {role}: expected {Expected(e, role)}, got {status}");
                }
            }
        }

        Assert.Equal(Matrix.Length * Callers.Length, calls);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var final = (await Api.GetAsync($"/api/cases/{caseId}", Host.Tokens.MintDemo("pulang-admin"), Ct)).EnsureSuccess().Case;
        Assert.Equal(Stage.Withdrawn, final.Stage);
    }
}

/// <summary>Investigation papers are visible only to investigators and admins; the audit trail of a case records uploads, scans and refusals and verifies.</summary>
public sealed class RestrictedDocumentAndAuditTests(AuthHost fixture) : IClassFixture<AuthHost>
{
    SelfHostProcess Host => fixture.Host;
    PulangClient Api => Host.Client;
    string T(string user) => Host.Tokens.MintDemo(user);
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Investigation_papers_are_hidden_from_other_roles_and_the_audit_trail_records_and_verifies()
    {
        var caseId = (await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"RESTRICT-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await Api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, (await Api.UploadAsync(caseId, "investigation", TestPaths.Scan("ktp_300dpi.jpg"), T("sentra-intake-officer"), Ct)).Status);
        var statement = (await Api.UploadAsync(caseId, "investigation", TestPaths.Scan("ktp_300dpi.jpg"), T("police-liaison"), Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        var ktp = (await Api.UploadAsync(caseId, "ktp", TestPaths.Scan("ktp_300dpi.jpg"), T("sentra-intake-officer"), Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;

        var full = await Api.WaitForAsync(caseId, T("pulang-admin"), s => s.Documents.Count == 2, TimeSpan.FromMinutes(3), Ct);
        Assert.Contains(full.Documents, d => d.DocumentId == statement && d.Kind == DocumentKind.Investigation);
        Assert.Equal(2, (await Api.GetAsync($"/api/cases/{caseId}", T("police-liaison"), Ct)).EnsureSuccess().Case.Documents.Count);
        foreach (var user in new[] { "bp3mi-reader", "sentra-intake-officer", "sentra-verifier", "p2mi-official" })
        {
            var body = (await Api.GetAsync($"/api/cases/{caseId}", T(user), Ct)).EnsureSuccess().Body;
            Assert.DoesNotContain(statement, body);
            Assert.DoesNotContain("investigation", body);
            Assert.Contains(ktp, body);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/api/cases/{caseId}/documents/{statement}/content", T("bp3mi-reader"), Ct)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync($"/api/cases/{caseId}/documents/{statement}/content", T("police-liaison"), Ct)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.GetAsync($"/api/cases/{caseId}/audit", T("bp3mi-reader"), Ct)).Status);
        var audit = (await Api.GetAsync($"/api/cases/{caseId}/audit", T("pulang-admin"), Ct)).EnsureSuccess().Json;
        Assert.True(audit.GetProperty("verification").GetProperty("valid").GetBoolean(), audit.ToString());
        var entries = audit.GetProperty("entries").EnumerateArray().Select(e => (Action: e.GetProperty("action").GetString(), Outcome: e.GetProperty("outcome").GetString(), Code: e.TryGetProperty("code", out var code) ? code.GetString() : null, Actor: e.GetProperty("actor").GetString(), Seq: e.GetProperty("seq").GetInt64())).ToList();
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal("caseOpened", entries[0].Action);
        Assert.Contains(("upload", "refused", "role.required", "sentra-intake-officer"), entries.Select(e => (e.Action, e.Outcome, e.Code, e.Actor)));
        Assert.Contains(("upload", "accepted", (string?)null, "police-liaison"), entries.Select(e => (e.Action, e.Outcome, e.Code, e.Actor)));
        Assert.Equal(2, entries.Count(e => e.Action == "documentScanned" && e.Outcome == "accepted"));
        Assert.Contains(("download", "accepted", (string?)null, "police-liaison"), entries.Select(e => (e.Action, e.Outcome, e.Code, e.Actor)));
    }
}
