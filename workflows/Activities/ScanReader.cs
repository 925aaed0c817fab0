using Microsoft.Extensions.Logging;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Activities;

/// <summary>
/// Reads one scan: downloads it from <c>scans</c>, runs the configured <see cref="IOcrEngine"/>, extracts and checks the fields
/// with <see cref="DocumentReader"/>, stores the analysis JSON beside the scan (<c>{caseId}/{documentId}.analysis.json</c>,
/// overwritten by a repeated reading) and returns the small <see cref="ScanResult"/>. A scan the engine calls permanently
/// unreadable becomes a finding (<c>ocr.unreadable</c>); transient engine or storage failures throw, so the caller tries again.
/// Used by <see cref="ScanReadingQueue"/> (and the <see cref="AnalyzeDocumentActivity"/> of scans started before it).
/// </summary>
public sealed class ScanReader(PulangStorage storage, IOcrEngine ocr, ILogger<ScanReader> logger)
{
    /// <summary>Reads <paramref name="input"/>'s scan.</summary>
    public async Task<ScanResult> ReadAsync(ScanRequest input, CancellationToken ct)
    {
        using var span = Telemetry.CommandTrace.StartScan(input);
        var started = DateTimeOffset.UtcNow;
        AnalyzeResult analysis;
        try
        {
            await using var scan = await storage.Scans.GetBlobClient(input.BlobName).OpenReadAsync(cancellationToken: ct);
            analysis = await ocr.AnalyzeAsync(scan, input.ContentType, input.Kind.ToOcrHint(), ct);
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
        await storage.Scans.GetBlobClient(analysisName).UploadAsync(BinaryData.FromObjectAsJson(stored, PulangJson.Options), overwrite: true, ct);
        logger.LogInformation("Scan {DocumentId} ({Kind}) of case {CaseId}: {Pages} page(s), {Findings} finding(s), {Seconds:F1} s",
            input.DocumentId, input.Kind, input.CaseId, analysis.Pages.Count, reading.Findings.Count, (DateTimeOffset.UtcNow - started).TotalSeconds);
        Telemetry.PulangTelemetry.RecordScan(input.Kind, analysis.Pages.Count, reading.Findings.Count == 0, DateTimeOffset.UtcNow - started);
        return new ScanResult(analysis.Pages.Count, reading.Fields, reading.Findings, analysisName);
    }
}

/// <summary>The analysis JSON stored beside a scan: what was read, what was extracted, and when.</summary>
public sealed record StoredAnalysis(string DocumentId, DocumentKind Kind, string Sha256, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, DocumentReading Reading, AnalyzeResult AnalyzeResult);
