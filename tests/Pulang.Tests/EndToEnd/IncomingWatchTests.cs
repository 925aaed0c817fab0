using Azure.Storage.Blobs;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Scans that a storage client writes straight to <c>incoming/{caseId}/{kind}/{name}</c> reach the case in the self-host (its
/// blob watcher), each exactly once across a SIGKILL and restart, including one written while the self-host was down.
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
}
