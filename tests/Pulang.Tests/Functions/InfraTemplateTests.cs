using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.Functions;

/// <summary>
/// The ARM template <c>infra/main.bicep</c> compiles to (Bicep CLI <c>build --stdout</c>, the version and package
/// <c>infra/Pulang.Infra.proj</c> downloads; <c>scripts/test.sh</c> builds that project before the tests): storage stays
/// private with shared keys off, App Service Authentication stays off (the worker answers 401 with problem details), the
/// Event Grid webhook keeps its key, and the app's identity gets data-plane roles no larger than it needs.
/// </summary>
public sealed class InfraTemplateTests
{
    /// <summary>Built-in role definition IDs (Azure RBAC built-in roles).</summary>
    static readonly Dictionary<string, string> Allowed = new()
    {
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["a97b65f3-24c7-4388-baec-2e87135dc908"] = "Cognitive Services User",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
        ["d5a91429-5739-47e2-a06b-3470a27159e7"] = "EventGrid Data Sender",
    };

    static readonly Dictionary<string, string> Forbidden = new()
    {
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"] = "Owner",
        ["b24988ac-6180-42a0-ab88-20f7382dd24c"] = "Contributor",
        ["18d7d88d-d35e-4fb5-a5c3-7773c4a72b9d"] = "User Access Administrator",
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = "Storage Blob Data Owner",
        ["17d1049b-9a84-46fb-8f53-869881c3d3ab"] = "Storage Account Contributor",
        ["00482a5a-887f-4fb3-b363-3b7fe8e74483"] = "Key Vault Administrator",
    };

    static readonly Lazy<JsonElement> Template = new(Compile);

    static JsonElement Compile()
    {
        var project = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, "infra", "Pulang.Infra.proj"));
        var version = project.Descendants("BicepVersion").Single().Value;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", version, "tools", "bicep");
        if (!File.Exists(bicep))
        {
            Assert.Fail($"Bicep {version} is not in the NuGet cache ({bicep}); run `dotnet build infra/Pulang.Infra.proj` first (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo(bicep) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("build");
        start.ArgumentList.Add(Path.Combine(TestPaths.RepositoryRoot, "infra", "main.bicep"));
        start.ArgumentList.Add("--stdout");
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"bicep build failed: {stderr.Result}");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    static IEnumerable<JsonElement> Resources(string type) =>
        Template.Value.GetProperty("resources").EnumerateArray().Where(r => r.GetProperty("type").GetString() == type);

    [Fact]
    public void Storage_is_private_keyless_and_tls_1_2_and_containers_are_not_public()
    {
        var storage = Assert.Single(Resources("Microsoft.Storage/storageAccounts")).GetProperty("properties");
        Assert.False(storage.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(storage.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.True(storage.GetProperty("defaultToOAuthAuthentication").GetBoolean());
        Assert.True(storage.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Equal("TLS1_2", storage.GetProperty("minimumTlsVersion").GetString());

        var containers = Assert.Single(Resources("Microsoft.Storage/storageAccounts/blobServices/containers"));
        Assert.Equal("None", containers.GetProperty("properties").GetProperty("publicAccess").GetString());
        Assert.True(containers.TryGetProperty("copy", out _), "one container resource, copied for every container");

        var app = Assert.Single(Resources("Microsoft.Web/sites")).GetProperty("properties");
        Assert.True(app.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("1.2", app.GetProperty("siteConfig").GetProperty("minTlsVersion").GetString());
    }

    [Fact]
    public void App_service_authentication_signs_people_in_to_the_pages_and_leaves_the_api_and_the_blob_webhook_to_the_worker()
    {
        // Easy Auth runs Entra sign-in for the pages; it never answers for /api (the worker's problem details) nor for the
        // host's webhooks (the blob webhook carries its system key, not a token), and sends nobody to a login page itself.
        var auth = Assert.Single(Resources("Microsoft.Web/sites/config"), r => r.GetProperty("name").GetString()!.Contains("authsettingsV2", StringComparison.Ordinal))
            .GetProperty("properties");
        Assert.True(auth.GetProperty("platform").GetProperty("enabled").GetBoolean());
        Assert.Equal("AllowAnonymous", auth.GetProperty("globalValidation").GetProperty("unauthenticatedClientAction").GetString());
        Assert.False(auth.GetProperty("globalValidation").GetProperty("requireAuthentication").GetBoolean());
        var excluded = auth.GetProperty("globalValidation").GetProperty("excludedPaths").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("/api/*", excluded);
        Assert.Contains("/runtime/*", excluded);
        var entra = auth.GetProperty("identityProviders").GetProperty("azureActiveDirectory");
        Assert.True(entra.GetProperty("enabled").GetBoolean());
        Assert.Equal("MICROSOFT_PROVIDER_AUTHENTICATION_SECRET", entra.GetProperty("registration").GetProperty("clientSecretSettingName").GetString());

        // The worker validates Entra ID tokens itself.
        var settings = Assert.Single(Resources("Microsoft.Web/sites")).GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").GetString()!;
        Assert.Contains("Pulang__Auth__Authority", settings);
        Assert.Contains("Pulang__Auth__Audience", settings);
        Assert.DoesNotContain("TrustClientPrincipalHeader", Template.Value.GetRawText());
        // The client secret comes from the vault, never from the template.
        Assert.Contains("@Microsoft.KeyVault(VaultName=", settings);
        // The site root is the web app's inbox, not the Functions host's home page.
        Assert.Contains("AzureWebJobsDisableHomepage", settings);

        // Event Grid calls the blob extension's webhook with its system key (no token).
        var subscription = Assert.Single(Resources("Microsoft.EventGrid/systemTopics/eventSubscriptions"), r => r.GetProperty("name").GetString()!.Contains("incoming-scans", StringComparison.Ordinal)).GetProperty("properties");
        var url = subscription.GetProperty("destination").GetProperty("properties").GetProperty("endpointUrl").GetString()!;
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.IncomingScan&code=", url);
        Assert.Contains("blobs_extension", url);
    }

    [Fact]
    public void The_app_identity_gets_least_data_plane_roles_and_no_owner_role()
    {
        var variables = Template.Value.GetProperty("variables");
        var roleIds = variables.GetProperty("roles").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

        // Resolve each assignment's roleDefinitionId expression to the role names it can take (through variables).
        IEnumerable<string> Names(string expression, int depth = 0)
        {
            Assert.True(depth < 5, $"unresolvable role expression {expression}");
            foreach (Match m in Regex.Matches(expression, @"variables\('(\w+)'\)(?:\.(\w+))?"))
            {
                if (m.Groups[1].Value == "roles")
                {
                    yield return m.Groups[2].Value;
                }
                else
                {
                    foreach (var n in Names(variables.GetProperty(m.Groups[1].Value).ToString(), depth + 1)) yield return n;
                }
            }
        }

        var assigned = new List<string>();
        foreach (var assignment in Resources("Microsoft.Authorization/roleAssignments"))
        {
            var expression = assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!;
            var names = Names(expression).ToList();
            Assert.NotEmpty(names);
            assigned.AddRange(names.Select(n => roleIds[n]));
        }

        Assert.Equal(Allowed.Keys.Order(), assigned.Distinct().Order());
        var text = Template.Value.GetRawText();
        foreach (var (id, name) in Forbidden)
        {
            Assert.False(text.Contains(id, StringComparison.OrdinalIgnoreCase), $"the template names {name}");
        }
    }

    [Fact]
    public void Case_events_go_to_an_event_grid_topic_in_the_cloudevents_schema_with_entra_id_only()
    {
        var topic = Assert.Single(Resources("Microsoft.EventGrid/topics"));
        var properties = topic.GetProperty("properties");
        Assert.Equal("CloudEventSchemaV1_0", properties.GetProperty("inputSchema").GetString());
        Assert.True(properties.GetProperty("disableLocalAuth").GetBoolean());
        var app = Assert.Single(Resources("Microsoft.Web/sites"));
        var settings = app.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").GetRawText();
        Assert.Contains("Pulang__Events__EventGridEndpoint", settings);
        Assert.Contains(Resources("Microsoft.Authorization/roleAssignments"),
            a => a.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.Contains("eventGridDataSender", StringComparison.Ordinal));
    }
}
