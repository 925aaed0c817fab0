using System.Text.Json;
using Azure.Storage.Queues;
using Pulang.Workflows;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// Reads the shared <c>case-events</c> queue for one case. Peeking sees only the first 32 messages, and every test
/// host in a run writes to the same queue, so this walks the whole queue: it receives batches (hiding them briefly so
/// the next batch is new), keeps the ones of the case, and makes every message visible again at once, deleting none.
/// </summary>
internal static class CaseEventsQueue
{
    static readonly SemaphoreSlim OneReader = new(1, 1);

    /// <summary>Every event of <paramref name="caseId"/> on the queue now.</summary>
    public static async Task<List<CaseEventMessage>> ReadAsync(string connectionString, string caseId, CancellationToken ct)
    {
        var queue = new QueueClient(connectionString, PulangStorage.EventsQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var mine = new List<CaseEventMessage>();
        var held = new List<(string Id, string PopReceipt)>();
        await OneReader.WaitAsync(ct);
        try
        {
            for (var round = 0; round < 200; round++)
            {
                var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), ct)).Value;
                if (batch.Length == 0)
                {
                    break;
                }

                foreach (var m in batch)
                {
                    held.Add((m.MessageId, m.PopReceipt));
                    var e = JsonSerializer.Deserialize<CaseEventMessage>(m.Body.ToString(), PulangJson.Options)!;
                    if (e.CaseId == caseId)
                    {
                        mine.Add(e);
                    }
                }
            }
        }
        finally
        {
            await Task.WhenAll(held.Select(h => queue.UpdateMessageAsync(h.Id, h.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None)));
            OneReader.Release();
        }

        return mine;
    }
}
