using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Events;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Activities;

/// <summary>Names under which both hosts register the activities.</summary>
public static class ActivityNames
{
    /// <summary><see cref="IndexCaseActivity"/>.</summary>
    public const string IndexCase = "IndexCase";
    /// <summary><see cref="PublishCaseEventActivity"/>.</summary>
    public const string PublishCaseEvent = "PublishCaseEvent";
    /// <summary><see cref="WriteReleaseRecordActivity"/>.</summary>
    public const string WriteReleaseRecord = "WriteReleaseRecord";
    /// <summary><see cref="AppendAuditActivity"/>.</summary>
    public const string AppendAudit = "AppendAudit";
    /// <summary><see cref="AnalyzeDocumentActivity"/>.</summary>
    public const string AnalyzeDocument = "AnalyzeDocument";
    /// <summary><see cref="SaveCaseViewActivity"/>.</summary>
    public const string SaveCaseView = "SaveCaseView";
    /// <summary><see cref="CommitDecisionActivity"/>.</summary>
    public const string CommitDecision = "CommitDecision";
}

/// <summary>Input of <see cref="CommitDecisionActivity"/>.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Effects">The decision's effects, in the order they must happen (audit entries first).</param>
/// <param name="View">The new state to save as the case view, or null when the decision changed nothing.</param>
/// <param name="Trace">The decided command's name and trace context, for the commit's span (null for the case's opening).</param>
public sealed record CommitDecision(string CaseId, IReadOnlyList<Effect> Effects, CaseState? View, Telemetry.TracedCommand? Trace = null);

/// <summary>
/// Carries out one decision of the case orchestration: each effect in order (<see cref="AppendAuditActivity"/>,
/// <see cref="IndexCaseActivity"/>, <see cref="WriteReleaseRecordActivity"/>, <see cref="PublishCaseEventActivity"/>),
/// then the case view (<see cref="SaveCaseViewActivity"/>). Each step is idempotent, so a retried or re-run commit
/// (activities run at least once) repeats nothing: audit entries and the release record are written once, the view
/// is the same version again, and a repeated event carries the same ID. Returns the number of effects carried out.
/// The audit entries come first, so the release record and the <c>case.released</c> event get the head of the log
/// after them (<see cref="AuditHead"/>: the <c>release</c> entry's sequence number and hash; <c>data.auditSequence</c>
/// and <c>data.auditHead</c> in the event). A re-run finds the same entry (deterministic entry ID) and so the same head.
/// </summary>
public sealed class CommitDecisionActivity(PulangStorage storage, CaseIndex index, AuditLog audit, CaseEventPublisher events) : TaskActivity<CommitDecision, int>
{
    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskActivityContext context, CommitDecision input)
    {
        using var span = Telemetry.CommandTrace.StartCommit(input.CaseId, input.Trace);
        AuditHead? head = null;
        foreach (var effect in input.Effects)
        {
            _ = effect switch
            {
                AppendAudit e => (head = await audit.AppendHeadAsync(e.CaseId, e.Record, CancellationToken.None)).Sequence,
                // With a view, the view's guarded index write records the stage (an older state never overwrites a newer one).
                IndexCase e when input.View is not null => 0,
                IndexCase e => await new IndexCaseActivity(index).RunAsync(context, e) ? 1 : 0,
                WriteReleaseRecord e => (await new WriteReleaseRecordActivity(storage).RunAsync(context, e.Record with { AuditHead = e.Record.AuditHead ?? head })).Length,
                PublishCaseEvent e => await new PublishCaseEventActivity(events).RunAsync(context, WithAuditHead(e, head)) ? 1 : 0,
                _ => throw new InvalidOperationException($"No step for effect {effect.GetType().Name}."),
            };
        }

        if (input.View is { } view)
        {
            await new SaveCaseViewActivity(storage, index).RunAsync(context, view);
        }

        return input.Effects.Count;
    }

    /// <summary>A <c>case.released</c> event with the audit head added to its data (<c>auditSequence</c>, <c>auditHead</c>); other events as they are.</summary>
    static PublishCaseEvent WithAuditHead(PublishCaseEvent e, AuditHead? head) =>
        e.EventType == "case.released" && head is not null
            ? e with { Data = new Dictionary<string, string>(e.Data) { ["auditSequence"] = head.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), ["auditHead"] = head.Hash } }
            : e;
}

/// <summary>
/// Writes the case view blob <c>cases/{caseId}.json</c>: the whole <see cref="CaseState"/>, which readers
/// (<c>GET /api/cases/{id}</c>) load instead of the orchestration's custom status, with its version in the blob's
/// metadata (<c>version</c>); then records the stage and whom the case waits for in the case index
/// (<see cref="CaseIndex.SetStateAsync"/>, the inbox). Activities run at least once, and a repeated run can come late:
/// its work-item message reappears (after a crash, or when deleting it failed) once the case has moved on. So the
/// view only moves forward: it is written only over an older version, conditionally on the blob's ETag (or on its
/// absence), read again on a conflict. Returns the version the view holds afterwards.
/// </summary>
public sealed class SaveCaseViewActivity(PulangStorage storage, CaseIndex index) : TaskActivity<CaseState, int>
{
    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskActivityContext context, CaseState input)
    {
        var blob = storage.CaseViews.GetBlobClient($"{input.CaseId}.json");
        var held = await WriteIfNewerAsync(blob, input);
        await index.SetStateAsync(input, CancellationToken.None);
        return held;
    }

    static async Task<int> WriteIfNewerAsync(BlobClient blob, CaseState input)
    {
        var content = BinaryData.FromObjectAsJson(input, PulangJson.Options);
        while (true)
        {
            BlobRequestConditions conditions;
            try
            {
                var properties = (await blob.GetPropertiesAsync()).Value;
                if (properties.Metadata.TryGetValue("version", out var text) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var stored) && stored >= input.Version)
                {
                    return stored;
                }

                conditions = new BlobRequestConditions { IfMatch = properties.ETag };
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            try
            {
                await blob.UploadAsync(content, new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Metadata = new Dictionary<string, string> { ["version"] = input.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    Conditions = conditions,
                });
                return input.Version;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Written in between: look again.
            }
        }
    }
}

/// <summary>Sets the case's stage in the case index table. Idempotent (merge).</summary>
public sealed class IndexCaseActivity(CaseIndex index) : TaskActivity<IndexCase, bool>
{
    /// <inheritdoc/>
    public override async Task<bool> RunAsync(TaskActivityContext context, IndexCase input)
    {
        await index.SetStageAsync(input.CaseId, input.Stage, DateTimeOffset.UtcNow, CancellationToken.None);
        return true;
    }
}

/// <summary>
/// Publishes one of the decider's events as a CloudEvent (<see cref="CaseEventPublisher"/>: the <c>case-events</c> queue,
/// Event Grid when configured, webhook subscriptions). Activities run at least once, so a consumer can see the same
/// <c>id</c> twice; the ID is stable for the same fact.
/// </summary>
public sealed class PublishCaseEventActivity(CaseEventPublisher events) : TaskActivity<PublishCaseEvent, bool>
{
    /// <inheritdoc/>
    public override async Task<bool> RunAsync(TaskActivityContext context, PublishCaseEvent input)
    {
        await events.PublishAsync(input, CancellationToken.None);
        return true;
    }
}

/// <summary>
/// Appends one entry to the case's audit trail. Idempotent: <see cref="AuditLog.AppendAsync"/> writes an entry ID
/// once, so a retried or re-run activity does not duplicate it. Returns the entry's sequence number.
/// </summary>
public sealed class AppendAuditActivity(AuditLog audit) : TaskActivity<AppendAudit, long>
{
    /// <inheritdoc/>
    public override Task<long> RunAsync(TaskActivityContext context, AppendAudit input) =>
        audit.AppendAsync(input.CaseId, input.Record, CancellationToken.None);
}

/// <summary>
/// Writes the release record to <c>releases/{caseId}.json</c> once: an existing record is never overwritten
/// (a retried activity finds it and succeeds). Returns the blob name.
/// </summary>
public sealed class WriteReleaseRecordActivity(PulangStorage storage) : TaskActivity<ReleaseRecord, string>
{
    /// <inheritdoc/>
    public override async Task<string> RunAsync(TaskActivityContext context, ReleaseRecord input)
    {
        var name = $"{input.CaseId}.json";
        var blob = storage.Releases.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.FromObjectAsJson(input, PulangJson.Options), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            });
        }
        catch (RequestFailedException e) when (PulangStorage.IsAlreadyExists(e))
        {
        }

        return $"{PulangStorage.ReleasesContainer}/{name}";
    }
}

/// <summary>
/// Reads one scan: downloads it from <c>scans</c>, runs the configured <see cref="IOcrEngine"/>, extracts and
/// checks the fields with <see cref="DocumentReader"/>, stores the analysis JSON beside the scan
/// (<c>{caseId}/{documentId}.analysis.json</c>) and returns the small <see cref="ScanResult"/>.
/// A scan the engine calls permanently unreadable becomes a finding (<c>ocr.unreadable</c>); transient engine
/// failures throw so the orchestration retries.
/// </summary>
public sealed class AnalyzeDocumentActivity(PulangStorage storage, IOcrEngine ocr, ILogger<AnalyzeDocumentActivity> logger) : TaskActivity<ScanRequest, ScanResult>
{
    /// <inheritdoc/>
    public override async Task<ScanResult> RunAsync(TaskActivityContext context, ScanRequest input)
    {
        using var span = Telemetry.CommandTrace.StartScan(input);
        var started = DateTimeOffset.UtcNow;
        AnalyzeResult analysis;
        try
        {
            await using var scan = await storage.Scans.GetBlobClient(input.BlobName).OpenReadAsync();
            analysis = await ocr.AnalyzeAsync(scan, input.ContentType, input.Kind, CancellationToken.None);
        }
        catch (OcrException e) when (e.IsPermanent)
        {
            logger.LogWarning("Scan {DocumentId} ({Kind}) of case {CaseId} is unreadable: {Reason}", input.DocumentId, input.Kind, input.CaseId, LogSafe.Mask(e.Message));
            Telemetry.PulangTelemetry.ScansRead.Add(1, new(Telemetry.PulangTelemetry.DocumentKind, input.Kind.ToRoute()), new(Telemetry.PulangTelemetry.Outcome, "unreadable"));
            return new ScanResult(0, new Dictionary<string, string>(), [new Finding("ocr.unreadable", $"The scan could not be read: {e.Message}")], null);
        }

        var reading = DocumentReader.Read(input.Kind, analysis, input.Subject);
        var analysisName = $"{input.CaseId}/{input.DocumentId}.analysis.json";
        var stored = new StoredAnalysis(input.DocumentId, input.Kind, input.Sha256, started, DateTimeOffset.UtcNow, reading, analysis);
        await storage.Scans.GetBlobClient(analysisName).UploadAsync(BinaryData.FromObjectAsJson(stored, PulangJson.Options), overwrite: true);
        logger.LogInformation("Scan {DocumentId} ({Kind}) of case {CaseId}: {Pages} page(s), {Findings} finding(s), {Seconds:F1} s",
            input.DocumentId, input.Kind, input.CaseId, analysis.Pages.Count, reading.Findings.Count, (DateTimeOffset.UtcNow - started).TotalSeconds);
        Telemetry.PulangTelemetry.RecordScan(input.Kind, analysis.Pages.Count, reading.Findings.Count == 0, DateTimeOffset.UtcNow - started);
        return new ScanResult(analysis.Pages.Count, reading.Fields, reading.Findings, analysisName);
    }
}

/// <summary>The analysis JSON stored beside a scan: what was read, what was extracted, and when.</summary>
public sealed record StoredAnalysis(string DocumentId, DocumentKind Kind, string Sha256, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, DocumentReading Reading, AnalyzeResult AnalyzeResult);
