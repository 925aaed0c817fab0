using System.Text;
using Azure.Data.Tables;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// What the Azure Storage provider holds for an orchestration instance (its Instances row and the tail of its History
/// rows), for failure messages: when a case is stuck, this says whether its orchestration is still running, which
/// execution (generation) it is in, and what it last did.
/// </summary>
public static class TaskHubForensics
{
    /// <summary>One paragraph per instance: status row, then the last <paramref name="events"/> history rows (row key, event type, execution ID, name or status).</summary>
    public static async Task<string> DescribeAsync(string connectionString, string taskHub, IEnumerable<string> instanceIds, int events = 30, CancellationToken ct = default)
    {
        var ids = instanceIds.ToList();
        var text = new StringBuilder();
        var instances = new TableClient(connectionString, $"{taskHub}Instances");
        var history = new TableClient(connectionString, $"{taskHub}History");
        foreach (var id in ids)
        {
            try
            {
                var row = (await instances.GetEntityIfExistsAsync<TableEntity>(id, "", cancellationToken: ct)) is { HasValue: true } r ? r.Value : null;
                var input = row?.GetString("Input") ?? "";
                text.Append($"{id}: instance {(row is null ? null : Field(row, "RuntimeStatus")) ?? "(no row)"} execution {Short(row?.GetString("ExecutionId"))} " +
                    $"updated {row?.GetDateTimeOffset("LastUpdatedTime"):HH:mm:ss} input carries state: {input.Contains("\"state\":{", StringComparison.Ordinal)}\n");
                var rows = new List<TableEntity>();
                await foreach (var h in history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: ct))
                {
                    rows.Add(h);
                }

                // The provider overwrites history in place at continue-as-new: the current execution is the sentinel's, and
                // rows after its last event may be left over from a longer earlier generation.
                var current = rows.FirstOrDefault(h => h.RowKey == "sentinel")?.GetString("ExecutionId");
                var own = rows.Where(h => h.RowKey != "sentinel" && h.GetString("ExecutionId") == current).ToList();
                text.Append($"  {own.Count} history rows in execution {Short(current)} ({rows.Count - own.Count - 1} left from earlier ones); last {Math.Min(events, own.Count)}:\n");
                foreach (var h in own.TakeLast(events))
                {
                    var detail = Field(h, "Name") ?? Field(h, "OrchestrationStatus") ?? "";
                    text.Append($"  {h.RowKey} {Field(h, "EventType")} {detail} {h.Timestamp:HH:mm:ss.fff}\n");
                }
            }
            catch (Exception e) when (e is Azure.RequestFailedException or InvalidOperationException)
            {
                text.Append($"{id}: could not read the task hub ({e.Message})\n");
            }
        }

        await DescribeQueuesAsync(connectionString, taskHub, ids, text, ct);
        return text.ToString();
    }

    /// <summary>
    /// The task hub's queues: approximate message counts, and of the first 32 visible messages of each, those for
    /// <paramref name="instanceIds"/> (event type, dequeue count, when inserted). A message held in a worker's memory is
    /// invisible and not listed.
    /// </summary>
    static async Task DescribeQueuesAsync(string connectionString, string taskHub, IReadOnlyCollection<string> instanceIds, StringBuilder text, CancellationToken ct)
    {
        var hub = taskHub.ToLowerInvariant();
        foreach (var name in Enumerable.Range(0, 16).Select(i => $"{hub}-control-{i:D2}").Append($"{hub}-workitems"))
        {
            var queue = new Azure.Storage.Queues.QueueClient(connectionString, name);
            try
            {
                if (!await queue.ExistsAsync(ct))
                {
                    continue;
                }

                var count = (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
                var peeked = (await queue.PeekMessagesAsync(32, ct)).Value;
                text.Append($"queue {name}: about {count} messages\n");
                foreach (var m in peeked)
                {
                    var body = m.Body.ToString();
                    if (instanceIds.FirstOrDefault(id => body.Contains(id, StringComparison.Ordinal)) is { } id)
                    {
                        var type = System.Text.RegularExpressions.Regex.Match(body, "\"EventType\":(\\d+)").Groups[1].Value;
                        var eventName = int.TryParse(type, out var t) ? ((DurableTask.Core.History.EventType)t).ToString() : "?";
                        text.Append($"  {id}: {eventName} dequeued {m.DequeueCount}x, inserted {m.InsertedOn:HH:mm:ss.fff}\n");
                    }
                }
            }
            catch (Azure.RequestFailedException e)
            {
                text.Append($"queue {name}: could not read ({e.Message})\n");
            }
        }
    }

    static string? Field(TableEntity e, string name) => e.TryGetValue(name, out var v) ? v?.ToString() : null;

    static string Short(string? id) => id is { Length: > 8 } ? id[..8] : id ?? "-";
}
