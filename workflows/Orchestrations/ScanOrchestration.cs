using Microsoft.DurableTask;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;

namespace Pulang.Workflows.Orchestrations;

/// <summary>
/// One instance per uploaded document (instance ID <c>scan:{documentId}</c>): queues the scan for reading (the
/// <c>QueueScanReading</c> activity, retried on transient failures; the reading runs outside the engine's activity slots,
/// <see cref="ScanReadingQueue"/>), waits for its <see cref="ScanResult"/> (external event <see cref="ScanReadingQueue.EventName"/>),
/// then sends one <see cref="DocumentScanned"/> command to the case. A scan not read within <see cref="ReadingTimeout"/> goes to
/// a person (<c>ocr.failed</c>); a reading that arrives later is ignored. Instances older than
/// <see cref="WorkflowVersion.ScanReadingQueue"/> read the scan in the <c>AnalyzeDocument</c> activity, as they did when they started.
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
            if (context.CompareVersionTo(WorkflowVersion.ScanReadingQueue) >= 0)
            {
                await context.CallActivityAsync<bool>(ActivityNames.QueueScanReading, input, retry);
                result = await context.WaitForExternalEvent<ScanResult>(ScanReadingQueue.EventName, ReadingTimeout);
            }
            else
            {
                // Started before 1.1 (in flight at an upgrade): its history has the reading activity, so it replays that.
                result = await context.CallActivityAsync<ScanResult>(ActivityNames.AnalyzeDocument, input, retry);
            }
        }
        catch (TaskFailedException e)
        {
            // Never silently accept: a document that could not be read goes to a person.
            result = Failed($"The scan could not be read: {e.FailureDetails.ErrorMessage}");
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
