using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Pulang.Functions.Triggers;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Http;

namespace Pulang.Tests.Functions;

/// <summary>
/// The committed OpenAPI document (<c>docs/openapi/pulang.json</c>): it names every route of both hosts (the self-host's
/// endpoints as <see cref="PulangHost"/> maps them, the Function App's HTTP triggers), every problem code written in the
/// source, and it is the document the build writes (<c>selfhost/obj/openapi/pulang.json</c>).
/// </summary>
public sealed class OpenApiDocumentTests(TestStorage storage)
{
    /// <summary>The committed document.</summary>
    public static JsonNode Committed => JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "openapi", "pulang.json")))!;

    /// <summary>(method, path) of every operation in <paramref name="document"/>, e.g. <c>("post", "/api/cases")</c>.</summary>
    public static HashSet<(string Method, string Path)> Operations(JsonNode document) =>
        [.. document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (m.Key, p.Key)))];

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Routes of the self-host that are not API: the web pages (their own metadata test), the health probe, the document itself and its reference page.</summary>
    static bool IsApi(RouteEndpoint e, ISet<string> webRoutes)
    {
        var route = e.RoutePattern.RawText!.TrimStart('/');
        return !webRoutes.Contains(route) && route is not ("healthz" or "api/openapi.json") && !route.StartsWith("api/reference", StringComparison.Ordinal)
            && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>() is not null;
    }

    [Fact]
    public async Task Every_route_of_the_self_host_is_in_the_document()
    {
        var data = Directory.CreateTempSubdirectory("pulang-test-openapi-");
        using var cleanup = new DeleteOnDispose(data);
        await using var app = await PulangHost.BuildAsync([
            $"--Pulang:StorageConnectionString={storage.ConnectionString}",
            $"--Pulang:DataDirectory={data.FullName}",
            "--Pulang:WatchBlobs=false",
        ]);
        var web = FunctionsMetadataTests.WebRoutesOfSelfHost().Select(r => r.Route).Append("").ToHashSet();
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Where(e => IsApi(e, web)).ToList();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} API endpoints found");
        var documented = Operations(Committed);
        var missing = endpoints
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Select(m => (m.ToLowerInvariant(), "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(r => !documented.Contains(r)).ToList();
        Assert.True(missing.Count == 0, "Routes missing from docs/openapi/pulang.json: " + string.Join(", ", missing));
    }

    sealed class DeleteOnDispose(DirectoryInfo directory) : IDisposable
    {
        public void Dispose() => directory.Delete(recursive: true);
    }

    [Fact]
    public void Every_http_trigger_of_the_Function_App_is_in_the_document()
    {
        var triggers = typeof(HttpTriggers).Assembly.GetTypes().Where(t => t != typeof(WebTriggers))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .SelectMany(m => m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().Select(a => (Function: m.Name, Trigger: a)))
            .Where(t => t.Trigger.Route != "api/openapi.json")
            .ToList();
        Assert.True(triggers.Count >= 30, $"only {triggers.Count} HTTP triggers found");
        var documented = Operations(Committed);
        var missing = triggers.SelectMany(t => t.Trigger.Methods!.Select(m => (m.ToLowerInvariant(), "/" + t.Trigger.Route)))
            .Where(r => !documented.Contains(r)).ToList();
        Assert.True(missing.Count == 0, "Function App routes missing from docs/openapi/pulang.json: " + string.Join(", ", missing));
        // The trigger's function name is the operation's ID, so a client's method names are the same on both hosts.
        var ids = Committed["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => m.Value!["operationId"]!.GetValue<string>())).ToHashSet();
        foreach (var (function, _) in triggers)
        {
            Assert.Contains(function, ids);
        }
    }

    [Fact]
    public void The_committed_document_is_the_one_the_build_writes()
    {
        var built = Path.Combine(TestPaths.RepositoryRoot, "selfhost", "obj", "openapi", "pulang.json");
        Assert.True(File.Exists(built), $"Build the self-host first: {built} is missing.");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(built)), Committed),
            "docs/openapi/pulang.json is stale: the API changed. Build, then copy selfhost/obj/openapi/pulang.json to docs/openapi/pulang.json and commit it.");
    }

    [Fact]
    public void Every_problem_code_in_the_source_is_a_problem_type_of_the_document_with_its_status()
    {
        // The API's source (the web pages' own answers are not API). Problems.Of(404, "x"), new Refusal(RefusalKind.Conflict, "x"), Refused(RefusalKind.NotFound, "x"), upload and manifest
        // exceptions (status, "x"), the host's own answers (404 => ("route.unknown", ...)), and signed link refusals.
        var patterns = new Regex[]
        {
            new(@"Problems\.Of\((?<status>\d{3}), ""(?<code>[a-z0-9.-]+)"""),
            new(@"(?:Refusal|Refused)\(RefusalKind\.(?<kind>[A-Za-z]+), ""(?<code>[a-z0-9.-]+)"""),
            new(@"(?:UploadRejectedException|ManifestFormatException)\((?<status>\d{3}), ""(?<code>[a-z0-9.-]+)"""),
            new(@"(?<status>\d{3}) => \(""(?<code>[a-z0-9.-]+)"""),
            new(@"""(?<code>link\.[a-z-]+)"""),
        };
        var kinds = new Dictionary<string, int> { ["Forbidden"] = 403, ["NotFound"] = 404, ["Invalid"] = 400, ["Unprocessable"] = 422, ["Conflict"] = 409 };
        var catalog = ProblemCatalog.All.ToDictionary(p => p.Code);
        var found = new List<string>();
        foreach (var file in new[] { "workflows", "selfhost", "functions" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (var match in patterns.SelectMany(p => p.Matches(text)))
            {
                var code = match.Groups["code"].Value;
                found.Add(code);
                Assert.True(catalog.TryGetValue(code, out var type), $"{Path.GetFileName(file)}: problem code '{code}' is not in ProblemCatalog (so not in the OpenAPI document).");
                var status = match.Groups["status"].Success ? int.Parse(match.Groups["status"].Value) : match.Groups["kind"].Success ? kinds[match.Groups["kind"].Value] : (int?)null;
                if (status is { } s)
                {
                    Assert.True(s == type!.Status, $"{Path.GetFileName(file)}: '{code}' is answered with {s}, ProblemCatalog says {type.Status}.");
                }
            }
        }

        Assert.True(found.Distinct().Count() >= 40, $"only {found.Distinct().Count()} problem codes found in the source");
        var documented = Committed["components"]!["schemas"]!["PulangProblem"]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>()).ToHashSet();
        Assert.Equal(ProblemCatalog.All.Select(p => p.Code).ToHashSet(), documented);
    }
}
