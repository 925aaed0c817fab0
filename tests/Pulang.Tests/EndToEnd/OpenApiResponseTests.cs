using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Pulang.SelfHost;
using Pulang.Tests.Functions;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Real answers of the running self-host on Azurite, successes and problems, checked against their schema in the committed
/// OpenAPI document (JsonSchema.Net, draft 2020-12: the document's component schemas as <c>$defs</c>); the document the host
/// serves is the committed one; the API reference page loads nothing from another site.
/// </summary>
public sealed class OpenApiResponseTests(ApiHost fixture) : IClassFixture<ApiHost>
{
    SelfHostProcess Host => fixture.Host;
    PulangClient Api => Host.Client;
    string T(string user) => Host.Tokens.MintDemo(user);
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly JsonNode Document = OpenApiDocumentTests.Committed;

    /// <summary>
    /// Fails unless <paramref name="response"/>'s status and media type are documented for <paramref name="method"/>
    /// <paramref name="path"/> (a template of the document) and its body is valid against that schema; returns the status.
    /// </summary>
    static int AssertDocumented(string method, string path, ApiResponse response)
    {
        var status = ((int)response.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var operation = Document["paths"]?[path]?[method] ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not in the document.");
        var answer = operation["responses"]?[status] ?? throw new Xunit.Sdk.XunitException($"{method} {path} answered {status}, which the document does not list: {response.Body}");
        var mediaType = (response.ContentType ?? "").Split(';')[0].Trim();
        var schema = answer["content"]?[mediaType]?["schema"] ?? throw new Xunit.Sdk.XunitException($"{method} {path} {status}: the document has no schema for {mediaType}.");
        var standalone = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = Document["components"]!["schemas"]!.DeepClone(),
        };
        foreach (var (key, value) in schema.AsObject())
        {
            standalone[key] = value!.DeepClone();
        }

        var json = standalone.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var result = JsonSchema.FromText(json).Evaluate(JsonDocument.Parse(response.Body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{method} {path} {status}: the body does not match its schema: "
            + JsonSerializer.Serialize(result.Details?.Where(d => d.Errors is not null).Select(d => new { at = d.InstanceLocation.ToString(), d.Errors }))
            + "\nbody: " + response.Body[..Math.Min(2000, response.Body.Length)]);
        return (int)response.Status;
    }

    [Fact]
    public async Task Answers_of_the_running_self_host_match_their_schemas_in_the_document()
    {
        var reference = $"OAS-{Guid.NewGuid():N}";
        var intake = EndToEndTests.Intake(reference);
        var checkedStatuses = new List<(string, int)>();
        void Check(string method, string path, ApiResponse r) => checkedStatuses.Add(($"{method} {path}", AssertDocumented(method, path, r)));

        var created = await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), intake, ct: Ct);
        Check("post", "/api/cases", created);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var caseId = created.Json.GetProperty("caseId").GetString()!;
        Check("post", "/api/cases", await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), intake, ct: Ct));
        var conflict = await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), new Workflows.Cases.IntakeRequest(reference, "SITI AMINAH", "F", "1992-08-14", "Kabupaten Malang", "Malaysia", "2025-10-02", null), ct: Ct);
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Check("post", "/api/cases", conflict);
        Check("post", "/api/cases", await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), new { }, ct: Ct));
        Check("post", "/api/cases", await Api.JsonAsync(HttpMethod.Post, "/api/cases", null, intake, ct: Ct));
        Check("post", "/api/cases", await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("bp3mi-reader"), intake, ct: Ct));
        Check("post", "/api/cases", await Api.SendAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), new StringContent("x", Encoding.UTF8, "text/plain"), ct: Ct));

        await Api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);
        Check("get", "/api/cases/{caseId}", await Api.GetAsync($"/api/cases/{caseId}", T("bp3mi-reader"), Ct));
        Check("get", "/api/cases/{caseId}", await Api.GetAsync($"/api/cases/{caseId}", T("police-liaison"), Ct));
        Check("get", "/api/cases/{caseId}", await Api.GetAsync("/api/cases/PMI-DOES-NOT-EXIST", T("bp3mi-reader"), Ct));
        Check("get", "/api/cases", await Api.GetAsync("/api/cases?max=3", T("bp3mi-reader"), Ct));
        Check("get", "/api/cases", await Api.GetAsync($"/api/cases?reference={reference}", T("bp3mi-reader"), Ct));
        Check("get", "/api/cases", await Api.GetAsync("/api/cases?stage=Nowhere", T("bp3mi-reader"), Ct));
        Check("get", "/api/inbox", await Api.GetAsync("/api/inbox?max=5", T("sentra-intake-officer"), Ct));
        Check("get", "/api/cases/{caseId}/audit", await Api.GetAsync($"/api/cases/{caseId}/audit", T("pulang-admin"), Ct));
        Check("get", "/api/cases/{caseId}/release", await Api.GetAsync($"/api/cases/{caseId}/release", T("bp3mi-reader"), Ct));
        Check("get", "/api/cases/{caseId}/release/letter", await Api.GetAsync($"/api/cases/{caseId}/release/letter", T("bp3mi-reader"), Ct));
        Check("get", "/api/cases/{caseId}/documents/{documentId}/content", await Api.GetAsync($"/api/cases/{caseId}/documents/DOC-NONE/content", T("bp3mi-reader"), Ct));
        Check("put", "/api/cases/{caseId}/documents/{kind}", await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/passport", T("sentra-intake-officer"), new StringContent("not a scan", Encoding.UTF8, "text/plain"), ct: Ct));
        Check("put", "/api/cases/{caseId}/documents/{kind}", await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/diploma", T("sentra-intake-officer"), new StringContent("x", Encoding.UTF8, "image/png"), ct: Ct));
        // Commands: a refusal of the decider (409), a body refusal (400), and one that takes effect (the case as the caller sees it).
        Check("post", "/api/cases/{caseId}/assessment", await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", T("sentra-social-worker"), new { summary = "Sehat.", recommendation = "Pulang ke keluarga." }, ct: Ct));
        Check("post", "/api/cases/{caseId}/holds", await Api.SendAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", T("police-liaison"), new StringContent("{", Encoding.UTF8, "application/json"), ct: Ct));
        Check("post", "/api/cases/{caseId}/signoffs/{ministry}", await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/nowhere", T("p2mi-official"), new { approve = true }, ct: Ct));
        var hold = await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", T("police-liaison"), new { reason = "Pemeriksaan dokumen." }, ct: Ct);
        Check("post", "/api/cases/{caseId}/holds", hold);
        Assert.Equal(HttpStatusCode.OK, hold.Status);

        var manifest = await Api.SendAsync(HttpMethod.Post, "/api/manifests", T("embassy-kl-manifest"),
            new StringContent(ManifestSample.ToCsv(ManifestSample.Persons(2, 3, $"OAS{Guid.NewGuid():N}"[..12], DateOnly.FromDateTime(DateTime.UtcNow))), Encoding.UTF8, "text/csv"), ct: Ct);
        Check("post", "/api/manifests", manifest);
        Assert.True(manifest.Status == HttpStatusCode.Accepted, $"{(int)manifest.Status}: {manifest.Body}");
        Check("get", "/api/manifests/{manifestId}", await Api.GetAsync($"/api/manifests/{manifest.Json.GetProperty("manifestId").GetString()}", T("bp3mi-reader"), Ct));
        Check("get", "/api/manifests/{manifestId}", await Api.GetAsync("/api/manifests/nothing", T("bp3mi-reader"), Ct));
        Check("post", "/api/manifests", await Api.SendAsync(HttpMethod.Post, "/api/manifests", T("embassy-kl-manifest"), new StringContent("a;b\n", Encoding.UTF8, "text/csv"), ct: Ct));

        Check("get", "/api/subscriptions", await Api.GetAsync("/api/subscriptions", T("pulang-admin"), Ct));
        Check("get", "/api/subscriptions/{subscriptionId}", await Api.GetAsync("/api/subscriptions/nothing", T("pulang-admin"), Ct));
        Check("post", "/api/subscriptions", await Api.JsonAsync(HttpMethod.Post, "/api/subscriptions", T("pulang-admin"), new { url = "ftp://x", eventTypes = Array.Empty<string>() }, ct: Ct));
        Check("get", "/api/subscriptions/{subscriptionId}/deliveries", await Api.GetAsync("/api/subscriptions/nothing/deliveries?max=0", T("pulang-admin"), Ct));

        Check("get", "/.well-known/pulang-release-key", await Api.GetAsync("/.well-known/pulang-release-key", null, Ct));
        Check("get", "/release-letters/check", await Api.GetAsync("/release-letters/check", null, Ct));
        Check("get", "/release-letters/check", await Api.GetAsync("/release-letters/check?statement=PULANG-RILIS/1;x", null, Ct));

        // Every kind of answer was seen: successes and the problems 400, 401, 403, 404, 409, 415.
        var seen = checkedStatuses.Select(c => c.Item2).ToHashSet();
        foreach (var status in new[] { 200, 201, 202, 400, 401, 403, 404, 409, 415 })
        {
            Assert.Contains(status, seen);
        }
    }

    [Fact]
    public async Task The_self_host_serves_the_committed_document_and_a_reference_page_with_local_assets_only()
    {
        var served = await Api.GetAsync("/api/openapi.json", null, Ct);
        Assert.Equal(HttpStatusCode.OK, served.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(served.Body), OpenApiDocumentTests.Committed), "The live document differs from docs/openapi/pulang.json.");

        // As a browser: follow redirects, resolve the page's relative addresses against where it ended up.
        using var page = await Api.Http.GetAsync("/api/reference", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Ct);
        var sources = Regex.Matches(html, @"(?:src|href)\s*=\s*[""']([^""']+)[""']").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        Assert.DoesNotContain(sources, s => s.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https:", StringComparison.OrdinalIgnoreCase) || s.StartsWith("//", StringComparison.Ordinal));
        foreach (var script in sources.Where(s => s.EndsWith(".js", StringComparison.Ordinal)))
        {
            var url = new Uri(page.RequestMessage!.RequestUri!, script);
            using var asset = await Api.Http.GetAsync(url, Ct);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{url}: {(int)asset.StatusCode}");
        }
    }
}
