namespace Pulang.Workflows.Activities;

/// <summary>Names under which both hosts register the activities.</summary>
public static class ActivityNames
{
    /// <summary><see cref="AnalyzeDocumentActivity"/>.</summary>
    public const string AnalyzeDocument = "AnalyzeDocument";
    /// <summary><see cref="QueueScanReadingActivity"/>.</summary>
    public const string QueueScanReading = "QueueScanReading";
    /// <summary><see cref="CommitDecisionActivity"/>.</summary>
    public const string CommitDecision = "CommitDecision";
}
