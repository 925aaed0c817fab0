namespace Pulang.Workflows.Documents;

/// <summary>
/// A decoded NIK (Nomor Induk Kependudukan, the 16-digit national identity number on the KTP and KK).
/// Layout: province (2) · regency/city (2) · district (2) · birth date DDMMYY with DD+40 for women · serial (4).
/// </summary>
/// <param name="Value">The 16 digits as given (or the input trimmed, when invalid).</param>
/// <param name="ProvinceCode">Digits 1-2, e.g. <c>35</c> (Jawa Timur); null when the shape is wrong.</param>
/// <param name="RegencyCode">Digits 1-4, e.g. <c>3507</c> (Kab. Malang).</param>
/// <param name="DistrictCode">Digits 1-6, e.g. <c>350712</c>.</param>
/// <param name="BirthDate">Decoded birth date (see <see cref="Nik.Decode(string?, DateOnly)"/> for the century rule), or null.</param>
/// <param name="Sex">'F' when the day is 41-71, 'M' when 1-31, null when undecodable.</param>
/// <param name="Serial">Digits 13-16.</param>
/// <param name="Findings">Why the NIK is not valid (codes <c>nik.length</c>, <c>nik.format</c>, <c>nik.day</c>, <c>nik.invalid-date</c>, <c>nik.region</c>, <c>nik.serial</c>); empty when valid.</param>
public sealed record NikReading(
    string Value,
    string? ProvinceCode,
    string? RegencyCode,
    string? DistrictCode,
    DateOnly? BirthDate,
    char? Sex,
    string? Serial,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>True when the NIK has the right shape and encodes a real date.</summary>
    public bool IsValid => Findings.Count == 0;
}

/// <summary>
/// Decodes and validates the Indonesian NIK (Permendagri on the population administration number). Bad input gives findings, never exceptions.
/// </summary>
public static class Nik
{
    /// <summary>
    /// Decodes <paramref name="nik"/> (surrounding whitespace ignored; nothing else is repaired).
    /// Century rule: the NIK carries a two-digit year; the birth date is 20YY when that date is on or before
    /// <paramref name="today"/>, else 19YY (a birth date is never in the future, so the age is always &gt;= 0;
    /// a person over 100 years old would be read 100 years too young, which the check against the case reveals).
    /// </summary>
    /// <param name="nik">The NIK text.</param>
    /// <param name="today">Reference date for the century rule.</param>
    public static NikReading Decode(string? nik, DateOnly today)
    {
        var value = (nik ?? string.Empty).Trim();
        var findings = new List<Finding>();
        if (value.Length != 16)
            findings.Add(new Finding("nik.length", $"A NIK has 16 digits; this one has {value.Length} characters.", FieldNames.Nik, Actual: null));
        if (!value.All(char.IsAsciiDigit))
            findings.Add(new Finding("nik.format", "A NIK has digits only.", FieldNames.Nik));
        if (findings.Count > 0) return new NikReading(value, null, null, null, null, null, null, findings);

        var day = int.Parse(value.AsSpan(6, 2));
        var month = int.Parse(value.AsSpan(8, 2));
        var yy = int.Parse(value.AsSpan(10, 2));
        char? sex = day switch { >= 1 and <= 31 => 'M', >= 41 and <= 71 => 'F', _ => null };
        DateOnly? birth = null;
        if (sex is null)
        {
            findings.Add(new Finding("nik.day", "The NIK's day of birth must be 01-31 (men) or 41-71 (women).", FieldNames.Nik));
        }
        else
        {
            var d = sex == 'F' ? day - 40 : day;
            birth = TryDate(2000 + yy, month, d) is { } a && a <= today ? a
                : TryDate(1900 + yy, month, d) is { } b && b <= today ? b : null;
            if (birth is null)
                findings.Add(new Finding("nik.invalid-date", "The NIK does not encode a real past date of birth.", FieldNames.Nik));
        }
        if (value.StartsWith("00", StringComparison.Ordinal))
            findings.Add(new Finding("nik.region", "The NIK's province code cannot be 00.", FieldNames.Nik));
        if (value.EndsWith("0000", StringComparison.Ordinal))
            findings.Add(new Finding("nik.serial", "The NIK's serial number cannot be 0000.", FieldNames.Nik));

        return new NikReading(value, value[..2], value[..4], value[..6], birth, sex, value[12..], findings);
    }

    /// <summary>
    /// Reads a 16-character OCR token as a NIK, replacing only letters that OCR confuses with digits (O/D/Q→0, I/L/|→1, Z→2,
    /// S→5, G→6, T→7, B→8): a NIK position can only be a digit, so the format proves these. Returns null when the token
    /// (after removing spaces) is not 16 characters or holds any other non-digit.
    /// </summary>
    public static string? FromOcrToken(string? token)
    {
        if (token is null) return null;
        var chars = token.Where(c => !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant).ToArray();
        if (chars.Length != 16) return null;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                >= '0' and <= '9' => chars[i],
                'O' or 'D' or 'Q' => '0',
                'I' or 'L' or '|' or '!' => '1',
                'Z' => '2',
                'S' => '5',
                'G' => '6',
                'T' => '7',
                'B' => '8',
                _ => '\0',
            };
            if (chars[i] == '\0') return null;
        }
        return new string(chars);
    }

    static DateOnly? TryDate(int y, int m, int d) =>
        m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m) ? new DateOnly(y, m, d) : null;
}
