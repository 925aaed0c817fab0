using System.Collections.Concurrent;

namespace Pulang.Workflows.Cases;

/// <summary>
/// The commands this process has raised to their case (external event <see cref="Domain.CaseEvents.Command"/>) and not
/// yet seen decided, by case ID and command key (<c>{commandId}|{name}</c>). A client that times out sends the same command
/// again (same Idempotency-Key, so the same command ID); the case would take every copy as an event and decide each as a
/// repeat, so under load, the slower the case, the more copies it got. A copy that comes while the first is pending is
/// not raised again: it waits for the first copy's raise, and raises itself if that failed. A raised event is durable (a
/// queue message); after <see cref="RaiseAgainAfter"/>, or in another process, a copy is raised again.
/// </summary>
public sealed class PendingCommands(TimeProvider time)
{
    /// <summary>How long a raised command counts as pending in this process (5 min).</summary>
    public static readonly TimeSpan RaiseAgainAfter = TimeSpan.FromMinutes(5);

    sealed record Entry(DateTimeOffset At, Task Raised);

    readonly ConcurrentDictionary<(string CaseId, string Command), Entry> raised = new();
    long lastPrune;

    /// <summary>
    /// Runs <paramref name="raise"/> unless a copy of the command raised by this process less than
    /// <see cref="RaiseAgainAfter"/> ago is pending; then waits for that copy's raise instead (and runs
    /// <paramref name="raise"/> itself if that one failed). Throws what <paramref name="raise"/> throws.
    /// </summary>
    public async Task RaiseOnceAsync(string caseId, string commandKey, Func<Task> raise)
    {
        var key = (caseId, commandKey);
        while (true)
        {
            var now = time.GetUtcNow();
            Prune(now);
            var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = raised.AddOrUpdate(key, _ => new(now, mine.Task), (_, e) =>
                now - e.At >= RaiseAgainAfter || e.Raised.IsFaulted || e.Raised.IsCanceled ? new(now, mine.Task) : e);
            if (entry.Raised == mine.Task)
            {
                try
                {
                    await raise();
                    mine.SetResult();
                    return;
                }
                catch (Exception e)
                {
                    raised.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
                    mine.SetException(e);
                    throw;
                }
            }

            try
            {
                await entry.Raised;
                return;
            }
            catch (Exception)
            {
                // The first copy's raise failed (and its entry is gone): raise this one.
            }
        }
    }

    /// <summary>Forgets the command once it is decided (or refused before it was raised).</summary>
    public void End(string caseId, string commandKey) => raised.TryRemove((caseId, commandKey), out _);

    /// <summary>Drops expired entries, at most once a minute (commands answered 202 at once are never seen decided here).</summary>
    void Prune(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref lastPrune);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref lastPrune, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var pair in raised)
        {
            if (now - pair.Value.At >= RaiseAgainAfter && pair.Value.Raised.IsCompleted)
            {
                raised.TryRemove(pair);
            }
        }
    }
}
