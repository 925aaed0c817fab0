using Microsoft.DurableTask;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;

namespace Pulang.Workflows.Orchestrations;

/// <summary>One uploaded scan to read. Passes blob names, never bytes or OCR text.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="DocumentId">Document ID (the scan blob is <c>{caseId}/{documentId}</c> in <c>scans</c>).</param>
/// <param name="Kind">What the uploader said it is.</param>
/// <param name="BlobName">Scan blob name.</param>
/// <param name="ContentType">Media type.</param>
/// <param name="Sha256">Lower-case hex SHA-256 computed while uploading.</param>
/// <param name="Length">Bytes.</param>
/// <param name="UploadedBy">Actor ID of the uploader.</param>
/// <param name="Subject">The person the case is about, for the checks.</param>
/// <param name="TraceParent">W3C <c>traceparent</c> of the upload (or blob) that asked for the reading: the reading and the <see cref="DocumentScanned"/> command join its trace.</param>
public sealed record ScanRequest(string CaseId, string DocumentId, DocumentKind Kind, string BlobName, string ContentType, string Sha256, long Length, string UploadedBy, Subject Subject, string? TraceParent = null);

/// <summary>What reading a scan produced (small).</summary>
/// <param name="Pages">Pages read.</param>
/// <param name="Fields">Extracted fields.</param>
/// <param name="Findings">Reasons for review.</param>
/// <param name="AnalysisBlobName">Blob with the full analysis JSON, <c>{caseId}/{documentId}.analysis.json</c>.</param>
public sealed record ScanResult(int Pages, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<Finding> Findings, string? AnalysisBlobName);

/// <summary>
/// One instance per uploaded document (instance ID <c>scan:{documentId}</c>): queues the scan for reading (the
/// <c>QueueScanReading</c> activity, retried on transient failures; the reading runs outside the engine's activity slots,
/// <see cref="ScanReadingQueue"/>), waits for its <see cref="ScanResult"/> (external event <see cref="ScanReadingQueue.EventName"/>),
/// then sends one <see cref="DocumentScanned"/> command to the case. A scan not read within <see cref="ReadingTimeout"/> goes to
/// a person (<c>ocr.failed</c>); a reading that arrives later is ignored.
/// </summary>
public sealed class ScanOrchestration : TaskOrchestrator<ScanRequest, ScanResult>
{
    /// <summary>How long a queued scan may take to be read (queue wait included) before it goes to a person: 2 hours.</summary>
    public static readonly TimeSpan ReadingTimeout = TimeSpan.FromHours(2);

    /// <summary>The instance ID for a document's scan orchestration.</summary>
    public static string InstanceId(string documentId) => $"scan:{documentId}";

    /// <inheritdoc/>
    public override async Task<ScanResult> RunAsync(TaskOrchestrationContext context, ScanRequest input)
    {
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2)));
        ScanResult result;
        try
        {
            await context.CallActivityAsync<bool>(ActivityNames.QueueScanReading, input, retry);
            result = await context.WaitForExternalEvent<ScanResult>(ScanReadingQueue.EventName, ReadingTimeout);
        }
        catch (TaskFailedException e)
        {
            // Never silently accept: a document that could not be read goes to a person.
            result = Failed($"The scan could not be queued for reading: {e.FailureDetails.ErrorMessage}");
        }
        catch (TaskCanceledException)
        {
            result = Failed($"The scan was not read within {ReadingTimeout.TotalHours:F0} hours.");
        }

        context.SendEvent(input.CaseId, CaseEvents.Command, new DocumentScanned(
            input.DocumentId, input.Kind, input.BlobName, input.Sha256, input.ContentType, input.Length, result.Pages, input.UploadedBy,
            result.Fields, result.Findings, result.AnalysisBlobName)
        {
            CommandId = $"scanned:{input.DocumentId}",
            Actor = Actor.System,
            TraceParent = input.TraceParent,
        }.ToEventPayload());
        return result;
    }

    static ScanResult Failed(string message) => new(0, new Dictionary<string, string>(), [new Finding("ocr.failed", message)], null);
}
