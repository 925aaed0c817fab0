using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Http;

/// <summary>
/// Download links as Azure Storage shared access signatures on the one scan blob, read permission only, valid for
/// <see cref="PulangOptions.DownloadLinkLifetime"/> (at most 1 h): the Function App's links, served by Blob Storage
/// itself (so the app has no <c>/downloads</c> route). The container stays private.
/// <list type="bullet">
/// <item>With a managed identity (the Azure deployment; shared-key access is off) a <b>user-delegation SAS</b>, signed
/// with a user delegation key (Blob REST <c>Get User Delegation Key</c>; the identity needs
/// <c>Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action</c>, which Storage Blob Data
/// Contributor includes). A key is fetched for 1 day and reused until 1 hour before it expires.</item>
/// <item>With an account key (Azurite, a connection string) a service SAS signed with that key.</item>
/// </list>
/// Links start 5 minutes in the past to allow clock skew and are https-only on real accounts.
/// </summary>
public sealed class BlobSasDownloadLinks(PulangStorage storage, IOptions<PulangOptions> options, TimeProvider time) : IDownloadLinkIssuer
{
    readonly TimeSpan lifetime = DownloadLinks.Lifetime(options.Value);
    readonly SemaphoreSlim keyLock = new(1, 1);
    UserDelegationKey? delegationKey;

    /// <inheritdoc/>
    public async ValueTask<DownloadLink> CreateAsync(string caseId, string documentId, CancellationToken ct = default)
    {
        var blob = storage.Scans.GetBlobClient($"{caseId}/{documentId}");
        var now = time.GetUtcNow();
        var expires = now.Add(lifetime);
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expires)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = now.AddMinutes(-5),
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
            ContentDisposition = "attachment",
        };

        if (blob.CanGenerateSasUri)
        {
            return new(blob.GenerateSasUri(sas).ToString(), expires);
        }

        var key = await DelegationKeyAsync(now, ct);
        var uri = new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, storage.Blobs.AccountName) };
        return new(uri.ToUri().ToString(), expires);
    }

    async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset now, CancellationToken ct)
    {
        await keyLock.WaitAsync(ct);
        try
        {
            if (delegationKey is null || delegationKey.SignedExpiresOn - now < TimeSpan.FromHours(1))
            {
                delegationKey = (await storage.Blobs.GetUserDelegationKeyAsync(now.AddMinutes(-5), now.AddDays(1), ct)).Value;
            }

            return delegationKey;
        }
        finally
        {
            keyLock.Release();
        }
    }
}
