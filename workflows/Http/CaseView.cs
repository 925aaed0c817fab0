using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Http;

/// <summary>
/// What a caller may see of a case. The stored state stays whole; handlers filter it per caller, for everyone but
/// investigators and admins (<see cref="SeesRestricted"/>):
/// <list type="bullet">
/// <item>restricted documents (<see cref="DocumentKinds.IsRestricted"/>) are left out: not listed, their fields
/// absent, not counted, and the history entries and processed command IDs that name them removed;</item>
/// <item>holds are shown without the investigator's free text (<see cref="Hold.WithoutReasons"/>): that a hold
/// exists, who placed or lifted it and when (signers need that), never why; the same for a withdrawal's reason.</item>
/// </list>
/// </summary>
public static class CaseView
{
    /// <summary>True when <paramref name="actor"/> sees restricted documents and hold reasons (investigator, admin).</summary>
    public static bool SeesRestricted(Actor actor) => DocumentKind.Investigation.VisibleTo(actor);

    /// <summary>The state as <paramref name="actor"/> may see it.</summary>
    public static CaseState For(CaseState state, Actor actor)
    {
        if (SeesRestricted(actor))
        {
            return state;
        }

        var hidden = state.Documents.Where(d => !d.Kind.VisibleTo(actor)).Select(d => d.DocumentId).ToList();
        bool Names(string text) => hidden.Any(id => text.Contains(id, StringComparison.Ordinal));
        return state with
        {
            Documents = state.Documents.RemoveAll(d => hidden.Contains(d.DocumentId)),
            History = hidden.Count == 0 ? state.History : state.History.RemoveAll(h => Names(h.CommandId) || Names(h.Detail)),
            ProcessedCommands = hidden.Count == 0 ? state.ProcessedCommands : state.ProcessedCommands.RemoveAll(Names),
            Holds = [.. state.Holds.Select(h => h.WithoutReasons())],
            Withdrawal = state.Withdrawal?.WithoutReason(),
        };
    }

    /// <summary>True when <paramref name="actor"/> may see the document <paramref name="documentId"/> of <paramref name="state"/> (false for unknown documents).</summary>
    public static bool CanSee(CaseState state, Actor actor, string documentId) =>
        state.Documents.FirstOrDefault(d => d.DocumentId == documentId) is { } d && d.Kind.VisibleTo(actor);
}
