using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulang.Workflows.Cases;

namespace Pulang.Workflows.Manifests;

/// <summary>
/// Starts the cases of one batch of manifest lines (<see cref="ManifestOrchestration"/>) and saves each line's result in one
/// table transaction. Per line: a line that could not be read, a reference already on an earlier line, or one that
/// <see cref="Cases.IntakeRequest.Validate"/> refuses is <c>refused</c> (codes per field, <see cref="ManifestLineResult.ErrorsOf"/>);
/// otherwise <see cref="CaseService.StartAsync"/> with origin <c>{manifestId}#{line}</c> gives <c>created</c>, <c>existing</c> or
/// <c>conflict</c>. Idempotent: a re-run (activities run at least once) finds the intake rows its origin wrote and reports
/// <c>created</c> again, and replaces the same result rows. Built from the host's services (the self-host's root provider; in
/// Functions the invocation's, with its Durable client).
/// </summary>
public sealed class StartManifestLinesActivity(IServiceProvider services, ManifestStore store, TimeProvider time, ILogger<StartManifestLinesActivity> logger) : TaskActivity<ManifestBatch, ManifestCounts>
{
    /// <summary>Activity name in both hosts.</summary>
    public const string Name = "StartManifestLines";

    /// <summary>Lines of a batch started at once (each start is about four storage calls).</summary>
    public const int Parallelism = 10;

    /// <inheritdoc/>
    public override async Task<ManifestCounts> RunAsync(TaskActivityContext context, ManifestBatch input)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cases = ActivatorUtilities.CreateInstance<CaseService>(services);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var results = new ConcurrentBag<ManifestLineResult>();
        await Parallel.ForEachAsync(input.Lines, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (line, ct) =>
            results.Add(await StartLineAsync(cases, input.ManifestId, line, today, ct)));
        var ordered = results.OrderBy(r => r.Line).ToList();
        await store.SaveResultsAsync(input.ManifestId, ordered, CancellationToken.None);
        var counts = ManifestCounts.Of(ordered);
        logger.LogInformation("Manifest {ManifestId}: lines {First}-{Last} in {Seconds:F1} s ({Created} created, {Existing} existing, {Conflict} conflict, {Refused} refused)",
            input.ManifestId, input.Lines[0].Line, input.Lines[^1].Line, clock.Elapsed.TotalSeconds, counts.Created, counts.Existing, counts.Conflict, counts.Refused);
        return counts;
    }

    /// <summary>The result of one line (see the class summary); storage failures throw, so the batch is retried.</summary>
    public static async Task<ManifestLineResult> StartLineAsync(CaseService cases, string manifestId, ManifestLine line, DateOnly today, CancellationToken ct)
    {
        var reference = ManifestStore.Reference(line.Person?.ExternalReference);
        if (line.Person is null)
        {
            var (code, message) = line.FormatError?.Split(": ", 2) is [var c, var m] ? (c, m) : ("manifest.not-a-person", line.FormatError ?? "The line could not be read.");
            return new(line.Line, reference, ManifestLineStatus.Refused, Errors: [new(code, null, message)]);
        }

        if (line.RepeatOfLine is { } first)
        {
            return new(line.Line, reference, ManifestLineStatus.Refused, Errors: [new("manifest.repeated-reference", "externalReference",
                $"Referensi ini sudah ada di baris {first} (this external reference is already on line {first} of the manifest); each person once.")]);
        }

        var intake = line.Person.Validate(today, out var errors);
        if (intake is null)
        {
            return new(line.Line, reference, ManifestLineStatus.Refused, Errors: ManifestLineResult.ErrorsOf(line.Person, errors, today));
        }

        var outcome = await cases.StartAsync(intake, ct, origin: $"{manifestId}#{line.Line}");
        return outcome.IsConflict ? new(line.Line, reference, ManifestLineStatus.Conflict, outcome.CaseId, Fields: outcome.ConflictingFields)
            : new(line.Line, reference, outcome.Created ? ManifestLineStatus.Created : ManifestLineStatus.Existing, outcome.CaseId);
    }
}
