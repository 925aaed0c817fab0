using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pulang.Workflows.Http;

/// <summary>A short-lived, read-only link to one scan.</summary>
/// <param name="Url">URL of the download: relative to the self-host (<c>/downloads/...</c>), or absolute to the blob with a
/// SAS in Azure. No bearer token is needed: the signature is the permission.</param>
/// <param name="ExpiresAt">When the link stops working (UTC).</param>
public sealed record DownloadLink(string Url, DateTimeOffset ExpiresAt);

/// <summary>Issues short-lived, read-only download links, each scoped to one scan blob. Containers stay private.</summary>
public interface IDownloadLinkIssuer
{
    /// <summary>A new link to the scan <paramref name="documentId"/> of <paramref name="caseId"/> (blob <c>scans/{caseId}/{documentId}</c>).</summary>
    /// <exception cref="Azure.RequestFailedException">Storage refused to issue it (e.g. a user delegation key without the right role).</exception>
    ValueTask<DownloadLink> CreateAsync(string caseId, string documentId, CancellationToken ct = default);
}

/// <summary>
/// Signs and checks download links for scans: <c>/downloads/{caseId}/{documentId}?expires={unix seconds}&amp;sig={hex}</c>,
/// where <c>sig</c> is HMAC-SHA256 over <c>{caseId}/{documentId}/{expires}</c>. A link names one blob, only reads, and
/// expires after <see cref="PulangOptions.DownloadLinkLifetime"/>. The self-host's equivalent of a user-delegation
/// SAS; containers stay private.
/// </summary>
public sealed class DownloadLinks : IDownloadLinkIssuer
{
    readonly byte[] key;
    readonly TimeSpan lifetime;
    readonly TimeProvider time;

    /// <summary>Creates the signer from <see cref="PulangOptions.DownloadLinkKey"/> (or a random per-process key).</summary>
    /// <exception cref="InvalidOperationException">The configured key is not base64 of at least 32 bytes.</exception>
    public DownloadLinks(IOptions<PulangOptions> options, TimeProvider time)
    {
        var o = options.Value;
        key = string.IsNullOrWhiteSpace(o.DownloadLinkKey) ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(o.DownloadLinkKey);
        if (key.Length < 32)
        {
            throw new InvalidOperationException("Pulang:DownloadLinkKey must be base64 of at least 32 bytes.");
        }

        lifetime = Lifetime(o);
        this.time = time;
    }

    /// <summary><see cref="PulangOptions.DownloadLinkLifetime"/> when it is in (0, 1 h]; else 5 minutes.</summary>
    public static TimeSpan Lifetime(PulangOptions options) =>
        options.DownloadLinkLifetime <= TimeSpan.Zero || options.DownloadLinkLifetime > TimeSpan.FromHours(1) ? TimeSpan.FromMinutes(5) : options.DownloadLinkLifetime;

    /// <inheritdoc/>
    public ValueTask<DownloadLink> CreateAsync(string caseId, string documentId, CancellationToken ct = default) => ValueTask.FromResult(Create(caseId, documentId));

    /// <summary>A new link to the scan <paramref name="documentId"/> of <paramref name="caseId"/>.</summary>
    public DownloadLink Create(string caseId, string documentId)
    {
        var expires = time.GetUtcNow().Add(lifetime);
        var unix = expires.ToUnixTimeSeconds();
        return new($"/downloads/{Uri.EscapeDataString(caseId)}/{Uri.EscapeDataString(documentId)}?expires={unix}&sig={Sign(caseId, documentId, unix)}", DateTimeOffset.FromUnixTimeSeconds(unix));
    }

    /// <summary>Null when the link is valid now; else why not (<c>link.invalid</c> or <c>link.expired</c>).</summary>
    public string? Check(string caseId, string documentId, long expires, string? sig)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(caseId, documentId, expires));
        if (sig is null || !CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(sig)))
        {
            return "link.invalid";
        }

        return time.GetUtcNow().ToUnixTimeSeconds() >= expires ? "link.expired" : null;
    }

    string Sign(string caseId, string documentId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{caseId}/{documentId}/{expires}")));
}
