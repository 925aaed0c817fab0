using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Pulang.Functions.Triggers;
using Pulang.Tests.Infrastructure;
using Pulang.Web;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Http;
using Pulang.Workflows.Manifests;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Functions;

/// <summary>
/// The Functions host cannot run here, so these tests read what the build hands it: <c>functions.metadata</c>
/// (every function and its bindings) and <c>extensions.json</c> (the host extensions to load). The expected
/// functions come from <see cref="WorkflowRegistry"/> and from the routes <see cref="CaseEndpoints.MapPulangApi"/>
/// maps for the self-host, so a new orchestration, activity or route without its trigger fails here.
/// </summary>
public sealed class FunctionsMetadataTests
{
    static readonly Lazy<JsonElement[]> Functions = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsOutput, "functions.metadata"))).RootElement.EnumerateArray().ToArray());

    /// <summary>The Function App's build output of the same configuration as the tests.</summary>
    static string FunctionsOutput
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var dir = Path.Combine(TestPaths.RepositoryRoot, "functions", "bin", configuration, "net10.0");
            return File.Exists(Path.Combine(dir, "functions.metadata")) ? dir : throw new FileNotFoundException("Build the solution first: functions.metadata is missing.", dir);
        }
    }

    /// <summary>Every route of the self-host's API: (handler name, route without the leading <c>/</c>, e.g. <c>api/cases</c>, method).</summary>
    public static IReadOnlyList<(string Handler, string Route, string Method)> ApiRoutes()
    {
        var app = WebApplication.CreateBuilder().Build();
        app.MapPulangApi();
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (
                Handler: e.Metadata.GetMetadata<MethodInfo>()?.Name ?? throw new InvalidOperationException($"No handler method for {e.RoutePattern.RawText}"),
                Route: e.RoutePattern.RawText!.TrimStart('/'),
                Method: e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant()))
            .ToList();
    }

    /// <summary>
    /// Every route of the web app as the self-host maps it (<see cref="WebRoutes.MapPulangWeb"/>): (function name = <c>Web</c> +
    /// handler name, the route a Functions trigger needs for the same path, method). The site root becomes
    /// <see cref="WebTriggers.RootRoute"/>.
    /// </summary>
    public static IReadOnlyList<(string Function, string Route, string Method)> WebRoutesOfSelfHost()
    {
        var app = WebApplication.CreateBuilder().Build();
        app.MapPulangWeb();
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (
                Function: "Web" + (e.Metadata.GetMetadata<MethodInfo>()?.Name ?? throw new InvalidOperationException($"No handler method for {e.RoutePattern.RawText}")),
                Route: e.RoutePattern.RawText!.TrimStart('/') is { Length: > 0 } r ? r : WebTriggers.RootRoute,
                Method: e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant()))
            .ToList();
    }

    static JsonElement Function(string name) =>
        Functions.Value.SingleOrDefault(f => f.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } f ? f
        : throw new Xunit.Sdk.XunitException($"functions.metadata has no function '{name}'.");

    static JsonElement[] Bindings(JsonElement function) => function.GetProperty("bindings").EnumerateArray().ToArray();

    static JsonElement Trigger(string name, string type)
    {
        var trigger = Bindings(Function(name)).Where(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).ToArray();
        Assert.Single(trigger);
        Assert.Equal(type, trigger[0].GetProperty("type").GetString());
        Assert.Equal("In", trigger[0].GetProperty("direction").GetString());
        return trigger[0];
    }

    static void AssertDurableClient(string name) =>
        Assert.Contains(Bindings(Function(name)), b => b.GetProperty("type").GetString() == "durableClient" && b.GetProperty("direction").GetString() == "In");

    static string? Str(JsonElement e, string property) => e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [Fact]
    public void The_app_has_exactly_the_expected_functions()
    {
        var expected = WorkflowRegistry.Orchestrators.Keys
            .Concat(WorkflowRegistry.Activities.Keys)
            .Concat(ApiRoutes().Select(r => r.Handler))
            .Concat(WebRoutesOfSelfHost().Select(r => r.Function))
            .Append("IncomingScan").Append("CaseIntake").Append("ScanReading").Append("IncomingManifest").Append("StartRetentionSchedule")
            .Concat(["GetReleaseKey", "CheckLetter", "GetLetterPage", "GetOpenApiDocument"])
            .Order(StringComparer.Ordinal).ToArray();
        var actual = Functions.Value.Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Every_orchestrator_has_an_orchestration_trigger_of_its_name()
    {
        Assert.NotEmpty(WorkflowRegistry.Orchestrators);
        foreach (var name in WorkflowRegistry.Orchestrators.Keys)
        {
            Trigger(name, "orchestrationTrigger");
        }
    }

    [Fact]
    public void Every_activity_has_an_activity_trigger_of_its_name()
    {
        Assert.NotEmpty(WorkflowRegistry.Activities);
        foreach (var name in WorkflowRegistry.Activities.Keys)
        {
            Trigger(name, "activityTrigger");
        }
    }

    [Fact]
    public void Every_api_route_has_an_anonymous_http_trigger_with_the_same_route_and_method_and_a_durable_client()
    {
        var routes = ApiRoutes();
        Assert.Equal(27, routes.Count); // 12 + audit + document link + inbox + release letter + document rejection and classification + the two manifest routes + 7 subscription routes
        foreach (var (handler, route, method) in routes)
        {
            var trigger = Trigger(handler, "httpTrigger");
            Assert.Equal(route, Str(trigger, "route"));
            Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()));
            Assert.Equal("Anonymous", Str(trigger, "authLevel"), ignoreCase: true);
            Assert.Contains(Bindings(Function(handler)), b => Str(b, "type") == "http" && Str(b, "direction") == "Out" && Str(b, "name") == "$return");
            AssertDurableClient(handler);
        }
    }

    [Fact]
    public void Every_web_route_has_an_anonymous_http_trigger_at_the_same_path_and_method_and_a_durable_client()
    {
        var routes = WebRoutesOfSelfHost();
        Assert.Contains(routes, r => r.Route == WebTriggers.RootRoute && r.Method == "get");
        Assert.Contains(routes, r => r.Route == "cases/{caseId}/signoff");
        Assert.Equal(routes.Count, routes.Select(r => r.Function).Distinct().Count());
        foreach (var (function, route, method) in routes)
        {
            var trigger = Trigger(function, "httpTrigger");
            Assert.Equal(route, Str(trigger, "route"));
            Assert.False(route.StartsWith("api/", StringComparison.Ordinal), $"{function}: web pages live outside /api");
            Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()));
            Assert.Equal("Anonymous", Str(trigger, "authLevel"), ignoreCase: true);
            Assert.Contains(Bindings(Function(function)), b => Str(b, "type") == "http" && Str(b, "direction") == "Out" && Str(b, "name") == "$return");
            AssertDurableClient(function);
        }
    }

    [Fact]
    public void The_root_route_matches_only_the_site_root_and_no_two_triggers_share_a_path_and_method()
    {
        var template = Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(WebTriggers.RootRoute);
        var parameter = Assert.Single(template.Parameters);
        Assert.True(parameter.IsOptional);
        Assert.Contains(parameter.ParameterPolicies, p => p.Content == "maxlength(0)");

        var all = Functions.Value
            .SelectMany(f => Bindings(f).Where(b => Str(b, "type") == "httpTrigger")
                .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToLowerInvariant()} {Str(b, "route")}")))
            .ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void Incoming_scans_use_an_event_grid_blob_trigger_on_the_incoming_container()
    {
        var trigger = Trigger("IncomingScan", "blobTrigger");
        Assert.Equal($"{PulangStorage.IncomingContainer}/{{caseId}}/{{kind}}/{{name}}", Str(trigger, "path"));
        Assert.Equal(IncomingScans.Container, PulangStorage.IncomingContainer);
        Assert.Equal("EventGrid", Str(trigger, "source"));
        Assert.Equal("AzureWebJobsStorage", Str(trigger, "connection"));
        AssertDurableClient("IncomingScan");
    }

    [Fact]
    public void Dropped_manifests_use_an_event_grid_blob_trigger_on_the_manifests_container()
    {
        var trigger = Trigger("IncomingManifest", "blobTrigger");
        Assert.Equal($"{PulangStorage.ManifestsContainer}/{{name}}", Str(trigger, "path"));
        Assert.Equal("EventGrid", Str(trigger, "source"));
        Assert.Equal("AzureWebJobsStorage", Str(trigger, "connection"));
        AssertDurableClient("IncomingManifest");
        AssertDurableClient(Pulang.Workflows.Manifests.StartManifestLinesActivity.Name);
    }

    [Fact]
    public void Intake_messages_use_a_queue_trigger_on_case_intake()
    {
        var trigger = Trigger("CaseIntake", "queueTrigger");
        Assert.Equal(PulangStorage.IntakeQueue, Str(trigger, "queueName"));
        Assert.Equal("AzureWebJobsStorage", Str(trigger, "connection"));
        AssertDurableClient("CaseIntake");
    }

    [Fact]
    public void Scans_are_read_by_a_queue_trigger_on_the_task_hubs_scan_reading_queue_with_the_same_retry_count()
    {
        var trigger = Trigger("ScanReading", "queueTrigger");
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsOutput, "host.json")));
        var hub = host.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("hubName").GetString()!;
        Assert.Equal(PulangStorage.ScanReadingQueueFor(hub), Str(trigger, "queueName"));
        Assert.Equal("AzureWebJobsStorage", Str(trigger, "connection"));
        Assert.Equal(Pulang.Workflows.Activities.ScanReadingQueue.MaxDequeueCount, host.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32());
        AssertDurableClient("ScanReading");
    }

    [Fact]
    public void Extensions_json_loads_durable_task_blobs_and_queues()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsOutput, "extensions.json")));
        var names = json.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToArray();
        Assert.Contains("DurableTask", names);
        Assert.Contains("AzureStorageBlobs", names);
        Assert.Contains("AzureStorageQueues", names);
        foreach (var e in json.RootElement.GetProperty("extensions").EnumerateArray())
        {
            var hint = e.GetProperty("hintPath").GetString()!;
            Assert.True(File.Exists(Path.Combine(FunctionsOutput, hint)), $"extensions.json names {hint}, which the build did not produce.");
        }
    }

    [Fact]
    public void Host_json_is_the_repository_root_one_and_matches_the_intake_retry_count()
    {
        var built = File.ReadAllText(Path.Combine(FunctionsOutput, "host.json"));
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "host.json")), built);
        using var host = JsonDocument.Parse(built);
        var extensions = host.RootElement.GetProperty("extensions");
        Assert.Equal(IntakeQueue.MaxDequeueCount, extensions.GetProperty("queues").GetProperty("maxDequeueCount").GetInt32());
        // No prefix: the API's triggers say api/... themselves and the web pages' triggers serve the self-host's paths (/, /cases...).
        Assert.Equal("", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void No_local_settings_with_secrets_are_committed()
    {
        var functions = Path.Combine(TestPaths.RepositoryRoot, "functions");
        Assert.True(File.Exists(Path.Combine(functions, "local.settings.example.json")));
        var example = File.ReadAllText(Path.Combine(functions, "local.settings.example.json"));
        Assert.DoesNotContain("AccountKey=", example, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("local.settings.json", File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, ".gitignore")));
    }
}
