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
