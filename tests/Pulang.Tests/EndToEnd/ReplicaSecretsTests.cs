using Microsoft.Extensions.Configuration;
using Pulang.SelfHost.Hosting;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// <see cref="ReplicaSecrets"/>: a self-host on shared storage that takes its keys from its own data directory says at start
/// which settings every replica must hold alike; on the embedded Azurite, or with every key configured, it says nothing.
/// </summary>
public sealed class ReplicaSecretsTests
{
    static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    const string Storage = "UseDevelopmentStorage=true";

    [Fact]
    public void Shared_storage_with_keys_from_the_data_directory_names_every_missing_setting()
    {
        var warning = ReplicaSecrets.Warning(Config(("Pulang:StorageConnectionString", Storage)), "/srv/pulang");
        Assert.NotNull(warning);
        Assert.Contains("/srv/pulang", warning, StringComparison.Ordinal);
        Assert.Contains("Pulang__Auth__SigningKey", warning, StringComparison.Ordinal);
        Assert.Contains("Pulang__DownloadLinkKey", warning, StringComparison.Ordinal);
        Assert.Contains("Pulang__ReleaseKey", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_keys_not_configured_are_named()
    {
        Assert.Equal(["Pulang__DownloadLinkKey"], ReplicaSecrets.FromDataDirectory(Config(
            ("Pulang:Auth:SigningKey", "a2V5"), ("Pulang:ReleaseKey", "a2V5"))));
        // With Entra ID there is no local signing key to share.
        Assert.Equal(["Pulang__ReleaseKey"], ReplicaSecrets.FromDataDirectory(Config(
            ("Pulang:Auth:Authority", "https://login.microsoftonline.com/t/v2.0"), ("Pulang:DownloadLinkKey", "a2V5"))));
    }

    [Fact]
    public void Nothing_is_said_on_the_embedded_Azurite_or_with_every_key_configured()
    {
        Assert.Null(ReplicaSecrets.Warning(Config(), "/srv/pulang"));
        Assert.Null(ReplicaSecrets.Warning(Config(("Pulang:StorageConnectionString", Storage),
            ("Pulang:Auth:SigningKey", "a2V5"), ("Pulang:DownloadLinkKey", "a2V5"), ("Pulang:ReleaseKey", "a2V5")), "/srv/pulang"));
    }
}
