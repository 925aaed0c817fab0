namespace Pulang.Workflows.Domain;

/// <summary>Case IDs (each the case orchestration's instance ID): <c>PLG-</c> and 10 Crockford base32 characters (50 random bits).</summary>
public static class CaseIds
{
    /// <summary>True for IDs that <see cref="New"/> can produce.</summary>
    public static bool IsValid(string? id) => Identifiers.Matches(id, "PLG-", 10);

    /// <summary>A new random case ID, e.g. <c>PLG-7K2M9Q4XDR</c>.</summary>
    public static string New() => Identifiers.Random("PLG-", 10);
}
