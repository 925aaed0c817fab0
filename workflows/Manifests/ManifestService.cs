using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Pulang.Workflows.Manifests;

/// <summary>What became of a manifest sent in.</summary>
/// <param name="ManifestId">The manifest ID (derived from the content).</param>
/// <param name="Created">True when this call started the manifest; false when the same file was already received.</param>
/// <param name="Lines">Person lines in the file.</param>
/// <param name="Rejection">Why the file as a whole was refused (then nothing was started).</param>
public sealed record ManifestSubmission(string ManifestId, bool Created, int Lines, ManifestFormatException? Rejection = null);

/// <summary>A manifest's progress and per-line results (<c>GET /api/manifests/{id}</c>).</summary>
/// <param name="ManifestId">The manifest ID.</param>
/// <param name="Status"><c>running</c> (lines being started), <c>completed</c> (every line has a result), <c>failed</c> (the
/// orchestration gave up on storage errors; send the file again to resume) or <c>rejected</c> (the file could not be read; see
/// <paramref name="Rejection"/>).</param>
/// <param name="Source">Who sent it first (<see cref="ManifestHeader.Source"/>).</param>
/// <param name="FileName">The blob name, for a dropped file.</param>
/// <param name="Format"><c>csv</c> or <c>json</c>.</param>
/// <param name="ReceivedAt">When it was first received.</param>
/// <param name="CompletedAt">When the last line got its result (the orchestration's completion), once completed.</param>
/// <param name="Counts">Lines in the file, and results so far by status.</param>
/// <param name="Processed">Lines with a result so far.</param>
/// <param name="Rejection">For <c>rejected</c>: <c>code</c> and <c>message</c>.</param>
/// <param name="Results">One result per processed line, by line.</param>
public sealed record ManifestView(string ManifestId, string Status, string Source, string? FileName, ManifestFormat? Format,
    DateTimeOffset ReceivedAt, DateTimeOffset? CompletedAt, ManifestCounts Counts, int Processed, ManifestLineError? Rejection, IReadOnlyList<ManifestLineResult> Results);

/// <summary>
/// Receives manifests (from <c>POST /api/manifests</c> and from files dropped in the <c>manifests</c> container) and reports
/// on them, for both hosts. A manifest's ID is derived from its bytes (<see cref="ManifestFile.IdOf"/>), so the same file
/// twice is one manifest: the second time nothing is started and the answer is the first one's results. The header row is
/// written insert-if-absent before the <see cref="ManifestOrchestration"/> instance is scheduled, so only the call that
/// wrote it schedules (a call that finds a header without an instance older than <see cref="RecoveryAge"/> schedules it:
/// the first caller died in between). Running the lines twice would be harmless anyway (each line's intake is idempotent
/// per origin), which is also why a failed manifest sent again is simply run again.
/// </summary>
public sealed class ManifestService(DurableTaskClient client, ManifestStore store, TimeProvider time, ILogger<ManifestService> logger)
{
    /// <summary>How long a header may exist without its instance before another submission schedules it.</summary>
    public static readonly TimeSpan RecoveryAge = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Reads <paramref name="content"/> and starts its manifest once. A file that cannot be read as a whole comes back with a
    /// <see cref="ManifestSubmission.Rejection"/>; with <paramref name="recordRejection"/> (a dropped blob, which has nobody to
    /// answer) the rejection is also recorded under the manifest ID for <c>GET /api/manifests/{id}</c>. Storage failures throw.
    /// </summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="format">CSV or JSON; null when the sender's media type and file name did not say (a rejection, <c>manifest.media-type</c>).</param>
    /// <param name="source"><c>http:{caller ID}</c> or <c>blob:manifests/{name}</c>.</param>
    /// <param name="fileName">The blob name, for a dropped file.</param>
    /// <param name="recordRejection">Record a rejection in the manifests table.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<ManifestSubmission> SubmitAsync(byte[] content, ManifestFormat? format, string source, string? fileName, bool recordRejection, CancellationToken ct)
    {
        var id = ManifestFile.IdOf(content);
        IReadOnlyList<ManifestLine> lines;
        try
        {
            lines = format is { } f ? ManifestFile.Parse(content, f)
                : throw new ManifestFormatException(415, "manifest.media-type", "Send a manifest as text/csv or application/json (a dropped file: name it .csv or .json).");
        }
        catch (ManifestFormatException e)
        {
            if (recordRejection)
            {
                await store.AddHeaderAsync(new ManifestHeader(id, source, fileName, format, 0, time.GetUtcNow(), e.Code, e.Message), ct);
            }

            return new(id, false, 0, e);
        }

        var header = new ManifestHeader(id, source, fileName, format, lines.Count, time.GetUtcNow());
        if (!await store.AddHeaderAsync(header, ct))
        {
            var (existing, written) = (await store.GetHeaderAsync(id, ct))!.Value;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            var left = written is { } at ? RecoveryAge - (time.GetUtcNow() - at) : TimeSpan.Zero;
            while (true)
            {
                var instance = await client.GetInstanceAsync(id, ct);
                if (instance is not null && instance.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated))
                {
                    return new(id, false, lines.Count);
                }

                if (existing.RejectionCode is not null && existing.Lines == 0)
                {
                    // Recorded as rejected before (a dropped file): the same bytes are rejected again.
                    return new(id, false, 0, new ManifestFormatException(400, existing.RejectionCode, existing.RejectionMessage ?? ""));
                }

                if (instance is not null || waited.Elapsed >= left)
                {
                    break; // failed before (run it again), or its first sender died before scheduling it
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }

            await ScheduleAsync(id, lines, ct);
            logger.LogInformation("Manifest {ManifestId} ({Lines} lines) started again", id, lines.Count);
            return new(id, false, lines.Count);
        }

        await ScheduleAsync(id, lines, ct);
        logger.LogInformation("Manifest {ManifestId} ({Lines} lines) started", id, lines.Count);
        return new(id, true, lines.Count);
    }

    Task ScheduleAsync(string id, IReadOnlyList<ManifestLine> lines, CancellationToken ct) =>
        client.ScheduleNewOrchestrationInstanceAsync(nameof(ManifestOrchestration), new ManifestInput(id, lines), WorkflowVersion.Start(id), ct);

    /// <summary>The manifest's progress and results, or null for an unknown manifest ID.</summary>
    public async Task<ManifestView?> GetAsync(string manifestId, CancellationToken ct)
    {
        if (!ManifestFile.IsId(manifestId) || await store.GetHeaderAsync(manifestId, ct) is not { } found)
        {
            return null;
        }

        var header = found.Header;
        if (header.RejectionCode is { } code && header.Lines == 0)
        {
            return new(manifestId, "rejected", header.Source, header.FileName, header.Format, header.ReceivedAt, null,
                new ManifestCounts(0, 0, 0, 0, 0), 0, new ManifestLineError(code, null, header.RejectionMessage ?? ""), []);
        }

        var results = await store.GetResultsAsync(manifestId, ct);
        var counts = ManifestCounts.Of(results) with { Lines = header.Lines };
        var instance = await client.GetInstanceAsync(manifestId, ct);
        var status = results.Count >= header.Lines ? "completed"
            : instance?.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated ? "failed"
            : "running";
        var completedAt = status == "completed" && instance?.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.LastUpdatedAt : (DateTimeOffset?)null;
        return new(manifestId, status, header.Source, header.FileName, header.Format, header.ReceivedAt, completedAt, counts, results.Count, null, results);
    }
}
