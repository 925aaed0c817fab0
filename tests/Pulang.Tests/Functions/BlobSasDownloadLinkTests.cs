using System.Net;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pulang.Functions.Hosting;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Http;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Functions;

/// <summary>
/// The Function App's download links: a SAS on one scan blob, read-only, expiring, checked by the storage service
/// itself (Azurite here, with its account key; in Azure the same builder signs with a user delegation key).
/// </summary>
public sealed class BlobSasDownloadLinkTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The clock moved by <paramref name="offset"/>.</summary>
    sealed class ShiftedTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }

    [Fact]
    public async Task Function_app_issues_blob_sas_links_that_read_one_scan_only_and_expire()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["Pulang:DownloadLinkLifetime"] = "00:02:00",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(config);
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddPulangFunctions(config);
        await using var services = collection.BuildServiceProvider();
        var issuer = services.GetRequiredService<IDownloadLinkIssuer>();
        Assert.IsType<BlobSasDownloadLinks>(issuer);

        var pulang = services.GetRequiredService<PulangStorage>();
        await pulang.EnsureCreatedAsync(Ct);
        var caseId = "PLG-SAS" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        byte[] scan = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4], other = [0x25, 0x50, 0x44, 0x46, 9, 9];
        await pulang.Scans.GetBlobClient($"{caseId}/DOC-1").UploadAsync(BinaryData.FromBytes(scan), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/jpeg" } }, Ct);
        await pulang.Scans.GetBlobClient($"{caseId}/DOC-2").UploadAsync(BinaryData.FromBytes(other), Ct);

        var before = DateTimeOffset.UtcNow;
        var link = await issuer.CreateAsync(caseId, "DOC-1", Ct);
        Assert.InRange(link.ExpiresAt, before.AddMinutes(2).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(2).AddSeconds(1));
        Assert.Contains("sp=r", link.Url);

        using var http = new HttpClient();
        using (var ok = await http.GetAsync(link.Url, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(scan, await ok.Content.ReadAsByteArrayAsync(Ct));
            Assert.Equal("attachment", ok.Content.Headers.ContentDisposition?.DispositionType);
        }

        // Scoped to one blob: the same signature on the other scan is refused.
        using (var otherBlob = await http.GetAsync(link.Url.Replace("/DOC-1?", "/DOC-2?"), Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, otherBlob.StatusCode);
        }

        // Read-only: overwriting and deleting through the link are refused, and the scan is unchanged.
        using var put = new HttpRequestMessage(HttpMethod.Put, link.Url) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using (var overwrite = await http.SendAsync(put, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, overwrite.StatusCode);
        }

        using (var delete = await http.DeleteAsync(link.Url, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        }

        Assert.Equal(scan, (await pulang.Scans.GetBlobClient($"{caseId}/DOC-1").DownloadContentAsync(Ct)).Value.Content.ToArray());

        // Expired: a link issued ten minutes ago (two-minute lifetime) no longer reads.
        var old = new BlobSasDownloadLinks(pulang, services.GetRequiredService<IOptions<PulangOptions>>(), new ShiftedTime(TimeSpan.FromMinutes(-10)));
        var expired = await old.CreateAsync(caseId, "DOC-1", Ct);
        Assert.True(expired.ExpiresAt < DateTimeOffset.UtcNow);
        using (var late = await http.GetAsync(expired.Url, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        }
    }
}
