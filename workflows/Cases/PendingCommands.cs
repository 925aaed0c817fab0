using System.Collections.Concurrent;

namespace Pulang.Workflows.Cases;

/// <summary>
/// The commands this process has raised to their case (external event <see cref="Domain.CaseEvents.Command"/>)
/// and not yet seen decided, by case ID and command ID. A client that times out sends the same command again (same
/// Idempotency-Key, so the same command ID); the case would take every copy as an event and decide each as a repeat,
/// so under load, the slower the case, the more copies it gets. A copy that comes while the first is pending is not
/// raised again; its request waits for the first one's decision. Raised events are durable (a queue message), so the
/// first copy is not lost; after <see cref="RaiseAgainAfter"/>, or in another process, a copy is raised again.
/// </summary>
public sealed class PendingCommands(TimeProvider time)
{
    /// <summary>How long a raised command counts as pending in this process (5 min).</summary>
    public static readonly TimeSpan RaiseAgainAfter = TimeSpan.FromMinutes(5);

    /// <summary>Entries kept before expired ones are dropped.</summary>
    const int PruneAbove = 10_000;

    readonly ConcurrentDictionary<(string CaseId, string CommandId), DateTimeOffset> raised = new();

    /// <summary>
    /// True when the command is to be raised now (and it is then counted as pending); false while a copy raised by this
    /// process less than <see cref="RaiseAgainAfter"/> ago is pending.
    /// </summary>
    public bool TryBegin(string caseId, string commandId)
    {
        var now = time.GetUtcNow();
        if (raised.Count > PruneAbove)
        {
            foreach (var (key, at) in raised)
            {
                if (now - at >= RaiseAgainAfter)
                {
                    raised.TryRemove(key, out _);
                }
            }
        }

        var added = false;
        raised.AddOrUpdate((caseId, commandId), _ => { added = true; return now; }, (_, at) =>
        {
            added = now - at >= RaiseAgainAfter;
            return added ? now : at;
        });
        return added;
    }

    /// <summary>Forgets the command: it was decided, or raising it failed (so the next copy is raised).</summary>
    public void End(string caseId, string commandId) => raised.TryRemove((caseId, commandId), out _);
}
