using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Activities;

/// <summary>One scan waiting to be read: the scan orchestration to answer and what to read.</summary>
/// <param name="InstanceId">The scan orchestration's instance ID (it waits for <see cref="ScanReadingQueue.EventName"/>).</param>
/// <param name="Request">The scan.</param>
public sealed record ScanReadingMessage(string InstanceId, ScanRequest Request);

/// <summary>
/// The queue of scans waiting to be read (<see cref="PulangStorage.ScanReadingQueueName"/>, one per task hub), outside the Durable
/// Task engine's work-item queue: OCR takes seconds a page, and in the engine's one first-in-first-out work-item queue a batch's
/// readings held every activity slot, so a person's decision (its commit activity, queued behind them) waited for the batch.
/// A scan orchestration queues its scan (<see cref="QueueScanReadingActivity"/>) and waits for the event <see cref="EventName"/>
/// with the <see cref="ScanResult"/>; a reader (the self-host's listener, or the Functions queue trigger) takes one message at a
/// time per OCR slot, reads it (<see cref="ScanReader"/>), raises the event, and only then deletes the message. A reader that dies
/// mid-OCR leaves the message, which the queue delivers again after its visibility timeout; a message read twice raises the event
/// twice, and the orchestration takes the first (the case takes its <see cref="DocumentScanned"/> once, by command ID).
/// </summary>
public sealed class ScanReadingQueue(ScanReader reader, DurableTaskClient client, ILogger<ScanReadingQueue> logger)
{
    /// <summary>The external event that carries a reading's <see cref="ScanResult"/> to the scan orchestration.</summary>
    public const string EventName = "ScanRead";

    /// <summary>Deliveries of a message before a reading that keeps failing is given up (the scan then goes to a person, <c>ocr.failed</c>).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>Puts <paramref name="message"/> on the queue (creating the queue if it does not exist).</summary>
    public static async Task EnqueueAsync(PulangStorage storage, ScanReadingMessage message, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(message, PulangJson.Options);
        try
        {
            await storage.ScanReading.SendMessageAsync(json, ct);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            await storage.ScanReading.CreateIfNotExistsAsync(cancellationToken: ct);
            await storage.ScanReading.SendMessageAsync(json, ct);
        }
    }

    /// <summary>
    /// Handles one delivery: reads the scan and raises <see cref="EventName"/> to its orchestration. A reading that fails throws
    /// (the queue delivers the message again) until the last delivery (<paramref name="dequeueCount"/> ≥ <see cref="MaxDequeueCount"/>),
    /// which raises an <c>ocr.failed</c> finding instead, so the case goes to a person rather than waiting. A message that is not a
    /// <see cref="ScanReadingMessage"/> is logged and dropped (false). The caller deletes the message when this returns.
    /// </summary>
    public async Task<bool> HandleAsync(string body, long dequeueCount, CancellationToken ct)
    {
        ScanReadingMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<ScanReadingMessage>(body, PulangJson.Options);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Scan-reading message dropped: not a scan-reading JSON object ({Error})", LogSafe.Mask(e.Message.Split('\n')[0]));
            return false;
        }

        if (message?.Request is null || string.IsNullOrEmpty(message.InstanceId))
        {
            logger.LogWarning("Scan-reading message dropped: no instance ID or request");
            return false;
        }

        ScanResult result;
        try
        {
            result = await reader.ReadAsync(message.Request, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && dequeueCount >= MaxDequeueCount)
        {
            logger.LogWarning("Scan {DocumentId} of case {CaseId} failed {Count} times; sent to a person: {Error}", message.Request.DocumentId, message.Request.CaseId, dequeueCount, LogSafe.Mask(e.Message));
            result = new ScanResult(0, new Dictionary<string, string>(), [new Finding("ocr.failed", $"The scan could not be read: {e.Message}")], null);
        }

        await client.RaiseEventAsync(message.InstanceId, EventName, result, CancellationToken.None);
        return true;
    }
}
