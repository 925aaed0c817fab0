using Microsoft.DurableTask;

namespace Pulang.Workflows.Manifests;

/// <summary>Input of <see cref="ManifestOrchestration"/>: the manifest's lines as read (small: a few hundred bytes a line).</summary>
/// <param name="ManifestId">The manifest ID, also the instance ID.</param>
/// <param name="Lines">Every person line.</param>
public sealed record ManifestInput(string ManifestId, IReadOnlyList<ManifestLine> Lines);

/// <summary>Input of <see cref="StartManifestLinesActivity"/>: some lines of one manifest.</summary>
/// <param name="ManifestId">The manifest.</param>
/// <param name="Lines">The lines of this batch.</param>
public sealed record ManifestBatch(string ManifestId, IReadOnlyList<ManifestLine> Lines);

/// <summary>How many lines ended how (the orchestration's output; one batch's in the activity).</summary>
public sealed record ManifestCounts(int Lines, int Created, int Existing, int Conflict, int Refused)
{
    /// <summary>Counts of <paramref name="results"/>.</summary>
    public static ManifestCounts Of(IReadOnlyCollection<ManifestLineResult> results) => new(results.Count,
        results.Count(r => r.Status == ManifestLineStatus.Created), results.Count(r => r.Status == ManifestLineStatus.Existing),
        results.Count(r => r.Status == ManifestLineStatus.Conflict), results.Count(r => r.Status == ManifestLineStatus.Refused));

    /// <summary>The sum of two counts.</summary>
    public static ManifestCounts operator +(ManifestCounts a, ManifestCounts b) =>
        new(a.Lines + b.Lines, a.Created + b.Created, a.Existing + b.Existing, a.Conflict + b.Conflict, a.Refused + b.Refused);
}

/// <summary>
/// One instance per manifest (instance ID = manifest ID, derived from the file's content, so the same file twice is one
/// instance): starts a case per line through the idempotent intake, in batches of <see cref="BatchSize"/> lines, all
/// batches scheduled at once (the worker's activity slots bound how many run together). Each batch is one
/// <see cref="StartManifestLinesActivity"/>, which writes the results of its lines; a refused line is a result, never a
/// failure, so it stops nothing. A batch that keeps failing on storage errors is retried (up to 8 attempts over about
/// 10 minutes); if it still fails the orchestration fails and the lines it held stay without a result
/// (<c>GET /api/manifests/{id}</c> shows <c>failed</c>; sending the same file again resumes from its recorded lines).
/// </summary>
public sealed class ManifestOrchestration : TaskOrchestrator<ManifestInput, ManifestCounts>
{
    /// <summary>Lines per activity (each activity starts up to <see cref="StartManifestLinesActivity.Parallelism"/> cases at once).</summary>
    public const int BatchSize = 25;

    /// <inheritdoc/>
    public override async Task<ManifestCounts> RunAsync(TaskOrchestrationContext context, ManifestInput input)
    {
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 8, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(3)));
        var batches = input.Lines.Chunk(BatchSize)
            .Select(lines => context.CallActivityAsync<ManifestCounts>(StartManifestLinesActivity.Name, new ManifestBatch(input.ManifestId, lines), retry))
            .ToList();
        var counts = await Task.WhenAll(batches);
        return counts.Aggregate(new ManifestCounts(0, 0, 0, 0, 0), (a, b) => a + b);
    }
}
