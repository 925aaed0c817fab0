namespace Pulang.Workflows.Domain;

/// <summary>
/// The roles a caller can hold (the <c>roles</c> claim of the bearer token; Entra ID app roles in Azure).
/// </summary>
public static class Roles
{
    /// <summary>Other systems (embassy manifest, ministries) that start cases.</summary>
    public const string Intake = "intake";
    /// <summary>Centre staff who upload scans.</summary>
    public const string Uploader = "uploader";
    /// <summary>Staff who confirm or correct what OCR read.</summary>
    public const string Verifier = "verifier";
    /// <summary>Social worker who submits the asesmen.</summary>
    public const string Assessor = "assessor";
    /// <summary>Assessment supervisor who approves or sends back the asesmen.</summary>
    public const string AssessmentApprover = "assessment-approver";
    /// <summary>KemenP2MI official who signs off for that ministry.</summary>
    public const string P2miSigner = "p2mi-signer";
    /// <summary>Kemensos official who signs off for that ministry.</summary>
    public const string KemensosSigner = "kemensos-signer";
    /// <summary>Law enforcement liaison who places and lifts investigation holds.</summary>
    public const string Investigator = "investigator";
    /// <summary>May read cases, nothing else.</summary>
    public const string Reader = "reader";
    /// <summary>May withdraw cases and read everything.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, for validation and token minting.</summary>
    public static readonly IReadOnlyList<string> All =
        [Intake, Uploader, Verifier, Assessor, AssessmentApprover, P2miSigner, KemensosSigner, Investigator, Reader, Admin];

    /// <summary>The role that may sign for <paramref name="ministry"/>.</summary>
    public static string SignerFor(Ministry ministry) => ministry switch
    {
        Ministry.KemenP2MI => P2miSigner,
        Ministry.Kemensos => KemensosSigner,
        _ => throw new ArgumentOutOfRangeException(nameof(ministry)),
    };
}

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

/// <summary>The two ministries whose sign-off releases a case.</summary>
public enum Ministry
{
    /// <summary>Kementerian Pelindungan Pekerja Migran Indonesia.</summary>
    KemenP2MI,
    /// <summary>Kementerian Sosial.</summary>
    Kemensos,
}

/// <summary>Route names of the ministries: <c>kemenp2mi</c>, <c>kemensos</c>.</summary>
public static class Ministries
{
    /// <summary>Parses the route segment (case-insensitive).</summary>
    public static bool TryParse(string? route, out Ministry ministry)
    {
        switch (route?.ToLowerInvariant())
        {
            case "kemenp2mi": ministry = Ministry.KemenP2MI; return true;
            case "kemensos": ministry = Ministry.Kemensos; return true;
            default: ministry = default; return false;
        }
    }
}

/// <summary>Where a case stands.</summary>
public enum Stage
{
    /// <summary>Intake recorded; the orchestration has not run yet.</summary>
    Registered,
    /// <summary>Waiting for the required documents to be scanned and accepted.</summary>
    DocumentsPending,
    /// <summary>Waiting for the asesmen to be submitted and approved.</summary>
    AssessmentPending,
    /// <summary>Waiting for both ministries to sign off the current dossier.</summary>
    SignOffPending,
    /// <summary>An investigation hold is open; release is blocked.</summary>
    OnHold,
    /// <summary>Both ministries signed off; the person may go home. Final.</summary>
    Released,
    /// <summary>The case was withdrawn. Final.</summary>
    Withdrawn,
}
