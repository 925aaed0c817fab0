using Azure.Storage.Blobs;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulang.Workflows.Activities;
using Pulang.Functions.Hosting;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Storage;

namespace Pulang.Functions.Triggers;

/// <summary>Storage triggers: scans written straight to blob storage, and intake messages from other systems.</summary>
public static class StorageTriggers
{
    /// <summary>The blob path the incoming-scan trigger watches.</summary>
    public const string IncomingPath = PulangStorage.IncomingContainer + "/{caseId}/{kind}/{name}";

    /// <summary>
    /// A scan written to <c>incoming/{caseId}/{kind}/{name}</c> goes the same way as an HTTP upload
    /// (<see cref="IncomingScans"/>). Event Grid source: the only blob trigger Flex Consumption runs (the Bicep
    /// wires the subscription). Rejected blobs are logged (no personal data) and left alone.
    /// </summary>
    [Function("IncomingScan")]
    public static async Task IncomingScan(
        [BlobTrigger(IncomingPath, Source = BlobTriggerSource.EventGrid, Connection = FunctionsServices.StorageConnection)] BlobClient blob,
        string caseId, string kind, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        DurableClientScope.Use(context.InstanceServices, client);
        var outcome = await context.InstanceServices.GetRequiredService<IncomingScans>().HandleAsync(blob, caseId, kind, context.CancellationToken);
        var logger = context.GetLogger("Pulang.Functions.IncomingScan");
        if (outcome.Scan is { } scan)
        {
            logger.LogInformation("Incoming scan for case {CaseId} stored as {DocumentId}; reading scheduled ({InstanceId})", caseId, scan.DocumentId, scan.ScanInstanceId);
        }
        else
        {
            logger.LogWarning("Incoming {Kind} scan for case {CaseId} not taken: {Reason}", kind, caseId, Pulang.Workflows.LogSafe.Mask(outcome.Rejection));
        }
    }

    /// <summary>
    /// <c>case-intake</c> messages (the JSON of <c>POST /api/cases</c>) through <see cref="IntakeQueue.HandleOrPoisonAsync"/>:
    /// a bad message, or one still failing on its last attempt, goes to <c>case-intake-poison</c> with a readable
    /// reason. host.json's <c>maxDequeueCount</c> matches <see cref="IntakeQueue.MaxDequeueCount"/>.
    /// </summary>
    [Function("CaseIntake")]
    public static async Task CaseIntake(
        [QueueTrigger(PulangStorage.IntakeQueue, Connection = FunctionsServices.StorageConnection)] QueueMessage message,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        DurableClientScope.Use(context.InstanceServices, client);
        var outcome = await context.InstanceServices.GetRequiredService<IntakeQueue>().HandleOrPoisonAsync(message.Body.ToString(), message.DequeueCount, context.CancellationToken);
        var logger = context.GetLogger("Pulang.Functions.CaseIntake");
        if (outcome.PoisonReason is { } reason)
        {
            logger.LogWarning("Intake message {MessageId} moved to {Queue}: {Reason}", message.MessageId, PulangStorage.IntakePoisonQueue, Pulang.Workflows.LogSafe.Mask(reason));
        }
        else
        {
            logger.LogInformation("Intake message {MessageId}: case {CaseId} ({What})", message.MessageId, outcome.CaseId, outcome.Created ? "created" : "already existed");
        }
    }

    /// <summary>
    /// The scan-reading queue (<see cref="ScanReadingQueue"/>) of the task hub <c>pulang</c>: reads one scan and raises its result
    /// to the scan orchestration. A queue trigger, not an activity: the readings never take the Durable Task activity slots
    /// (host.json <c>durableTask.maxConcurrentActivityFunctions</c>) that a person's decision needs, and host.json's <c>queues</c>
    /// settings bound how many scans one instance reads at once (OCR itself is limited by <c>Pulang:MaxConcurrentOcrJobs</c>).
    /// A throw lets the queue deliver the message again (<c>maxDequeueCount</c> 5 = <see cref="ScanReadingQueue.MaxDequeueCount"/>;
    /// the last delivery raises <c>ocr.failed</c> instead of throwing, so nothing reaches the poison queue unanswered).
    /// </summary>
    [Function("ScanReading")]
    public static async Task ScanReading(
        [QueueTrigger(PulangStorage.ScanReadingQueue, Connection = FunctionsServices.StorageConnection)] QueueMessage message,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        DurableClientScope.Use(context.InstanceServices, client);
        await context.InstanceServices.GetRequiredService<ScanReadingQueue>().HandleAsync(message.Body.ToString(), message.DequeueCount, context.CancellationToken);
    }
}
