using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Pulang.Workflows.Storage;

/// <summary>
/// Pulang's Azure Storage resources (all private): blob containers <c>scans</c> (scans and analyses,
/// <c>{caseId}/{documentId}</c>), <c>cases</c> (case views, <c>{caseId}.json</c>), <c>releases</c> (<c>{caseId}.json</c>), <c>audit</c> (<c>{caseId}.log</c>, append blobs) and <c>incoming</c> (scans written straight to
/// storage, <c>{caseId}/{kind}/{fileName}</c>) and <c>manifests</c> (manifest files dropped by other systems); tables <c>PulangCases</c> (case index),
/// <c>PulangIntake</c> (one row per external reference), <c>PulangManifests</c> (manifest results) and <c>PulangBlobWatch</c> (blobs the self-host's watchers handled); queues <c>case-intake</c>, <c>case-intake-poison</c>
/// and <c>case-events</c>.
/// </summary>
public sealed class PulangStorage
{
    /// <summary>Blob container for scans and their analysis JSON.</summary>
    public const string ScansContainer = "scans";
    /// <summary>Blob container for case views (<c>{caseId}.json</c>: the whole state, for readers).</summary>
    public const string CasesContainer = "cases";
    /// <summary>Blob container for release records.</summary>
    public const string ReleasesContainer = "releases";
    /// <summary>Blob container for the audit trail: one append blob per case, <c>{caseId}.log</c>.</summary>
    public const string AuditContainer = "audit";
    /// <summary>Blob container scanners and other systems write scans to, as <c>{caseId}/{kind}/{fileName}</c>.</summary>
    public const string IncomingContainer = "incoming";
    /// <summary>Blob container other systems drop manifests in (CSV or JSON files; any name).</summary>
    public const string ManifestsContainer = "manifests";
    /// <summary>Queue other systems write intake messages to.</summary>
    public const string IntakeQueue = "case-intake";
    /// <summary>Where unreadable intake messages go, with the reason.</summary>
    public const string IntakePoisonQueue = "case-intake-poison";
    /// <summary>Default name of the outgoing events queue (<c>case.released</c>, <c>case.on-hold</c>, ...).</summary>
    public const string EventsQueue = "case-events";
    /// <summary>Prefix of the queue of scans waiting to be read (<see cref="ScanReadingQueueFor"/>).</summary>
    public const string ScanReadingQueuePrefix = "scan-reading-";
    /// <summary>The scan-reading queue of the default task hub <c>pulang</c> (the Functions app's queue trigger).</summary>
    public const string ScanReadingQueue = ScanReadingQueuePrefix + "pulang";
    /// <summary>Case index table.</summary>
    public const string CasesTable = "PulangCases";
    /// <summary>Intake idempotency table.</summary>
    public const string IntakeTable = "PulangIntake";
    /// <summary>Manifest headers and per-line results (<see cref="Manifests.ManifestStore"/>).</summary>
    public const string ManifestsTable = "PulangManifests";
    /// <summary>The self-host's blob watchers' record of blobs handled (<c>incoming</c>, <c>manifests</c>).</summary>
    public const string BlobWatchTable = "PulangBlobWatch";

    /// <summary>Creates the clients from a connection string (Azurite or a real account).</summary>
    public PulangStorage(string connectionString)
        : this(new BlobServiceClient(connectionString), new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }), new TableServiceClient(connectionString))
    {
    }

    /// <summary>
    /// Creates the clients for the three service endpoints with Entra ID (<paramref name="credential"/>: a managed identity,
    /// <c>DefaultAzureCredential</c>), for an account with shared-key access off.
    /// </summary>
    public PulangStorage(Uri blobServiceUri, Uri queueServiceUri, Uri tableServiceUri, TokenCredential credential)
        : this(new BlobServiceClient(blobServiceUri, credential),
            new QueueServiceClient(queueServiceUri, credential, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }),
            new TableServiceClient(tableServiceUri, credential))
    {
    }

    /// <summary>The account <paramref name="accountName"/> in Azure's public cloud (<c>https://{name}.{blob|queue|table}.core.windows.net</c>) with Entra ID.</summary>
    public static PulangStorage ForAccount(string accountName, TokenCredential credential) => new(
        new Uri($"https://{accountName}.blob.core.windows.net"), new Uri($"https://{accountName}.queue.core.windows.net"),
        new Uri($"https://{accountName}.table.core.windows.net"), credential);

    /// <summary>Creates the storage over existing service clients (e.g. with a managed identity).</summary>
    public PulangStorage(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables)
    {
        Blobs = blobs;
        Queues = queues;
        Tables = tables;
    }

    /// <summary>Blob service.</summary>
    public BlobServiceClient Blobs { get; }
    /// <summary>Queue service (Base64 message encoding, as the Functions queue trigger expects).</summary>
    public QueueServiceClient Queues { get; }
    /// <summary>Table service.</summary>
    public TableServiceClient Tables { get; }

    /// <summary>The <c>scans</c> container.</summary>
    public BlobContainerClient Scans => Blobs.GetBlobContainerClient(ScansContainer);
    /// <summary>The <c>cases</c> container (case views).</summary>
    public BlobContainerClient CaseViews => Blobs.GetBlobContainerClient(CasesContainer);
    /// <summary>The <c>releases</c> container.</summary>
    public BlobContainerClient Releases => Blobs.GetBlobContainerClient(ReleasesContainer);
    /// <summary>The <c>audit</c> container.</summary>
    public BlobContainerClient Audit => Blobs.GetBlobContainerClient(AuditContainer);
    /// <summary>The case index table.</summary>
    public TableClient Cases => Tables.GetTableClient(CasesTableName);
    /// <summary>The intake table.</summary>
    public TableClient Intake => Tables.GetTableClient(IntakeTable);
    /// <summary>The manifests table.</summary>
    public TableClient Manifests => Tables.GetTableClient(ManifestsTable);
    /// <summary>The outgoing events queue.</summary>
    public QueueClient Events => Queues.GetQueueClient(EventsQueueName);

    /// <summary>Name of the case index table (default <see cref="CasesTable"/>; another name isolates a test's index).</summary>
    public string CasesTableName { get; init; } = CasesTable;

    /// <summary>Name of the outgoing events queue (<see cref="PulangOptions.EventsQueue"/>, default <c>case-events</c>).</summary>
    public string EventsQueueName { get; init; } = EventsQueue;

    /// <summary>
    /// Name of the queue of scans waiting to be read (<see cref="Activities.ScanReadingQueue"/>; default <see cref="ScanReadingQueue"/>):
    /// one per task hub, as its messages raise events to that hub's scan orchestrations.
    /// </summary>
    public string ScanReadingQueueName { get; init; } = ScanReadingQueue;

    /// <summary>The scan-reading queue of task hub <paramref name="taskHub"/>: <c>scan-reading-{taskhub, lower case}</c> (at most 58 characters for a valid hub name).</summary>
    public static string ScanReadingQueueFor(string taskHub) => ScanReadingQueuePrefix + taskHub.ToLowerInvariant();

    /// <summary>The queue of scans waiting to be read.</summary>
    public QueueClient ScanReading => Queues.GetQueueClient(ScanReadingQueueName);

    /// <summary>Creates every container, table and queue that does not exist yet (idempotent; private access).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var c in new[] { ScansContainer, CasesContainer, ReleasesContainer, IncomingContainer, AuditContainer, ManifestsContainer })
        {
            await Blobs.GetBlobContainerClient(c).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        foreach (var t in new[] { CasesTableName, IntakeTable, ManifestsTable, BlobWatchTable })
        {
            await Tables.GetTableClient(t).CreateIfNotExistsAsync(cancellationToken);
        }

        foreach (var q in new[] { IntakeQueue, IntakePoisonQueue, EventsQueueName, ScanReadingQueueName })
        {
            await Queues.GetQueueClient(q).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }

    /// <summary>True for a storage error that means "already exists" (409) or a failed If-None-Match (412).</summary>
    public static bool IsAlreadyExists(RequestFailedException e) => e.Status is 409 or 412;
}
