using Pulang.Workflows.Retention;
using Pulang.Workflows.Storage;

namespace Pulang.SelfHost.Hosting;

/// <summary><c>pulang purge --dry-run</c>: lists what the retention schedule would purge now, purging nothing.</summary>
public static class PurgeCommand
{
    /// <summary>
    /// Writes one line per finished case with data due at <paramref name="now"/> under <paramref name="options"/>
    /// (<c>{caseId} {stage} finished {time}: {kinds}</c>) and a summary. Returns 0, or 2 when the account could not be read.
    /// </summary>
    public static async Task<int> DryRunAsync(PulangStorage storage, RetentionOptions options, DateTimeOffset now, TextWriter output, CancellationToken ct)
    {
        IReadOnlyList<DueCase> due;
        try
        {
            due = await new DueCases(storage, options).FindAsync(now, ct);
        }
        catch (Azure.RequestFailedException e)
        {
            await output.WriteLineAsync($"purge: could not read the storage account: {e.Message.Split('\n')[0].Trim()}");
            return 2;
        }

        foreach (var d in due)
        {
            await output.WriteLineAsync($"{d.CaseId} {d.Stage} finished {d.FinishedAt:yyyy-MM-dd HH:mm:ss}Z: {string.Join(", ", d.Kinds.Select(DueCases.Route))}");
        }

        await output.WriteLineAsync($"{due.Count} case(s) with data due (scans {options.Scans.TotalDays:0.##} d, history {options.History.TotalDays:0.##} d, " +
            $"case view {options.CaseView.TotalDays:0.##} d, index row {options.IndexRow.TotalDays:0.##} d after release or withdrawal); dry run: nothing purged");
        return 0;
    }
}
