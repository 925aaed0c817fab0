using System.Globalization;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Cases;

/// <summary>
/// Intake body (<c>POST /api/cases</c>, and the <c>case-intake</c> queue message). Dates are ISO 8601
/// <c>yyyy-MM-dd</c>; <c>sex</c> is <c>F</c> or <c>M</c> (ICAO 9303), <c>P</c>/<c>L</c> (perempuan/laki-laki) also accepted.
/// Every field is nullable so a missing one is a 400 naming it (<see cref="Validate"/>), not a parse error.
/// </summary>
/// <param name="ExternalReference">The sender's own reference for the case (required, at most 200 characters); the same
/// reference twice starts one case (the second call answers 200 with the existing case ID).</param>
/// <param name="FullName">The PMI's full name as in the passport (required, at most 200 characters, a name by
/// <see cref="NameText.PersonNameError"/>: letters, marks, spaces, apostrophes, hyphens, periods; stored in upper case).</param>
/// <param name="Sex"><c>F</c> or <c>M</c> (ICAO 9303 sex field); <c>P</c>/<c>PEREMPUAN</c> and <c>L</c>/<c>LAKI-LAKI</c> are
/// accepted too (required).</param>
/// <param name="BirthDate">Date of birth, <c>yyyy-MM-dd</c> (required; not in the future, not before 1900).</param>
/// <param name="OriginRegion">Region of origin in Indonesia (kabupaten/kota or province; required, at most 200 characters, a place
/// name by <see cref="NameText.PlaceNameError"/>).</param>
/// <param name="PlacementCountry">Country the PMI worked in (required, at most 100 characters, a place name).</param>
/// <param name="ArrivalDate">Date of arrival back in Indonesia, <c>yyyy-MM-dd</c> (required; not before the birth date, not
/// in the future).</param>
/// <param name="Nik">Nomor Induk Kependudukan (the KTP's 16-digit population number), if known; checked by <see cref="Documents.Nik.Decode"/>
/// (16 digits encoding a real past date, a Kemendagri province code, regency, district and serial not zero) and compared with the NIK
/// read from the KTP scan.</param>
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
                e[name] = [$"{name} '{InputText.Shorten(value)}' is not a valid date in the form yyyy-MM-dd."];
                return null;
            }

            if (d > today) { e[name] = [$"{name} is in the future."]; return null; }
            if (d.Year < 1900) { e[name] = [$"{name} is before 1900."]; return null; }
            return d;
        }

        string? Name(string name, string? value, int max, Func<string, string?> rule)
        {
            var v = Text(name, value, max);
            if (v is not null && rule(v) is { } error) { e[name] = [$"{name}: {error}"]; return null; }
            return v;
        }

        var reference = Text("externalReference", ExternalReference, 200);
        var name = Name("fullName", FullName, NameText.MaxLength, NameText.PersonNameError);
        var region = Name("originRegion", OriginRegion, 200, NameText.PlaceNameError);
        var country = Name("placementCountry", PlacementCountry, 100, NameText.PlaceNameError);
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
        if (nik is not null && Documents.Nik.Decode(nik, today).Findings is { Count: > 0 } nikFindings)
        {
            // The NIK rules (Nik.Decode): 16 digits, a real date, a Kemendagri province, regency, district and serial not zero.
            e["nik"] = [.. nikFindings.Select(f => $"nik must be a valid NIK of 16 digits: {f.Message} ({f.Code})")];
        }

        if (birth is { } b && arrival is { } a && a < b)
        {
            e["arrivalDate"] = ["arrivalDate is before birthDate."];
        }

        return e.Count > 0 ? null : new CaseIntake(reference!, name!.ToUpperInvariant(), sex!.Value, birth!.Value, region!, country!, arrival!.Value, nik);
    }
}
