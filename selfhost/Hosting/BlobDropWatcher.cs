using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Manifests;
using Pulang.Workflows.Storage;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// The self-host's watcher of a container that other systems write to (the Function App gets Event Grid blob triggers
/// instead): <c>incoming</c> (scans, <c>{caseId}/{kind}/{name}</c>, through <see cref="IncomingScans"/>) and <c>manifests</c>
/// (through <see cref="ManifestBlobs"/>). Azurite has no change feed and no Event Grid, so it lists the container every
/// <c>Pulang:BlobWatchInterval</c> (default 5 s) and handles each blob version it has no record of.
/// <para><b>The record, and why it is correct across a kill and restart.</b> A blob version is (name, ETag). After a version is
/// handled (taken, or rejected for good: unknown case, bad file), a row is written to the <c>PulangBlobWatch</c> table,
/// partition = container, row key = SHA-256 of name and ETag. At start the watcher loads the container's rows; versions with a
/// row are never handled again, in this process or after a restart. The row is written after the handling, so a kill in
/// between leaves a version without a row, and it is handled once more after the restart: that second time reads nothing and
/// repeats nothing, because both handlers are idempotent by content: an imported scan's document ID is derived from the blob's
/// URI and ETag and its bytes are read only when no scan of that ID is stored yet (<see cref="DocumentUploads.ImportAsync"/>),
/// and a manifest's ID is the hash of its bytes (<see cref="ManifestFile.IdOf"/>), started once. So each version is stored and
/// analysed, or started, exactly once; at most one read is repeated, of a version whose first read never finished. A version
/// written while the self-host is down is found by the first listing after the start. Storage errors leave the version
/// without a row (tried again at the next listing). Two replicas watching one container may both handle a new version at
/// the same moment; the same idempotence makes that harmless. Rows of blobs that are gone (the lifecycle policy deletes
/// <c>incoming</c> blobs after 30 days) are deleted after a complete listing.</para>
/// </summary>
public sealed class BlobDropWatcher : BackgroundService
{
    readonly string container;
    readonly PulangStorage storage;
    readonly IServiceScopeFactory scopes;
    readonly ILogger logger;
    readonly TimeSpan interval;
    readonly Func<IServiceProvider, BlobClient, CancellationToken, Task<string>> handle;

    /// <summary>A watcher of <paramref name="container"/> that hands each new blob version to <paramref name="handle"/> (in a new service scope).</summary>
    /// <param name="container">The container to list.</param>
    /// <param name="handle">Handles one blob and says what happened (for the log); throws on storage errors (tried again later).</param>
    /// <param name="storage">Pulang's storage.</param>
    /// <param name="scopes">For the scoped handlers.</param>
    /// <param name="configuration"><c>Pulang:BlobWatchInterval</c>.</param>
    /// <param name="loggerFactory">Logs.</param>
    public BlobDropWatcher(string container, Func<IServiceProvider, BlobClient, CancellationToken, Task<string>> handle, PulangStorage storage, IServiceScopeFactory scopes, IConfiguration configuration, ILoggerFactory loggerFactory)
    {
        this.container = container;
        this.handle = handle;
        this.storage = storage;
        this.scopes = scopes;
        logger = loggerFactory.CreateLogger($"{typeof(BlobDropWatcher).FullName}.{container}");
        interval = configuration.GetValue("Pulang:BlobWatchInterval", TimeSpan.FromSeconds(5));
    }

    /// <summary>The watcher of <c>incoming</c>: <c>{caseId}/{kind}/{name}</c> through <see cref="IncomingScans.HandleAsync"/>; other names are rejected.</summary>
    public static BlobDropWatcher Incoming(IServiceProvider sp) => Create(sp, PulangStorage.IncomingContainer, async (services, blob, ct) =>
    {
        if (blob.Name.Split('/') is not [var caseId, var kind, _])
        {
            return "not taken: the name is not {caseId}/{kind}/{fileName}";
        }

        var outcome = await services.GetRequiredService<IncomingScans>().HandleAsync(blob, caseId, kind, ct);
        return outcome.Scan is { } scan ? $"case {caseId}: stored as {scan.DocumentId}, reading scheduled ({scan.ScanInstanceId})" : $"case {caseId}: not taken: {outcome.Rejection}";
    });

    /// <summary>The watcher of <c>manifests</c>, through <see cref="ManifestBlobs.HandleAsync"/>.</summary>
    public static BlobDropWatcher Manifests(IServiceProvider sp) => Create(sp, PulangStorage.ManifestsContainer,
        (services, blob, ct) => services.GetRequiredService<ManifestBlobs>().HandleAsync(blob, ct));

    static BlobDropWatcher Create(IServiceProvider sp, string container, Func<IServiceProvider, BlobClient, CancellationToken, Task<string>> handle) =>
        new(container, handle, sp.GetRequiredService<PulangStorage>(), sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<ILoggerFactory>());

    /// <summary>The row key of a blob version: lower-case hex SHA-256 of its name and ETag.</summary>
    public static string VersionKey(string name, ETag etag) => Identifiers.Sha256Hex($"{name}\n{etag}");

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var table = storage.Tables.GetTableClient(PulangStorage.BlobWatchTable);
        var blobs = storage.Blobs.GetBlobContainerClient(container);
        HashSet<string>? handled = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (handled is null)
                {
                    handled = [];
                    await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == container, select: ["RowKey"], cancellationToken: stoppingToken))
                    {
                        handled.Add(row.RowKey);
                    }
                }

                var seen = new HashSet<string>();
                await foreach (var item in blobs.GetBlobsAsync(new GetBlobsOptions(), stoppingToken))
                {
                    var key = VersionKey(item.Name, item.Properties.ETag ?? default);
                    seen.Add(key);
                    if (handled.Contains(key))
                    {
                        continue;
                    }

                    string outcome;
                    await using (var scope = scopes.CreateAsyncScope())
                    {
                        outcome = await handle(scope.ServiceProvider, blobs.GetBlobClient(item.Name), stoppingToken);
                    }

                    await table.UpsertEntityAsync(new TableEntity(container, key) { ["Outcome"] = LogSafe.Mask(outcome) }, TableUpdateMode.Replace, stoppingToken);
                    handled.Add(key);
                    logger.LogInformation("{Container} blob {Name}: {Outcome}", container, LogSafe.Mask(item.Name), LogSafe.Mask(outcome));
                }

                foreach (var gone in handled.Except(seen).ToList())
                {
                    await table.DeleteEntityAsync(container, gone, cancellationToken: stoppingToken);
                    handled.Remove(gone);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Watching the {Container} container failed (tried again in {Interval}): {Error}", container, interval, LogSafe.Mask(e.Message));
            }

            await Task.Delay(interval, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }
}
