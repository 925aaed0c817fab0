using Microsoft.DurableTask;

namespace Pulang.Workflows;

/// <summary>
/// The orchestration version of Pulang's workflows: every orchestration this build schedules is stamped with
/// <see cref="Current"/> (Durable Task's orchestration <c>Version</c>, kept in the instance's <c>ExecutionStarted</c>
/// event), and both hosts' workers run only instances whose version is <see cref="Current"/> or older
/// (match strategy <c>CurrentOrOlder</c>); a newer one is left in its queue (failure strategy <c>Reject</c>: the work
/// item is abandoned and tried again later, the instance is not failed). One version for all orchestrations, because the
/// Functions host checks every orchestration against the one <c>defaultVersion</c> in host.json.
/// </summary>
/// <remarks>
/// Versions compare as <see cref="System.Version"/> (<c>major.minor</c>; "1.10" is newer than "1.9"); an instance with
/// no version (started before versions existed) is older than any. Code that behaves differently for a version gates on
/// <see cref="TaskOrchestrationContext.CompareVersionTo"/>. How to ship a change: docs/versioning.md.
/// </remarks>
public static class WorkflowVersion
{
    /// <summary>
    /// The version this build writes and the newest it runs. History: "1.0" (the first versioned release): every
    /// decision written to the audit trail and made durable before it is carried out (what the input flags
    /// <c>Audited</c> and <c>Checkpointed</c> turned on for unversioned instances); <see cref="ScanReadingQueue"/> ("1.1"):
    /// a scan is read from the scan-reading queue, not in an activity.
    /// </summary>
    public const string Current = ScanReadingQueue;

    /// <summary>
    /// "1.1": the scan orchestration queues its scan for reading (<c>QueueScanReading</c>, then the <c>ScanRead</c> event)
    /// instead of reading it in the <c>AnalyzeDocument</c> activity; older scan instances replay the activity.
    /// </summary>
    public const string ScanReadingQueue = "1.1";

    /// <summary>The first version; unversioned instances are older.</summary>
    public const string First = "1.0";

    /// <summary>Options to start an instance with ID <paramref name="instanceId"/> on <see cref="Current"/>.</summary>
    public static StartOrchestrationOptions Start(string instanceId) => new(instanceId) { Version = Current };

    /// <summary>True when the running instance was started before versions existed (its version is empty).</summary>
    public static bool IsUnversioned(TaskOrchestrationContext context) => context.CompareVersionTo(First) < 0;
}
