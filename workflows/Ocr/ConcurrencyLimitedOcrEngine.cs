namespace Pulang.Workflows.Ocr;

/// <summary>
/// Lets at most <see cref="MaxJobs"/> analyses run at once through <see cref="Inner"/> (a semaphore; the rest wait in
/// order of arrival), for any engine. Both hosts get it from <see cref="PulangServices.CreateOcrEngine"/> with
/// <see cref="PulangOptions.MaxConcurrentOcrJobs"/>. <see cref="RunningJobs"/> and <see cref="PeakJobs"/> show what it let through.
/// </summary>
public sealed class ConcurrencyLimitedOcrEngine : IOcrEngine, IDisposable
{
    readonly SemaphoreSlim slots;
    int running;
    int peak;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The engine that does the work.</param>
    /// <param name="maxJobs">Most analyses at once, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxJobs"/> is below 1.</exception>
    public ConcurrencyLimitedOcrEngine(IOcrEngine inner, int maxJobs)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxJobs, 1);
        Inner = inner;
        MaxJobs = maxJobs;
        slots = new SemaphoreSlim(maxJobs, maxJobs);
    }

    /// <summary>The wrapped engine.</summary>
    public IOcrEngine Inner { get; }

    /// <summary>Most analyses at once.</summary>
    public int MaxJobs { get; }

    /// <summary>Analyses running now.</summary>
    public int RunningJobs => Volatile.Read(ref running);

    /// <summary>Most analyses seen running at once since this engine was made.</summary>
    public int PeakJobs => Volatile.Read(ref peak);

    /// <inheritdoc />
    public async Task<AnalyzeResult> AnalyzeAsync(Stream content, string contentType, OcrHint hint, CancellationToken cancellationToken)
    {
        using var span = OcrTelemetry.Source.StartActivity("ocr analyze");
        span?.SetTag(OcrTelemetry.HintTag, hint.Name);
        span?.SetTag("pulang.ocr.engine", Inner.GetType().Name);
        await slots.WaitAsync(cancellationToken);
        span?.AddEvent(new System.Diagnostics.ActivityEvent("ocr slot taken"));
        var now = Interlocked.Increment(ref running);
        InterlockedMax(ref peak, now);
        try
        {
            var result = await Inner.AnalyzeAsync(content, contentType, hint, cancellationToken);
            span?.SetTag("pulang.ocr.pages", result.Pages.Count);
            return result;
        }
        catch (Exception e)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref running);
            slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        slots.Dispose();
        (Inner as IDisposable)?.Dispose();
    }

    internal static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
