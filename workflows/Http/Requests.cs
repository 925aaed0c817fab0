using System.Globalization;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Http;

/// <summary>
/// Intake body (<c>POST /api/cases</c>, and the <c>case-intake</c> queue message). Dates are ISO 8601
/// <c>yyyy-MM-dd</c>; <c>sex</c> is <c>F</c> or <c>M</c> (ICAO 9303), <c>P</c>/<c>L</c> (perempuan/laki-laki) also accepted.
/// </summary>
public sealed record IntakeRequest(
    string? ExternalReference,
    string? FullName,
    string? Sex,
    string? BirthDate,
    string? OriginRegion,
    string? PlacementCountry,
    string? ArrivalDate,
    string? Nik)
{
    /// <summary>Validates and converts; errors by field name.</summary>
    public CaseIntake? Validate(DateOnly today, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var e = errors;
        string? Text(string name, string? value, int max)
        {
            if (string.IsNullOrWhiteSpace(value)) { e[name] = [$"{name} is required."]; return null; }
            var v = value.Trim();
            if (v.Length > max) { e[name] = [$"{name} is longer than {max} characters."]; return null; }
            if (v.Any(char.IsControl)) { e[name] = [$"{name} contains control characters."]; return null; }
            return v;
        }

        DateOnly? Date(string name, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) { e[name] = [$"{name} is required (yyyy-MM-dd)."]; return null; }
            if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                e[name] = [$"{name} '{Problems.Shorten(value)}' is not a valid date in the form yyyy-MM-dd."];
                return null;
            }

            if (d > today) { e[name] = [$"{name} is in the future."]; return null; }
            if (d.Year < 1900) { e[name] = [$"{name} is before 1900."]; return null; }
            return d;
        }

        var reference = Text("externalReference", ExternalReference, 200);
        var name = Text("fullName", FullName, 200);
        var region = Text("originRegion", OriginRegion, 200);
        var country = Text("placementCountry", PlacementCountry, 100);
        var birth = Date("birthDate", BirthDate);
        var arrival = Date("arrivalDate", ArrivalDate);
        char? sex = Sex?.Trim().ToUpperInvariant() switch
        {
            "F" or "P" or "PEREMPUAN" => 'F',
            "M" or "L" or "LAKI-LAKI" => 'M',
            _ => null,
        };
        if (sex is null)
        {
            e["sex"] = ["sex must be F or M."];
        }

        var nik = string.IsNullOrWhiteSpace(Nik) ? null : Nik.Trim();
        if (nik is not null && (nik.Length != 16 || !nik.All(char.IsAsciiDigit)))
        {
            e["nik"] = ["nik must be 16 digits."];
        }

        if (birth is { } b && arrival is { } a && a < b)
        {
            e["arrivalDate"] = ["arrivalDate is before birthDate."];
        }

        return e.Count > 0 ? null : new CaseIntake(reference!, name!.ToUpperInvariant(), sex!.Value, birth!.Value, region!, country!, arrival!.Value, nik);
    }
}

/// <summary>Body of <c>POST .../assessment</c>.</summary>
public sealed record AssessmentRequest(string? Summary, string? Recommendation);

/// <summary>Body of <c>POST .../assessment/decision</c>: <c>approve</c> true, or false with a <c>reason</c>.</summary>
public sealed record AssessmentDecisionRequest(bool? Approve, string? Reason);

/// <summary>Body of <c>POST .../signoffs/{ministry}</c>: the dossier digest the signer reviewed.</summary>
public sealed record SignOffRequest(bool? Approve, string? DossierDigest, string? Reason);

/// <summary>Body of <c>POST .../holds</c>.</summary>
public sealed record HoldRequest(string? Reason);

/// <summary>Body of <c>POST .../withdraw</c> and optional body of <c>DELETE .../holds/{holdId}</c>.</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>
/// Body of <c>POST .../documents/{documentId}/verification</c>: corrections by field name (<see cref="Verification.CorrectableFields"/>),
/// a note, and the finding codes the verifier acknowledges (a note is then required). Example:
/// <c>{"corrections":{"passportNumber":"X1234567"},"note":"checked against the paper","acknowledge":["cross.name-mismatch"]}</c>.
/// </summary>
public sealed record VerificationRequest(Dictionary<string, string>? Corrections, string? Note, List<string>? Acknowledge = null);
