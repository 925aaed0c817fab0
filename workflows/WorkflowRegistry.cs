using Microsoft.DurableTask;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Events;
using Pulang.Workflows.Manifests;
using Pulang.Workflows.Orchestrations;

namespace Pulang.Workflows;

/// <summary>
/// Every orchestration and activity Pulang has, by the name both hosts register it under. The self-host walks
/// these lists; the Functions app has one trigger per entry. Beside <see cref="PulangServices"/> in the composition root: it
/// names every workflow namespace, so none of them needs to name it.
/// </summary>
public static class WorkflowRegistry
{
    /// <summary>Orchestrator name → type (each a <see cref="ITaskOrchestrator"/> with a parameterless constructor).</summary>
    public static IReadOnlyDictionary<string, Type> Orchestrators { get; } = new Dictionary<string, Type>
    {
        [nameof(CaseOrchestration)] = typeof(CaseOrchestration),
        [nameof(ScanOrchestration)] = typeof(ScanOrchestration),
        [nameof(ManifestOrchestration)] = typeof(ManifestOrchestration),
        [nameof(WebhookDeliveryOrchestration)] = typeof(WebhookDeliveryOrchestration),
        [nameof(Retention.RetentionOrchestration)] = typeof(Retention.RetentionOrchestration),
    };

    /// <summary>Activity name → type (each a <see cref="ITaskActivity"/> built from DI).</summary>
    public static IReadOnlyDictionary<string, Type> Activities { get; } = new Dictionary<string, Type>
    {
        [ActivityNames.AnalyzeDocument] = typeof(AnalyzeDocumentActivity),
        [ActivityNames.QueueScanReading] = typeof(QueueScanReadingActivity),
        [ActivityNames.CommitDecision] = typeof(CommitDecisionActivity),
        [StartManifestLinesActivity.Name] = typeof(StartManifestLinesActivity),
        [WebhookDeliveryOrchestration.DeliverActivity] = typeof(DeliverWebhookActivity),
        [Retention.FindDueCasesActivity.Name] = typeof(Retention.FindDueCasesActivity),
        [Retention.PurgeCaseActivity.Name] = typeof(Retention.PurgeCaseActivity),
    };
}
