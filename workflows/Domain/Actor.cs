namespace Pulang.Workflows.Domain;

/// <summary>Who issued a command: the token's subject and roles, or the system itself.</summary>
/// <param name="Id">Stable user or client ID (token <c>sub</c>/<c>oid</c>); never a personal name in logs.</param>
/// <param name="Roles">Roles from the token.</param>
public sealed record Actor(string Id, IReadOnlyList<string> Roles)
{
    /// <summary>Pulang's own workflows (scan results, reminders).</summary>
    public static Actor System { get; } = new("system:pulang", []);

    /// <summary>Nobody: no roles, refused everything.</summary>
    public static Actor Anonymous { get; } = new("anonymous", []);

    /// <summary>True for Pulang's own workflows (compared by ID: roles lists do not compare by value).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsSystem => Id == System.Id;

    /// <summary>True when the actor holds <paramref name="role"/>.</summary>
    public bool Has(string role) => Roles.Contains(role, StringComparer.Ordinal);
}
