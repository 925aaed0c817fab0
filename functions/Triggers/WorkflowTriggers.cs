using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pulang.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Workflows;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Events;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Retention;

namespace Pulang.Functions.Triggers;

/// <summary>
/// One orchestration trigger per <see cref="WorkflowRegistry.Orchestrators"/> entry and one activity trigger per
/// <see cref="WorkflowRegistry.Activities"/> entry, under the same names, each delegating to the same class the
/// self-host runs. No workflow logic lives here.
/// </summary>
public static class WorkflowTriggers
{
    /// <summary>The case orchestration (instance ID = case ID).</summary>
    [Function(nameof(CaseOrchestration))]
    public static Task<CaseState> RunCaseOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new CaseOrchestration().RunAsync(context, context.GetInput<CaseOrchestrationInput>()!);

    /// <summary>The scan orchestration (instance ID <c>scan:{documentId}</c>).</summary>
    [Function(nameof(ScanOrchestration))]
    public static Task<ScanResult> RunScanOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ScanOrchestration().RunAsync(context, context.GetInput<ScanRequest>()!);

    /// <summary>A webhook delivery (instance ID <c>webhook:{subscriptionId}:{eventId}</c>).</summary>
    [Function(nameof(WebhookDeliveryOrchestration))]
    public static Task<string> RunWebhookDeliveryOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new WebhookDeliveryOrchestration().RunAsync(context, context.GetInput<WebhookDeliveryInput>()!);

    /// <summary>The retention schedule (instance ID <c>pulang-retention</c>).</summary>
    [Function(nameof(RetentionOrchestration))]
    public static Task<int> RunRetentionOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RetentionOrchestration().RunAsync(context, null);

    /// <summary><see cref="FindDueCasesActivity"/>: the cases due for purge.</summary>
    [Function(FindDueCasesActivity.Name)]
    public static Task<RetentionRound> RunFindDueCases([ActivityTrigger] object? input, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        DurableClientScope.Use(context.InstanceServices, client);
        return RunActivityAsync<FindDueCasesActivity, object?, RetentionRound>(FindDueCasesActivity.Name, input, context);
    }

    /// <summary><see cref="PurgeCaseActivity"/>: purges what of one case is due (the Durable client purges its history).</summary>
    [Function(PurgeCaseActivity.Name)]
    public static Task<int> RunPurgeCase([ActivityTrigger] string caseId, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        DurableClientScope.Use(context.InstanceServices, client);
        return RunActivityAsync<PurgeCaseActivity, string, int>(PurgeCaseActivity.Name, caseId, context);
    }

    /// <summary><see cref="DeliverWebhookActivity"/>: one try of a webhook delivery.</summary>
    [Function(WebhookDeliveryOrchestration.DeliverActivity)]
    public static Task<WebhookAttemptResult> RunDeliverWebhook([ActivityTrigger] WebhookAttempt input, FunctionContext context) =>
        RunActivityAsync<DeliverWebhookActivity, WebhookAttempt, WebhookAttemptResult>(WebhookDeliveryOrchestration.DeliverActivity, input, context);

    /// <summary><see cref="AnalyzeDocumentActivity"/>.</summary>
    [Function(ActivityNames.AnalyzeDocument)]
    public static Task<ScanResult> RunAnalyzeDocument([ActivityTrigger] ScanRequest input, FunctionContext context) =>
        RunActivityAsync<AnalyzeDocumentActivity, ScanRequest, ScanResult>(ActivityNames.AnalyzeDocument, input, context);

    /// <summary><see cref="QueueScanReadingActivity"/>: puts a scan on the scan-reading queue (read by <see cref="StorageTriggers.ScanReading"/>).</summary>
    [Function(ActivityNames.QueueScanReading)]
    public static Task<bool> RunQueueScanReading([ActivityTrigger] ScanRequest input, FunctionContext context) =>
        RunActivityAsync<QueueScanReadingActivity, ScanRequest, bool>(ActivityNames.QueueScanReading, input, context);

    /// <summary><see cref="CommitDecisionActivity"/>.</summary>
    /// <remarks>The invocation's <c>[DurableClient]</c> goes where the event publisher finds it (it schedules webhook deliveries).</remarks>
    [Function(ActivityNames.CommitDecision)]
    public static Task<int> RunCommitDecision([ActivityTrigger] CommitDecision input, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        DurableClientScope.Use(context.InstanceServices, client);
        return RunActivityAsync<CommitDecisionActivity, CommitDecision, int>(ActivityNames.CommitDecision, input, context);
    }

    /// <summary>
    /// Builds the activity class from the invocation's services (as the self-host builds it from its container)
    /// and runs it with a <see cref="TaskActivityContext"/> carrying the activity name and the calling instance ID.
    /// </summary>
    public static Task<TOutput> RunActivityAsync<TActivity, TInput, TOutput>(string name, TInput input, FunctionContext context)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        var activity = ActivatorUtilities.CreateInstance<TActivity>(context.InstanceServices);
        var instanceId = context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? "" : "";
        return Pulang.Workflows.Telemetry.CountedActivity.RunAsync(name, activity.RunAsync(new FunctionsActivityContext(name, instanceId), input));
    }

    /// <summary>The <see cref="TaskActivityContext"/> an activity class sees when Durable Functions runs it.</summary>
    sealed class FunctionsActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
