using Microsoft.DurableTask;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Orchestrations;

/// <summary>
/// One instance per uploaded document (instance ID <c>scan:{documentId}</c>): runs OCR, extraction and checks in
/// the <c>AnalyzeDocument</c> activity (retried on transient failures), then sends one <see cref="DocumentScanned"/>
/// command to the case.
/// </summary>
public sealed class ScanOrchestration : TaskOrchestrator<ScanRequest, ScanResult>
{
    /// <summary>The instance ID for a document's scan orchestration.</summary>
    public static string InstanceId(string documentId) => $"scan:{documentId}";

    /// <inheritdoc/>
    public override async Task<ScanResult> RunAsync(TaskOrchestrationContext context, ScanRequest input)
    {
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2)));
        ScanResult result;
        try
        {
            result = await context.CallActivityAsync<ScanResult>(ActivityNames.AnalyzeDocument, input, retry);
        }
        catch (TaskFailedException e)
        {
            // Never silently accept: a document that could not be read goes to a person.
            result = new ScanResult(0, new Dictionary<string, string>(), [new Finding("ocr.failed", $"The scan could not be read: {e.FailureDetails.ErrorMessage}")], null);
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
}
