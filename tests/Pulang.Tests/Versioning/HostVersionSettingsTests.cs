using System.Text.Json;
using Pulang.Workflows;
using Pulang.SelfHost.Durable;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Orchestrations;

namespace Pulang.Tests.Versioning;

/// <summary>Both hosts run the same versions: the Function App's host.json says what the self-host's <see cref="WorkerVersioning"/> says.</summary>
public sealed class HostVersionSettingsTests
{
    [Fact]
    public void Host_json_runs_the_current_version_and_older_and_rejects_newer()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "host.json")));
        var durable = json.RootElement.GetProperty("extensions").GetProperty("durableTask");
        var self = new WorkerVersioning();

        Assert.Equal(WorkflowVersion.Current, durable.GetProperty("defaultVersion").GetString());
        Assert.Equal(self.Core.Version, durable.GetProperty("defaultVersion").GetString());
        Assert.Equal(self.Core.MatchStrategy.ToString(), durable.GetProperty("versionMatchStrategy").GetString());
        Assert.Equal(self.Core.FailureStrategy.ToString(), durable.GetProperty("versionFailureStrategy").GetString());
    }

    [Fact]
    public void Versions_compare_as_numbers_and_an_unversioned_instance_is_older()
    {
        Assert.True(DurableTask.Core.Settings.VersioningSettings.CompareVersions("1.10", "1.9") > 0);
        Assert.True(DurableTask.Core.Settings.VersioningSettings.CompareVersions("", WorkflowVersion.First) < 0);
        Assert.True(DurableTask.Core.Settings.VersioningSettings.CompareVersions(WorkflowVersion.Current, WorkflowVersion.First) >= 0);
    }
}
