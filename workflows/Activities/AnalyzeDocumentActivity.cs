using Microsoft.DurableTask;
using Pulang.Workflows.Orchestrations;

namespace Pulang.Workflows.Activities;

/// <summary>
/// Reads one scan inside the activity (<see cref="ScanReader"/>). Kept registered for scan orchestrations whose history already
/// called it (started before the reading moved to <see cref="Ocr.ScanReadingQueue"/>); new ones queue the scan with
/// <see cref="QueueScanReadingActivity"/> instead, so that OCR never holds the engine's activity slots.
/// </summary>
public sealed class AnalyzeDocumentActivity(ScanReader reader) : TaskActivity<ScanRequest, ScanResult>
{
    /// <inheritdoc/>
    public override Task<ScanResult> RunAsync(TaskActivityContext context, ScanRequest input) => reader.ReadAsync(input, CancellationToken.None);
}
