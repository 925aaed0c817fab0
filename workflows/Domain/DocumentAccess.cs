using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>Who may upload and see documents of each kind (restricted kinds: investigators and admins only).</summary>
public static class DocumentAccess
{
    /// <summary>True when <paramref name="actor"/> may upload and see documents of <paramref name="kind"/>.</summary>
    public static bool VisibleTo(this DocumentKind kind, Actor actor) =>
        !kind.IsRestricted() || actor.Has(Roles.Investigator) || actor.Has(Roles.Admin);
}
