namespace Pulang.SelfHost.Hosting;

/// <summary>
/// The local secrets that every replica of one deployment must hold alike: the local issuer's token-signing key
/// (<c>Pulang:Auth:SigningKey</c>), the download-link key (<c>Pulang:DownloadLinkKey</c>) and the release key
/// (<c>Pulang:ReleaseKey</c>). Each one not set in configuration is made in the replica's own data directory, so two
/// replicas with their own data directories each make their own: a token minted for one, a download link it signed or
/// a release letter it issued is refused by the other. Replicas share storage (a storage connection string), so that is
/// when the self-host says so at start.
/// </summary>
public static class ReplicaSecrets
{
    /// <summary>
    /// The settings (names as environment variables, e.g. <c>Pulang__ReleaseKey</c>) of the secrets that this start takes
    /// from its data directory; empty when every one is configured, or when the local issuer is not used for the signing key
    /// (<c>Pulang:Auth:Authority</c> set).
    /// </summary>
    public static IReadOnlyList<string> FromDataDirectory(IConfiguration config)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(config["Pulang:Auth:Authority"]) && string.IsNullOrWhiteSpace(config["Pulang:Auth:SigningKey"]))
        {
            missing.Add("Pulang__Auth__SigningKey");
        }

        if (string.IsNullOrWhiteSpace(config["Pulang:DownloadLinkKey"]))
        {
            missing.Add("Pulang__DownloadLinkKey");
        }

        if (string.IsNullOrWhiteSpace(config[Pulang.Workflows.Letters.ReleaseKey.Setting]))
        {
            missing.Add("Pulang__ReleaseKey");
        }

        return missing;
    }

    /// <summary>
    /// The start-up warning for a self-host on shared storage (<c>Pulang:StorageConnectionString</c> set) that takes secrets
    /// from its data directory; null on the embedded Azurite (one replica) or when every secret is configured.
    /// </summary>
    public static string? Warning(IConfiguration config, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(config["Pulang:StorageConnectionString"]) || FromDataDirectory(config) is not { Count: > 0 } missing)
        {
            return null;
        }

        return $"Kunci lokal diambil dari direktori data {dataDirectory} ({string.Join(", ", missing)} tidak diatur). " +
            $"Every replica sharing this storage must hold the same keys: set {string.Join(", ", missing)} alike in every replica, " +
            "or give the replicas one data directory; else a token, a download link or a release letter from one replica is refused by another.";
    }
}
