using Microsoft.DurableTask;
using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Activities;

/// <summary>
/// Reads one scan inside the activity (<see cref="ScanReader"/>): the scan orchestration's first activity before the reading moved
/// to <see cref="ScanReadingQueue"/>, kept registered so that such a work item still queued at an upgrade runs. Scan
/// orchestrations queue the scan with <see cref="QueueScanReadingActivity"/> instead, so that OCR never holds the engine's activity slots.
/// </summary>
public sealed class AnalyzeDocumentActivity(ScanReader reader) : TaskActivity<ScanRequest, ScanResult>
{
    /// <inheritdoc/>
    public override Task<ScanResult> RunAsync(TaskActivityContext context, ScanRequest input) => reader.ReadAsync(input, CancellationToken.None);
}
