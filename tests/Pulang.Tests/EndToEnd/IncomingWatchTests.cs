using Azure.Storage.Blobs;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Scans that a storage client writes straight to <c>incoming/{caseId}/{kind}/{name}</c> reach the case in the self-host (its
/// blob watcher), each exactly once across a SIGKILL and restart, including one written while the self-host was down, and
/// with two replicas watching at once.
/// </summary>
[Collection(BlobWatchCollection.Name)]
public sealed class IncomingWatchTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scan_written_to_incoming_by_a_storage_client_is_read_once_across_a_self_host_restart()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("incoming"), new Dictionary<string, string>
        {
            ["Pulang__WatchBlobs"] = "true",
            ["Pulang__BlobWatchInterval"] = "00:00:01",
            ["Pulang__Ocr__Engine"] = "embedded-text",
        });
        await host.StartAsync();
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        var caseId = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"INCOMING-{Guid.NewGuid():N}"), ct: Ct))
            .EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await host.Client.WaitForAsync(caseId, reader, s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);

        var incoming = new BlobContainerClient(storage.ConnectionString, PulangStorage.IncomingContainer);
        await incoming.CreateIfNotExistsAsync(cancellationToken: Ct);
        var scan = await File.ReadAllBytesAsync(Path.Combine(TestPaths.RepositoryRoot, "tests", "Pulang.Tests", "BadInput", "files", "valid.jpg"), Ct);
        await incoming.GetBlobClient($"{caseId}/passport/scanner-01.jpg").UploadAsync(BinaryData.FromBytes(scan), Ct);
        var first = await host.Client.WaitForAsync(caseId, reader, s => s.Documents.Any(d => d.Kind == DocumentKind.Passport), TimeSpan.FromSeconds(90), Ct);
        var passport = Assert.Single(first.Documents);

        // Killed (no shutdown code runs); a second scan arrives while it is down; then the same task hub starts again.
        await host.KillAsync();
        var ktp = await File.ReadAllBytesAsync(Path.Combine(TestPaths.RepositoryRoot, "tests", "Pulang.Tests", "BadInput", "files", "valid.png"), Ct);
        await incoming.GetBlobClient($"{caseId}/ktp/scanner-01.png").UploadAsync(BinaryData.FromBytes(ktp), Ct);
        await host.StartAsync();
        var after = await host.Client.WaitForAsync(caseId, reader, s => s.Documents.Any(d => d.Kind == DocumentKind.Ktp), TimeSpan.FromSeconds(120), Ct);

        // Several listings later, still one document per blob: the passport was not read again after the restart.
        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        var final = (await host.Client.GetAsync($"/api/cases/{caseId}", reader, Ct)).EnsureSuccess().Case;
        Assert.Equal(2, final.Documents.Count);
        Assert.Equal(passport.DocumentId, Assert.Single(final.Documents, d => d.Kind == DocumentKind.Passport).DocumentId);
        Assert.Single(final.Documents, d => d.Kind == DocumentKind.Ktp);
        var stored = new List<string>();
        await foreach (var b in new BlobContainerClient(storage.ConnectionString, PulangStorage.ScansContainer).GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{caseId}/" }, Ct))
        {
            if (!b.Name.EndsWith(".analysis.json", StringComparison.Ordinal)) stored.Add(b.Name);
        }

        Assert.Equal(2, stored.Count);
    }

    /// <summary>
    /// Two replicas on one task hub both watch <c>incoming</c> (as every replica of a deployment does) and may list the same new
    /// blobs at the same moment: each blob still becomes one document of its case, stored once.
    /// </summary>
    [Fact]
    public async Task Two_replicas_watching_incoming_make_one_document_of_each_scan()
    {
        var hub = TestStorage.NewTaskHub("incoming2");
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var hosts = new[] { "a", "b" }.Select(r => new SelfHostProcess(storage.ConnectionString, hub, new Dictionary<string, string>
        {
            ["Pulang__WatchBlobs"] = "true",
            ["Pulang__BlobWatchInterval"] = "00:00:01",
            ["Pulang__Ocr__Engine"] = "embedded-text",
            ["Pulang__DataDirectory"] = Path.Combine(Path.GetTempPath(), $"pulang-test-{hub}-{r}"),
            ["Pulang__Engine__WorkerId"] = $"test-{hub}-{r}",
        }, key)).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            var reader = hosts[0].Tokens.MintDemo("bp3mi-reader");
            var caseIds = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var id = (await hosts[i % 2].Client.JsonAsync(HttpMethod.Post, "/api/cases", hosts[0].Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"INCOMING2-{Guid.NewGuid():N}"), ct: Ct))
                    .EnsureSuccess().Json.GetProperty("caseId").GetString()!;
                await hosts[0].Client.WaitForAsync(id, reader, s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(90), Ct);
                caseIds.Add(id);
            }

            // All six blobs at once, so both watchers find them in the same listing.
            var incoming = new BlobContainerClient(storage.ConnectionString, PulangStorage.IncomingContainer);
            await incoming.CreateIfNotExistsAsync(cancellationToken: Ct);
            var jpg = await File.ReadAllBytesAsync(Path.Combine(TestPaths.RepositoryRoot, "tests", "Pulang.Tests", "BadInput", "files", "valid.jpg"), Ct);
            var png = await File.ReadAllBytesAsync(Path.Combine(TestPaths.RepositoryRoot, "tests", "Pulang.Tests", "BadInput", "files", "valid.png"), Ct);
            await Task.WhenAll(caseIds.SelectMany(id => new[]
            {
                incoming.GetBlobClient($"{id}/passport/scanner-02.jpg").UploadAsync(BinaryData.FromBytes(jpg), Ct),
                incoming.GetBlobClient($"{id}/ktp/scanner-02.png").UploadAsync(BinaryData.FromBytes(png), Ct),
            }));
            foreach (var id in caseIds)
            {
                await hosts[1].Client.WaitForAsync(id, reader, s => s.Documents.Count >= 2, TimeSpan.FromSeconds(180), Ct);
            }

            // Several listings later, still one document and one stored scan per blob in every case.
            await Task.Delay(TimeSpan.FromSeconds(5), Ct);
            foreach (var id in caseIds)
            {
                var final = (await hosts[0].Client.GetAsync($"/api/cases/{id}", reader, Ct)).EnsureSuccess().Case;
                Assert.Single(final.Documents, d => d.Kind == DocumentKind.Passport);
                Assert.Single(final.Documents, d => d.Kind == DocumentKind.Ktp);
                Assert.Equal(2, final.Documents.Count);
                var stored = new List<string>();
                await foreach (var b in new BlobContainerClient(storage.ConnectionString, PulangStorage.ScansContainer).GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{id}/" }, Ct))
                {
                    if (!b.Name.EndsWith(".analysis.json", StringComparison.Ordinal)) stored.Add(b.Name);
                }

                Assert.Equal(2, stored.Count);
            }
        }
        finally
        {
            foreach (var h in hosts)
            {
                await h.DisposeAsync();
            }
        }
    }
}
