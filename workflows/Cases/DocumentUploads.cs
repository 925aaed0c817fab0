using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Cases;

/// <summary>An upload that cannot be taken; <see cref="Status"/> is the HTTP status (400, 409, 413, 415, 422).</summary>
public sealed class UploadRejectedException(int status, string code, string message) : Exception(message)
{
    /// <summary>HTTP status to answer with.</summary>
    public int Status { get; } = status;
    /// <summary>Stable problem code, e.g. <c>upload.too-large</c>.</summary>
    public string Code { get; } = code;
}

/// <summary>A stored scan on its way to be read.</summary>
/// <param name="DocumentId">New document ID (<c>DOC-</c> + 12 Crockford base32 characters).</param>
/// <param name="BlobName">Blob name in <c>scans</c>: <c>{caseId}/{documentId}</c>.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
/// <param name="Length">Bytes stored.</param>
/// <param name="ContentType">Media type.</param>
/// <param name="ScanInstanceId">Instance ID of the scan orchestration reading it.</param>
public sealed record StoredScan(string DocumentId, string BlobName, string Sha256, long Length, string ContentType, string ScanInstanceId);

/// <summary>
/// Takes scans: streams the body into blob storage (<c>scans/{caseId}/{documentId}</c>), hashing it on the
/// way (SHA-256) and never overwriting a blob, then schedules the scan orchestration. Accepted media types:
/// <c>image/jpeg</c>, <c>image/png</c>, <c>image/tiff</c>, <c>application/pdf</c>; the first bytes must match
/// the declared type. Size limit: <see cref="PulangOptions.MaxUploadBytes"/>. The body is spooled to a temporary local file and
/// inspected whole (<see cref="ScanInspection"/>: corrupt or truncated data, page count, pixels per page) before anything is
/// stored. Every stored upload gets an audit entry.
/// </summary>
public sealed class DocumentUploads(PulangStorage storage, DurableTaskClient client, IOptions<PulangOptions> options, Audit.AuditLog audit)
{
    /// <summary>The media types Pulang reads.</summary>
    public static readonly IReadOnlyList<string> MediaTypes = ["image/jpeg", "image/png", "image/tiff", "application/pdf"];

    /// <summary>
    /// Stores <paramref name="body"/> as a new document of <paramref name="state"/>'s case and starts reading it.
    /// </summary>
    /// <exception cref="UploadRejectedException">
    /// 415 unsupported or lying media type; 413 larger than <see cref="PulangOptions.MaxUploadBytes"/>; 400 empty, corrupt or
    /// truncated; 422 more pages than <see cref="PulangOptions.MaxPagesPerDocument"/> or a page of more pixels than
    /// <see cref="PulangOptions.MaxImagePixels"/> (see <see cref="ScanInspection"/>). Nothing is stored.
    /// </exception>
    public Task<StoredScan> UploadAsync(CaseState state, DocumentKind kind, Stream body, string? contentType, long? declaredLength, Actor actor, CancellationToken ct) =>
        StoreAndScheduleAsync(state, kind, NewDocumentId(), body, contentType, declaredLength, actor, imported: false, ct);

    /// <summary>
    /// Takes a scan that a scanner or another system wrote straight into blob storage (the Functions app's
    /// <c>incoming</c> container): the same checks, the same <c>scans/{caseId}/{documentId}</c> blob and the same
    /// scan orchestration as <see cref="UploadAsync"/>. The document ID is derived from <paramref name="sourceKey"/>
    /// (e.g. the blob's URI and ETag), so the same blob seen twice, even at the same moment, is stored and analyzed once:
    /// a later call finds the scan and only schedules its orchestration if it never started; a concurrent call waits for
    /// the first to record the scan's hash (at most <see cref="ImportSettleTime"/>) and answers with the same scan.
    /// </summary>
    /// <param name="state">The case (not finished).</param>
    /// <param name="kind">Document kind.</param>
    /// <param name="sourceKey">What identifies this version of the source blob.</param>
    /// <param name="open">Opens the source bytes (called only when the scan is not stored yet).</param>
    /// <param name="contentType">Media type of the source (from its properties or its file extension).</param>
    /// <param name="declaredLength">Source length in bytes.</param>
    /// <param name="actor">Who the scan is recorded as uploaded by (e.g. <c>system:blob-import</c>).</param>
    /// <param name="ct">Cancels the import.</param>
    /// <exception cref="UploadRejectedException">As for <see cref="UploadAsync"/>; nothing is stored.</exception>
    public async Task<StoredScan> ImportAsync(CaseState state, DocumentKind kind, string sourceKey, Func<CancellationToken, Task<Stream>> open, string? contentType, long? declaredLength, Actor actor, CancellationToken ct)
    {
        var documentId = DocumentIdFor(state.CaseId, sourceKey);
        var blobName = $"{state.CaseId}/{documentId}";
        var blob = storage.Scans.GetBlobClient(blobName);
        var instanceId = ScanOrchestration.InstanceId(documentId);
        while (true)
        {
            BlobProperties? existing = null;
            try
            {
                existing = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }

            if (existing is not null && existing.Metadata.TryGetValue("sha256", out var sha))
            {
                // Stored before: write its upload entry if a crash came before it (written once, by entry ID), and
                // schedule the reading only if it never started (a crash between the steps).
                var request = new ScanRequest(state.CaseId, documentId, kind, blobName, existing.ContentType, sha, existing.ContentLength, actor.Id, state.Intake.Subject);
                await AuditUploadAsync(state.CaseId, documentId, actor);
                await ScheduleOnceAsync(request, instanceId, ct);
                return new StoredScan(documentId, blobName, sha, existing.ContentLength, existing.ContentType, instanceId);
            }

            if (existing is not null)
            {
                // Stored without its hash yet: another import of the same blob is between writing the bytes and
                // recording their hash, so wait for it; one left like that for longer is the remains of an
                // interrupted import: replace it.
                if (DateTimeOffset.UtcNow - existing.LastModified < ImportSettleTime)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                    continue;
                }

                await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = existing.ETag }, cancellationToken: ct);
            }

            try
            {
                await using var body = await open(ct);
                return await StoreAndScheduleAsync(state, kind, documentId, body, contentType, declaredLength, actor, imported: true, ct);
            }
            catch (RequestFailedException e) when (PulangStorage.IsAlreadyExists(e) || e.Status == 412)
            {
                // A concurrent import of the same blob stored it first: take its result.
            }
        }
    }

    /// <summary>How long an imported scan may stay stored without its hash before it counts as the remains of an interrupted import.</summary>
    public static readonly TimeSpan ImportSettleTime = TimeSpan.FromSeconds(30);

    /// <summary>The document ID an imported blob gets: <c>DOC-</c> + 12 Crockford base32 characters of SHA-256(case ID, source key).</summary>
    public static string DocumentIdFor(string caseId, string sourceKey) => Identifiers.Derived("DOC-", $"{caseId}\n{sourceKey}", 12);

    static string NewDocumentId() => Identifiers.Random("DOC-", 12);

    /// <summary>
    /// Reads a re-classified document's scan again as the kind the case recorded (<see cref="DocumentRejection.ReclassifiedAs"/>,
    /// <see cref="DocumentRejection.ReclassifiedKind"/>): a scan orchestration for the new document over the same stored blob, recorded
    /// as uploaded by the original uploader (a verifier still cannot verify their own upload). Does nothing for a document that was not
    /// re-classified; schedules at most once (instance ID <c>scan:{newDocumentId}</c>), so a repeated request is harmless.
    /// </summary>
    public async Task ReadAgainAsync(CaseState state, string documentId, CancellationToken ct)
    {
        if (state.Documents.FirstOrDefault(d => d.DocumentId == documentId) is not { Rejection: { ReclassifiedAs: { } newId, ReclassifiedKind: { } kind } } doc
            || state.Documents.Any(d => d.DocumentId == newId))
        {
            return;
        }

        var request = new ScanRequest(state.CaseId, newId, kind, doc.BlobName, doc.ContentType, doc.Sha256, doc.Length, doc.UploadedBy, state.Intake.Subject);
        await ScheduleOnceAsync(request, ScanOrchestration.InstanceId(newId), ct);
    }

    async Task ScheduleOnceAsync(ScanRequest request, string instanceId, CancellationToken ct)
    {
        if (await client.GetInstanceAsync(instanceId, ct) is null)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ScanOrchestration), request with { TraceParent = Telemetry.CommandTrace.Current }, WorkflowVersion.Start(instanceId), ct);
        }
    }

    /// <summary>
    /// How scans go to blob storage: in 4 MiB blocks, one at a time. The SDK's default sends a body of unknown length
    /// under 256 MiB as one request, buffering all of it in memory first (measured by bench/ before this setting: +416 MiB resident for 20
    /// uploads of 20 MB at once); blocks keep each upload to a few MiB whatever the scan's size.
    /// </summary>
    public static readonly StorageTransferOptions UploadTransfer = new()
    {
        InitialTransferSize = 4 * 1024 * 1024,
        MaximumTransferSize = 4 * 1024 * 1024,
        MaximumConcurrency = 1,
    };

    async Task<StoredScan> StoreAndScheduleAsync(CaseState state, DocumentKind kind, string documentId, Stream body, string? contentType, long? declaredLength, Actor actor, bool imported, CancellationToken ct)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is null || !MediaTypes.Contains(mediaType))
        {
            throw new UploadRejectedException(415, "upload.media-type", $"Content-Type '{contentType}' is not accepted; send one of {string.Join(", ", MediaTypes)}.");
        }

        var max = options.Value.MaxUploadBytes;
        if (declaredLength > max)
        {
            throw new UploadRejectedException(413, "upload.too-large", $"The scan is {declaredLength} bytes; the limit is {max} bytes.");
        }

        var head = new byte[8];
        var headLength = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (headLength == 0)
        {
            throw new UploadRejectedException(400, "upload.empty", "The request body is empty; send the scan's bytes.");
        }

        if (!LooksLike(mediaType, head.AsSpan(0, headLength)))
        {
            throw new UploadRejectedException(415, "upload.content-mismatch", $"The bytes are not {mediaType}; the Content-Type must say what the file is.");
        }

        // Spool to a local file first (hashing and counting on the way, refusing past the limit), inspect the whole
        // file, and only then store it: a refused scan never reaches storage.
        using var hashing = new HashingStream(head.AsMemory(0, headLength), body, max);
        await using var spool = new FileStream(Path.Combine(Path.GetTempPath(), "pulang-upload-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await hashing.CopyToAsync(spool, ct);
        }
        catch (Exception e) when (Rejection(e) is { } rejected)
        {
            throw rejected;
        }

        await spool.FlushAsync(ct);
        ScanInspection.Inspect(spool.Name, mediaType, options.Value.MaxImagePixels, options.Value.MaxPagesPerDocument);
        spool.Position = 0;

        var blobName = $"{state.CaseId}/{documentId}";
        var blob = storage.Scans.GetBlobClient(blobName);
        await blob.UploadAsync(spool, new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = mediaType },
            Metadata = new Dictionary<string, string> { ["caseId"] = state.CaseId, ["kind"] = kind.ToRoute(), ["uploadedBy"] = Uri.EscapeDataString(actor.Id) },
            TransferOptions = UploadTransfer,
        }, ct);

        var sha256 = hashing.HashHex();
        await blob.SetMetadataAsync(new Dictionary<string, string>
        {
            ["caseId"] = state.CaseId,
            ["kind"] = kind.ToRoute(),
            ["uploadedBy"] = Uri.EscapeDataString(actor.Id),
            ["sha256"] = sha256,
        }, cancellationToken: ct);

        // The upload's entry before its scan is scheduled (the entry ID is deterministic, so a retried import writes
        // it once): a crash in between leaves a stored scan with its entry, never a scanned document without one.
        await AuditUploadAsync(state.CaseId, documentId, actor);

        var request = new ScanRequest(state.CaseId, documentId, kind, blobName, mediaType, sha256, hashing.Count, actor.Id, state.Intake.Subject);
        var instanceId = ScanOrchestration.InstanceId(documentId);
        if (imported)
        {
            await ScheduleOnceAsync(request, instanceId, ct);
        }
        else
        {
            // A fresh random document ID: its instance cannot exist yet.
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ScanOrchestration), request with { TraceParent = Telemetry.CommandTrace.Current }, WorkflowVersion.Start(instanceId), ct);
        }

        return new StoredScan(documentId, blobName, sha256, hashing.Count, mediaType, instanceId);
    }

    /// <summary>The upload's audit entry, <c>{caseId}:upload:{documentId}</c> (appended once whatever the number of calls).</summary>
    Task<long> AuditUploadAsync(string caseId, string documentId, Actor actor) =>
        audit.AppendAsync(caseId, audit.Record($"{caseId}:upload:{documentId}", actor, "upload", AuditRecord.Accepted, target: documentId), CancellationToken.None);

    static UploadRejectedException? Rejection(Exception? e) => e switch
    {
        null => null,
        UploadRejectedException r => r,
        // The web server's own body limit (set just above MaxUploadBytes by the upload endpoint; it counts bytes it
        // buffered ahead of the reader).
        Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: 413 } => new UploadRejectedException(413, "upload.too-large", "The scan is larger than the upload limit."),
        AggregateException a => a.InnerExceptions.Select(Rejection).FirstOrDefault(r => r is not null),
        _ => Rejection(e.InnerException),
    };

    /// <summary>True when <paramref name="head"/> starts with the signature of <paramref name="mediaType"/>.</summary>
    public static bool LooksLike(string mediaType, ReadOnlySpan<byte> head) => mediaType switch
    {
        "image/jpeg" => head.StartsWith((byte[])[0xFF, 0xD8, 0xFF]),
        "image/png" => head.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/tiff" => head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8),
        "application/pdf" => head.StartsWith("%PDF-"u8),
        _ => false,
    };

    /// <summary>Replays the already-read head, then the body; hashes and counts everything; refuses to pass the limit.</summary>
    sealed class HashingStream(ReadOnlyMemory<byte> head, Stream body, long max) : Stream
    {
        readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlyMemory<byte> head = head;

        public long Count { get; private set; }

        public string HashHex() => Convert.ToHexStringLower(hash.GetHashAndReset());

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n;
            if (!head.IsEmpty)
            {
                n = Math.Min(head.Length, buffer.Length);
                head[..n].CopyTo(buffer);
                head = head[n..];
            }
            else
            {
                // Never read more than one byte past the limit: the server's own body limit sits just above it.
                n = await body.ReadAsync(buffer[..(int)Math.Min(buffer.Length, max + 1 - Count)], cancellationToken);
            }

            Count += n;
            if (Count > max)
            {
                throw new UploadRejectedException(413, "upload.too-large", $"The scan is larger than the limit of {max} bytes.");
            }

            hash.AppendData(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
