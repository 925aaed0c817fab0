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
        var text = new StringBuilder();
        var instances = new TableClient(connectionString, $"{taskHub}Instances");
        var history = new TableClient(connectionString, $"{taskHub}History");
        foreach (var id in instanceIds)
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

        return text.ToString();
    }

    static string? Field(TableEntity e, string name) => e.TryGetValue(name, out var v) ? v?.ToString() : null;

    static string Short(string? id) => id is { Length: > 8 } ? id[..8] : id ?? "-";
}
