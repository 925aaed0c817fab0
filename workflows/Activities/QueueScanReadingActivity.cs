using Microsoft.DurableTask;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Activities;

/// <summary>
/// Puts one scan on the scan-reading queue (<see cref="ScanReadingQueue"/>) for the calling scan orchestration and returns at
/// once: the reading runs outside the engine's activity slots, and its result comes back as the external event
/// <see cref="ScanReadingQueue.EventName"/>. Run again after a crash, it queues the scan again (read twice, taken once).
/// </summary>
public sealed class QueueScanReadingActivity(PulangStorage storage) : TaskActivity<ScanRequest, bool>
{
    /// <inheritdoc/>
    public override async Task<bool> RunAsync(TaskActivityContext context, ScanRequest input)
    {
        await ScanReadingQueue.EnqueueAsync(storage, new ScanReadingMessage(context.InstanceId, input), CancellationToken.None);
        return true;
    }
}
