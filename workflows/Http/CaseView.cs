using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Http;

/// <summary>
/// What a caller may see of a case. The stored state stays whole; handlers filter it per caller: restricted
/// documents (<see cref="DocumentKinds.IsRestricted"/>) are left out for everyone but investigators and admins:
/// not listed, their fields absent, not counted, and the history entries and processed command IDs that name
/// them removed.
/// </summary>
public static class CaseView
{
    /// <summary>The state as <paramref name="actor"/> may see it.</summary>
    public static CaseState For(CaseState state, Actor actor)
    {
        var hidden = state.Documents.Where(d => !d.Kind.VisibleTo(actor)).Select(d => d.DocumentId).ToList();
        if (hidden.Count == 0)
        {
            return state;
        }

        bool Names(string text) => hidden.Any(id => text.Contains(id, StringComparison.Ordinal));
        return state with
        {
            Documents = state.Documents.RemoveAll(d => hidden.Contains(d.DocumentId)),
            History = state.History.RemoveAll(h => Names(h.CommandId) || Names(h.Detail)),
            ProcessedCommands = state.ProcessedCommands.RemoveAll(Names),
        };
    }

    /// <summary>True when <paramref name="actor"/> may see the document <paramref name="documentId"/> of <paramref name="state"/> (false for unknown documents).</summary>
    public static bool CanSee(CaseState state, Actor actor, string documentId) =>
        state.Documents.FirstOrDefault(d => d.DocumentId == documentId) is { } d && d.Kind.VisibleTo(actor);
}
