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
/// <param name="Findings">Why the NIK is not valid (codes <c>nik.length</c>, <c>nik.format</c>, <c>nik.day</c>, <c>nik.invalid-date</c>,
/// <c>nik.province</c>, <c>nik.regency</c>, <c>nik.district</c>, <c>nik.serial</c>; see <see cref="Nik.Decode(string?, DateOnly)"/>); empty when valid.</param>
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
/// Decodes and validates the Indonesian NIK (UU 24/2013 on population administration; region codes per Permendagri 58/2021 on the
/// codes of government administrative areas). Bad input gives findings, never exceptions.
/// </summary>
public static class Nik
{
    /// <summary>
    /// The province codes (Kemendagri/Dukcapil, not BPS's) a NIK may start with: 11-19 and 21 (Sumatra), 31-36 (Java), 51-53 (Bali and
    /// Nusa Tenggara), 61-65 (Kalimantan), 71-76 (Sulawesi), 81-82 (Maluku), 91-96 (Papua). 93 Papua Selatan, 94 Papua Tengah and
    /// 95 Papua Pegunungan were coded by Kepmendagri 100.1.1-6117 of 2022 (UU 14, 15 and 16/2022), 96 Papua Barat Daya (UU 29/2022)
    /// by Kepmendagri 300.2.2-2138 of 2025; the older ones are in Permendagri 72/2019. A NIK keeps its codes for life, so a person
    /// registered before a split still carries the old province's code (e.g. 91 in Papua Selatan); codes are never reused.
    /// </summary>
    public static readonly IReadOnlySet<string> ProvinceCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    };

    /// <summary>
    /// Decodes <paramref name="nik"/> (surrounding whitespace ignored; nothing else is repaired).
    /// Century rule: the NIK carries a two-digit year; the birth date is 20YY when that date is on or before
    /// <paramref name="today"/>, else 19YY (a birth date is never in the future, so the age is always &gt;= 0;
    /// a person over 100 years old would be read 100 years too young, which the check against the case reveals).
    /// Findings, each naming the part that is wrong: <c>nik.length</c> (not 16 characters), <c>nik.format</c> (not all digits),
    /// <c>nik.day</c> (day not 01-31 or 41-71), <c>nik.invalid-date</c> (no such past date), <c>nik.province</c> (digits 1-2 not in
    /// <see cref="ProvinceCodes"/>), <c>nik.regency</c> (digits 3-4, the kabupaten/kota, are 00), <c>nik.district</c> (digits 5-6,
    /// the kecamatan, are 00), <c>nik.serial</c> (digits 13-16 are 0000). The region findings carry the wrong code in
    /// <see cref="Finding.Actual"/>. Whether a regency or district code exists is not checked (they change every year).
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
        if (!ProvinceCodes.Contains(value[..2]))
            findings.Add(new Finding("nik.province", "The NIK's province code (digits 1-2) is not a Kemendagri province code.", FieldNames.Nik, Actual: value[..2]));
        if (value[2..4] == "00")
            findings.Add(new Finding("nik.regency", "The NIK's regency/city code (digits 3-4) cannot be 00.", FieldNames.Nik, Actual: value[..4]));
        if (value[4..6] == "00")
            findings.Add(new Finding("nik.district", "The NIK's district code (digits 5-6) cannot be 00.", FieldNames.Nik, Actual: value[..6]));
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
