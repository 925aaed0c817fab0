using System.Text;

namespace Pulang.Workflows.Ocr;

/// <summary>
/// The fields every ICAO 9303 machine readable zone carries, whatever its size: <see cref="MrzTd3"/> (passport) or
/// <see cref="MrzCard"/> (TD1, TD2). Names upper case single-spaced; dates null when not a calendar date.
/// </summary>
public interface IMachineReadableZone
{
    /// <summary><c>TD1</c> (3 lines of 30), <c>TD2</c> (2 of 36) or <c>TD3</c> (2 of 44).</summary>
    string Format { get; }
    /// <summary>The lines exactly as parsed, top to bottom.</summary>
    IReadOnlyList<string> Lines { get; }
    /// <summary>Document code without fillers, e.g. <c>P</c>, <c>I</c>, <c>ID</c>.</summary>
    string DocumentType { get; }
    /// <summary>ICAO 3-letter code of the issuing state or organization.</summary>
    string IssuingState { get; }
    /// <summary>Primary identifier.</summary>
    string Surname { get; }
    /// <summary>Secondary identifier; may be empty.</summary>
    string GivenNames { get; }
    /// <summary>Given names then surname, single-spaced.</summary>
    string FullName { get; }
    /// <summary>Document number without fillers (for TD1/TD2 with its overflow from the optional data, if any).</summary>
    string DocumentNumber { get; }
    /// <summary>ICAO 3-letter nationality code.</summary>
    string Nationality { get; }
    /// <summary>Date of birth, or null.</summary>
    DateOnly? BirthDate { get; }
    /// <summary><c>F</c>, <c>M</c>, <c>X</c> (unspecified) or <c>?</c> (not a sex code).</summary>
    char Sex { get; }
    /// <summary>Date of expiry, or null.</summary>
    DateOnly? ExpiryDate { get; }
    /// <summary>Check digit and format failures (<c>check-digit:…</c>, <c>date:…</c>, <c>format:…</c>); empty when valid.</summary>
    IReadOnlyList<string> Errors { get; }
    /// <summary>True when <see cref="Errors"/> is empty.</summary>
    bool IsValid { get; }
}

/// <summary>
/// A parsed TD3 (passport) machine readable zone, ICAO Doc 9303 Part 4 §4.2.2: two lines of 44 characters.
/// Names are as in the MRZ with fillers turned into single spaces (upper case, no diacritics);
/// dates are decoded with <see cref="Mrz"/>'s century rules and are null when the six digits are not a calendar date.
/// </summary>
/// <param name="Line1">Line 1 exactly as parsed (44 characters).</param>
/// <param name="Line2">Line 2 exactly as parsed (44 characters).</param>
/// <param name="DocumentType">Positions 1-2 of line 1 without fillers, e.g. <c>P</c> or <c>PB</c>.</param>
/// <param name="IssuingState">ICAO 3-letter code of the issuing state or organization, e.g. <c>IDN</c>.</param>
/// <param name="Surname">Primary identifier, e.g. <c>WULANDARI</c>.</param>
/// <param name="GivenNames">Secondary identifier, e.g. <c>SRI RAHAYU</c>; empty when the holder has one name only.</param>
/// <param name="DocumentNumber">Document number without trailing fillers, e.g. <c>C4821937</c>.</param>
/// <param name="DocumentNumberCheckDigit">Check digit character as printed (line 2 position 10).</param>
/// <param name="Nationality">ICAO 3-letter nationality code.</param>
/// <param name="BirthDate">Date of birth (always in the past relative to the parse date), or null if not a valid date.</param>
/// <param name="BirthDateCheckDigit">Check digit as printed (line 2 position 20).</param>
/// <param name="Sex"><c>F</c>, <c>M</c> or <c>X</c> (unspecified, printed as '&lt;').</param>
/// <param name="ExpiryDate">Date of expiry (century from a window of 50 years back to 49 years ahead), or null.</param>
/// <param name="ExpiryDateCheckDigit">Check digit as printed (line 2 position 28).</param>
/// <param name="OptionalData">Personal number / optional data without trailing fillers; may be empty.</param>
/// <param name="OptionalDataCheckDigit">Check digit as printed (line 2 position 43); '&lt;' allowed when the optional data is empty.</param>
/// <param name="CompositeCheckDigit">Composite check digit as printed (line 2 position 44).</param>
/// <param name="Errors">Check digit and format failures as stable codes with the field, e.g. <c>check-digit:documentNumber</c>; empty when valid.</param>
public sealed record MrzTd3(
    string Line1,
    string Line2,
    string DocumentType,
    string IssuingState,
    string Surname,
    string GivenNames,
    string DocumentNumber,
    char DocumentNumberCheckDigit,
    string Nationality,
    DateOnly? BirthDate,
    char BirthDateCheckDigit,
    char Sex,
    DateOnly? ExpiryDate,
    char ExpiryDateCheckDigit,
    string OptionalData,
    char OptionalDataCheckDigit,
    char CompositeCheckDigit,
    IReadOnlyList<string> Errors) : IMachineReadableZone
{
    /// <summary>True when every check digit (document number, birth, expiry, optional data, composite) and both dates are valid.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Given names then surname, single-spaced, e.g. <c>SRI RAHAYU WULANDARI</c>.</summary>
    public string FullName => string.IsNullOrEmpty(GivenNames) ? Surname : $"{GivenNames} {Surname}";

    /// <summary>Always <c>TD3</c>.</summary>
    public string Format => "TD3";

    /// <summary><see cref="Line1"/> and <see cref="Line2"/>.</summary>
    public IReadOnlyList<string> Lines => [Line1, Line2];
}

/// <summary>
/// A parsed TD1 (ICAO Doc 9303 Part 5 §4.2.2: three lines of 30, an ID card) or TD2 (Part 6 §4.2.2: two lines of 36) machine readable
/// zone of a machine readable official travel document (MROTD). Parsed by <see cref="Mrz.ParseTd1"/> and <see cref="Mrz.ParseTd2"/>
/// exactly as read: never repaired.
/// </summary>
/// <param name="Format"><c>TD1</c> or <c>TD2</c>.</param>
/// <param name="Lines">The lines exactly as parsed (3 × 30 or 2 × 36).</param>
/// <param name="DocumentType">Document code without fillers (first character A, C or I), e.g. <c>I</c> or <c>ID</c>.</param>
/// <param name="IssuingState">ICAO 3-letter code of the issuing state or organization.</param>
/// <param name="Surname">Primary identifier.</param>
/// <param name="GivenNames">Secondary identifier; empty when the holder has one name only.</param>
/// <param name="DocumentNumber">Document number without fillers. A number longer than 9 characters is the 9 printed in the
/// document number field followed by its overflow from the optional data (Part 5, note j to the data structure; Part 6 likewise).</param>
/// <param name="DocumentNumberCheckDigit">The document number's check digit as printed (after the overflow for a long number).</param>
/// <param name="Nationality">ICAO 3-letter nationality code.</param>
/// <param name="BirthDate">Date of birth (never after the parse date), or null if not a valid date.</param>
/// <param name="BirthDateCheckDigit">Check digit as printed.</param>
/// <param name="Sex"><c>F</c>, <c>M</c>, <c>X</c> (unspecified, printed as '&lt;') or <c>?</c>.</param>
/// <param name="ExpiryDate">Date of expiry (century window as for TD3), or null.</param>
/// <param name="ExpiryDateCheckDigit">Check digit as printed.</param>
/// <param name="OptionalData">TD1: optional data of line 1 (after a long number's overflow and check digit); TD2: optional data of
/// line 2 (likewise); without fillers at either end; may be empty.</param>
/// <param name="OptionalData2">TD1: optional data of line 2 without trailing fillers; always empty for TD2.</param>
/// <param name="CompositeCheckDigit">Composite check digit as printed (TD1 line 2 position 30; TD2 line 2 position 36).</param>
/// <param name="Errors">Failures as stable codes, as for <see cref="MrzTd3.Errors"/>; empty when valid.</param>
public sealed record MrzCard(
    string Format,
    IReadOnlyList<string> Lines,
    string DocumentType,
    string IssuingState,
    string Surname,
    string GivenNames,
    string DocumentNumber,
    char DocumentNumberCheckDigit,
    string Nationality,
    DateOnly? BirthDate,
    char BirthDateCheckDigit,
    char Sex,
    DateOnly? ExpiryDate,
    char ExpiryDateCheckDigit,
    string OptionalData,
    string OptionalData2,
    char CompositeCheckDigit,
    IReadOnlyList<string> Errors) : IMachineReadableZone
{
    /// <summary>True when every check digit (document number, birth date, expiry date, composite), both dates and the formats are valid.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Given names then surname, single-spaced, e.g. <c>ANNA MARIA ERIKSSON</c>.</summary>
    public string FullName => string.IsNullOrEmpty(GivenNames) ? Surname : $"{GivenNames} {Surname}";
}

/// <summary>
/// The outcome of <see cref="Mrz.TryRepair(string?, string?, DateOnly)"/>.
/// </summary>
/// <param name="Mrz">The parsed MRZ when <see cref="IsValid"/>; otherwise the best parse of the normalized input (if its shape allowed one), for review.</param>
/// <param name="IsValid">True only when exactly one candidate reading passes every check digit including the composite.</param>
/// <param name="Corrections">How many characters were changed beyond normalization (spaces, case, filler padding).</param>
/// <param name="Reason">Why it is not valid (<c>shape</c>, <c>check-digits</c>, <c>format</c>: only format errors such as a digit in a
/// name, <c>ambiguous</c>), or null when valid.</param>
public sealed record MrzRepairResult(MrzTd3? Mrz, bool IsValid, int Corrections, string? Reason)
{
    /// <summary>
    /// Characters <see cref="Mrz.TryRepair(string?, string?, DateOnly)"/> replaced by a look-alike at a position where the format
    /// allows both (document number, optional data: e.g. 8 read, B kept), decided by the check digits alone. A one-character change
    /// in the image (a forgery, a print fault) that happens to agree with the check digits looks exactly the same, so a reader
    /// without per-cell scores must let a person confirm these. Empty when nothing was replaced, or only format-typed characters
    /// (a letter in a digit position, a digit in a letter position), where the format allows one reading only.
    /// </summary>
    public IReadOnlyList<MrzCorrection> LookAlikeCorrections { get; init; } = [];
}

/// <summary>One character <see cref="Mrz.TryRepair(string?, string?, DateOnly)"/> replaced by its look-alike.</summary>
/// <param name="Line">1-based MRZ line.</param>
/// <param name="Position">0-based position in the line.</param>
/// <param name="Read">The character as read.</param>
/// <param name="Corrected">The character in the valid MRZ.</param>
public sealed record MrzCorrection(int Line, int Position, char Read, char Corrected);

/// <summary>
/// ICAO Doc 9303 machine readable zone: check digits (Part 3 §4.9), TD3 parsing (Part 4 §4.2.2),
/// and a conservative repair of OCR output that accepts only what the format and the check digits prove;
/// TD1 (Part 5) and TD2 (Part 6) parsing, without any repair.
/// </summary>
public static class Mrz
{
    /// <summary>Length of a TD3 line (ICAO 9303 Part 4).</summary>
    public const int Td3LineLength = 44;

    /// <summary>
    /// What each TD3 cell may hold by format (ICAO 9303 Part 4 §4.2.2), one code per cell: <c>9</c> a digit, <c>8</c> a digit or
    /// '&lt;' (the optional data check digit), <c>A</c> a letter or '&lt;', <c>a</c> any of 0-9, A-Z, '&lt;', <c>s</c> F, M or '&lt;'.
    /// Line 1: document code, issuing state, names (all letters or fillers); line 2: document number (alphanumeric), its check digit,
    /// nationality, birth date and check digit, sex, expiry and check digit, optional data, its check digit, composite check digit.
    /// </summary>
    public static readonly IReadOnlyList<string> Td3Pattern =
    [
        new string('A', 44),
        "aaaaaaaaa" + "9" + "AAA" + "999999" + "9" + "s" + "999999" + "9" + "aaaaaaaaaaaaaa" + "8" + "9",
    ];

    static readonly int[] Weights = [7, 3, 1];

    /// <summary>
    /// The check digit of <paramref name="data"/> per ICAO 9303 Part 3 §4.9: digits keep their value, A-Z count 10-35,
    /// the filler '&lt;' counts 0; values are multiplied by the repeating weights 7, 3, 1 and summed; the result is the sum modulo 10.
    /// </summary>
    /// <returns>0-9, or -1 when <paramref name="data"/> holds a character outside 0-9, A-Z and '&lt;'.</returns>
    public static int CheckDigit(ReadOnlySpan<char> data)
    {
        var sum = 0;
        for (var i = 0; i < data.Length; i++)
        {
            var v = CharValue(data[i]);
            if (v < 0) return -1;
            sum += v * Weights[i % 3];
        }
        return sum % 10;
    }

    static int CharValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'Z' => c - 'A' + 10,
        '<' => 0,
        _ => -1,
    };

    /// <summary>True when <paramref name="printed"/> is the check digit of <paramref name="data"/>.</summary>
    public static bool CheckDigitMatches(ReadOnlySpan<char> data, char printed)
    {
        var cd = CheckDigit(data);
        return cd >= 0 && printed == (char)('0' + cd);
    }

    /// <summary>
    /// Parses two TD3 lines exactly as given (no repair). Returns null when the shape is wrong: a line is not
    /// 44 characters of 0-9, A-Z and '&lt;', or line 1 does not start with 'P'. Check digit failures do not return null:
    /// they are listed in <see cref="MrzTd3.Errors"/>.
    /// </summary>
    /// <param name="line1">First line (44 characters).</param>
    /// <param name="line2">Second line (44 characters).</param>
    /// <param name="today">The date the century rules are relative to (birth dates are never after it).</param>
    public static MrzTd3? ParseTd3(string? line1, string? line2, DateOnly today)
    {
        if (line1 is null || line2 is null || line1.Length != Td3LineLength || line2.Length != Td3LineLength) return null;
        if (!IsMrzCharset(line1) || !IsMrzCharset(line2) || line1[0] != 'P') return null;

        var errors = new List<string>();
        var names = line1[5..];
        var sep = names.IndexOf("<<", StringComparison.Ordinal);
        var surname = Fillers(sep < 0 ? names : names[..sep]);
        var given = sep < 0 ? string.Empty : Fillers(names[(sep + 2)..]);

        var docNo = line2[..9];
        if (!CheckDigitMatches(docNo, line2[9])) errors.Add("check-digit:documentNumber");
        var birthRaw = line2.Substring(13, 6);
        if (!CheckDigitMatches(birthRaw, line2[19])) errors.Add("check-digit:birthDate");
        var birth = BirthDateFromYymmdd(birthRaw, today);
        if (birth is null) errors.Add("date:birthDate");
        var sex = line2[20] switch { 'F' => 'F', 'M' => 'M', '<' => 'X', _ => '?' };
        if (sex == '?') errors.Add("format:sex");
        var expiryRaw = line2.Substring(21, 6);
        if (!CheckDigitMatches(expiryRaw, line2[27])) errors.Add("check-digit:expiryDate");
        var expiry = ExpiryDateFromYymmdd(expiryRaw, today);
        if (expiry is null) errors.Add("date:expiryDate");
        var optional = line2.Substring(28, 14);
        var optionalOk = CheckDigitMatches(optional, line2[42]) || (optional.All(c => c == '<') && line2[42] == '<');
        if (!optionalOk) errors.Add("check-digit:optionalData");
        var composite = string.Concat(line2.AsSpan(0, 10), line2.AsSpan(13, 7), line2.AsSpan(21, 22));
        if (!CheckDigitMatches(composite, line2[43])) errors.Add("check-digit:composite");
        if (!line2.Substring(10, 3).All(c => c is >= 'A' and <= 'Z' or '<')) errors.Add("format:nationality");
        if (!line1.Substring(2, 3).All(c => c is >= 'A' and <= 'Z' or '<')) errors.Add("format:issuingState");
        if (!names.All(c => c is >= 'A' and <= 'Z' or '<')) errors.Add("format:name");

        return new MrzTd3(
            line1, line2,
            line1[..2].TrimEnd('<'), line1.Substring(2, 3).Replace("<", ""), surname, given,
            docNo.TrimEnd('<'), line2[9],
            line2.Substring(10, 3).Replace("<", ""),
            birth, line2[19], sex, expiry, line2[27],
            optional.TrimEnd('<'), line2[42], line2[43],
            errors);
    }

    /// <summary>Length of a TD1 line (ICAO 9303 Part 5).</summary>
    public const int Td1LineLength = 30;

    /// <summary>Length of a TD2 line (ICAO 9303 Part 6).</summary>
    public const int Td2LineLength = 36;

    /// <summary>
    /// Parses a TD1 MRZ (ICAO 9303 Part 5 §4.2.2, three lines of 30) exactly as given. No repair of any kind: OCR output with a
    /// wrong character fails its check digits and is for a person to review. Returns null when the shape is wrong: a line is
    /// not 30 characters of 0-9, A-Z and '&lt;', or the document code does not start with A, C or I.
    /// Line 1: document code (1-2), issuing state (3-5), document number (6-14), its check digit (15), optional data (16-30).
    /// Line 2: birth date (1-6) and check digit (7), sex (8), expiry date (9-14) and check digit (15), nationality (16-18),
    /// optional data (19-29), composite check digit (30) over line 1 positions 6-30 and line 2 positions 1-7, 9-15 and 19-29.
    /// Line 3: names. A document number longer than 9 characters has '&lt;' at position 15; its remaining characters open the
    /// optional data, followed by the check digit of the whole number (all its characters, without the '&lt;') and a filler.
    /// Errors: <c>check-digit:documentNumber</c>, <c>check-digit:birthDate</c>, <c>check-digit:expiryDate</c>,
    /// <c>check-digit:composite</c>, <c>date:birthDate</c>, <c>date:expiryDate</c>, <c>format:sex</c>, <c>format:nationality</c>,
    /// <c>format:issuingState</c>, <c>format:name</c>, <c>format:documentNumber</c> (a long number whose first nine characters hold a filler).
    /// </summary>
    /// <param name="line1">First line (30 characters).</param>
    /// <param name="line2">Second line.</param>
    /// <param name="line3">Third line (names).</param>
    /// <param name="today">The date the century rules are relative to.</param>
    public static MrzCard? ParseTd1(string? line1, string? line2, string? line3, DateOnly today)
    {
        if (!CardShape(Td1LineLength, line1, line2, line3)) return null;
        string l1 = line1!, l2 = line2!, l3 = line3!;
        var errors = new List<string>();
        var (number, numberCd, optional) = DocumentNumber(l1[5..14], l1[14], l1[15..], errors);
        var composite = string.Concat(l1.AsSpan(5, 25), l2.AsSpan(0, 7), l2.AsSpan(8, 7), l2.AsSpan(18, 11));
        return Card("TD1", [l1, l2, l3], l1, l3, number, numberCd,
            nationality: l2.Substring(15, 3), birth: l2[..7], sex: l2[7], expiry: l2.Substring(8, 7),
            optional, optional2: l2.Substring(18, 11).TrimEnd('<'), composite, compositeCd: l2[29], errors, today);
    }

    /// <summary>
    /// Parses a TD2 MRZ (ICAO 9303 Part 6 §4.2.2, two lines of 36) exactly as given, never repaired (as <see cref="ParseTd1"/>).
    /// Returns null when the shape is wrong: a line is not 36 characters of 0-9, A-Z and '&lt;', or the document code does not start
    /// with A, C or I (a 2 × 36 visa, MRV-B, starts with V and has no composite check digit).
    /// Line 1: document code (1-2), issuing state (3-5), names (6-36). Line 2: document number (1-9) and check digit (10),
    /// nationality (11-13), birth date (14-19) and check digit (20), sex (21), expiry date (22-27) and check digit (28), optional
    /// data (29-35), composite check digit (36) over positions 1-10, 14-20 and 22-35. A document number longer than 9 characters
    /// continues in the optional data as in TD1. Errors as for <see cref="ParseTd1"/>.
    /// </summary>
    /// <param name="line1">First line (36 characters).</param>
    /// <param name="line2">Second line.</param>
    /// <param name="today">The date the century rules are relative to.</param>
    public static MrzCard? ParseTd2(string? line1, string? line2, DateOnly today)
    {
        if (!CardShape(Td2LineLength, line1, line2)) return null;
        string l1 = line1!, l2 = line2!;
        var errors = new List<string>();
        var (number, numberCd, optional) = DocumentNumber(l2[..9], l2[9], l2.Substring(28, 7), errors);
        var composite = string.Concat(l2.AsSpan(0, 10), l2.AsSpan(13, 7), l2.AsSpan(21, 14));
        return Card("TD2", [l1, l2], l1, l1[5..], number, numberCd,
            nationality: l2.Substring(10, 3), birth: l2.Substring(13, 7), sex: l2[20], expiry: l2.Substring(21, 7),
            optional, optional2: "", composite, compositeCd: l2[35], errors, today);
    }

    static bool CardShape(int length, params string?[] lines) =>
        lines.All(l => l is not null && l.Length == length && IsMrzCharset(l)) && lines[0]![0] is 'A' or 'C' or 'I';

    /// <summary>
    /// The document number, its check digit and the optional data left after it. A check digit position holding '&lt;' means a
    /// number longer than 9 characters, continued at the start of <paramref name="optional"/> up to the first filler, whose last
    /// character is the check digit of the whole number.
    /// </summary>
    static (string Number, char CheckDigit, string Optional) DocumentNumber(string field, char checkDigit, string optional, List<string> errors)
    {
        if (checkDigit != '<')
        {
            if (!CheckDigitMatches(field, checkDigit)) errors.Add("check-digit:documentNumber");
            return (field.TrimEnd('<'), checkDigit, optional.Trim('<'));
        }
        var run = optional.IndexOf('<') is var i and >= 0 ? optional[..i] : optional;
        if (run.Length < 2)
        {
            // A filler where the check digit belongs, and no overflow with its own check digit.
            errors.Add("check-digit:documentNumber");
            return (field.TrimEnd('<'), checkDigit, optional.Trim('<'));
        }
        if (field.Contains('<')) errors.Add("format:documentNumber");
        var number = field + run[..^1];
        if (!CheckDigitMatches(number, run[^1])) errors.Add("check-digit:documentNumber");
        return (number, run[^1], optional[run.Length..].Trim('<'));
    }

    static MrzCard Card(string format, IReadOnlyList<string> lines, string codeLine, string names, string number, char numberCd,
        string nationality, string birth, char sex, string expiry, string optional, string optional2, string composite, char compositeCd,
        List<string> errors, DateOnly today)
    {
        var sep = names.IndexOf("<<", StringComparison.Ordinal);
        var surname = Fillers(sep < 0 ? names : names[..sep]);
        var given = sep < 0 ? string.Empty : Fillers(names[(sep + 2)..]);
        if (!CheckDigitMatches(birth.AsSpan(0, 6), birth[6])) errors.Add("check-digit:birthDate");
        var birthDate = BirthDateFromYymmdd(birth[..6], today);
        if (birthDate is null) errors.Add("date:birthDate");
        var sexCode = sex switch { 'F' => 'F', 'M' => 'M', '<' => 'X', _ => '?' };
        if (sexCode == '?') errors.Add("format:sex");
        if (!CheckDigitMatches(expiry.AsSpan(0, 6), expiry[6])) errors.Add("check-digit:expiryDate");
        var expiryDate = ExpiryDateFromYymmdd(expiry[..6], today);
        if (expiryDate is null) errors.Add("date:expiryDate");
        if (!CheckDigitMatches(composite, compositeCd)) errors.Add("check-digit:composite");
        if (!nationality.All(c => c is >= 'A' and <= 'Z' or '<')) errors.Add("format:nationality");
        if (!codeLine.Substring(2, 3).All(c => c is >= 'A' and <= 'Z' or '<')) errors.Add("format:issuingState");
        if (!names.All(c => c is >= 'A' and <= 'Z' or '<')) errors.Add("format:name");
        return new MrzCard(format, lines, codeLine[..2].TrimEnd('<'), codeLine.Substring(2, 3).Replace("<", ""), surname, given,
            number, numberCd, nationality.Replace("<", ""), birthDate, birth[6], sexCode, expiryDate, expiry[6], optional, optional2,
            compositeCd, errors);
    }

    /// <summary>
    /// Date of birth from MRZ <c>YYMMDD</c>: the century is the one that puts the date on or before <paramref name="today"/>
    /// (20YY if that is not in the future, else 19YY). Null when not six digits or not a calendar date.
    /// </summary>
    public static DateOnly? BirthDateFromYymmdd(string yymmdd, DateOnly today)
    {
        if (!TrySplitYymmdd(yymmdd, out var yy, out var mm, out var dd)) return null;
        var d2000 = TryDate(2000 + yy, mm, dd);
        if (d2000 is { } a && a <= today) return a;
        return TryDate(1900 + yy, mm, dd) is { } b && b <= today ? b : null;
    }

    /// <summary>
    /// Date of expiry from MRZ <c>YYMMDD</c>: the century that puts the year within 50 years before to 49 years after
    /// <paramref name="today"/>'s year (passports expire in the near future, or expired in the recent past). Null when not a date.
    /// </summary>
    public static DateOnly? ExpiryDateFromYymmdd(string yymmdd, DateOnly today)
    {
        if (!TrySplitYymmdd(yymmdd, out var yy, out var mm, out var dd)) return null;
        var century = today.Year / 100 * 100;
        var year = century + yy;
        if (year > today.Year + 49) year -= 100;
        else if (year < today.Year - 50) year += 100;
        return TryDate(year, mm, dd);
    }

    static bool TrySplitYymmdd(string s, out int yy, out int mm, out int dd)
    {
        yy = mm = dd = 0;
        if (s.Length != 6 || !s.All(char.IsAsciiDigit)) return false;
        yy = int.Parse(s.AsSpan(0, 2));
        mm = int.Parse(s.AsSpan(2, 2));
        dd = int.Parse(s.AsSpan(4, 2));
        return true;
    }

    static DateOnly? TryDate(int y, int m, int d) =>
        m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m) ? new DateOnly(y, m, d) : null;

    static bool IsMrzCharset(string s) => s.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '<');

    static string Fillers(string s) =>
        string.Join(' ', s.Split('<', StringSplitOptions.RemoveEmptyEntries));

    // Characters OCR confuses between the digit and the letter classes; the format of each position decides which is meant.
    static readonly Dictionary<char, char> LetterToDigit = new()
    {
        ['O'] = '0', ['D'] = '0', ['Q'] = '0', ['U'] = '0', ['I'] = '1', ['L'] = '1', ['T'] = '7', ['Z'] = '2',
        ['B'] = '8', ['S'] = '5', ['G'] = '6', ['A'] = '4',
    };
    static readonly Dictionary<char, char> DigitToLetter = new()
    {
        ['0'] = 'O', ['1'] = 'I', ['2'] = 'Z', ['4'] = 'A', ['5'] = 'S', ['6'] = 'G', ['7'] = 'T', ['8'] = 'B',
    };
    // For alphanumeric positions (document number, optional data) each confusable character may be either; only check digits
    // decide. Pairs whose values differ by a multiple of 10 (G=16/6, L=21/1, U=30/0) are left out: the 7-3-1 check digit
    // cannot tell them apart, so such a character is always left as read.
    static readonly Dictionary<char, char[]> Alternatives = new()
    {
        ['O'] = ['0'], ['0'] = ['O'], ['D'] = ['0'], ['Q'] = ['0'], ['I'] = ['1'], ['1'] = ['I'], ['B'] = ['8'], ['8'] = ['B'],
        ['S'] = ['5'], ['5'] = ['S'], ['Z'] = ['2'], ['2'] = ['Z'],
    };

    /// <summary>
    /// Repairs OCR'd TD3 lines conservatively and parses them.
    /// <list type="number">
    /// <item>Normalization: upper case; spaces and other whitespace removed; '«' read as '&lt;'; a line shorter than 44 is padded
    /// (and a longer one trimmed) only inside a run of '&lt;' fillers, trying each such run.</item>
    /// <item>Line 1 is never changed beyond normalization, except a digit look-alike in the document code or issuing state
    /// (positions 1-5, letters by format): the name field is covered by no check digit, so a digit or stray letter read there is
    /// left as read (a digit makes the MRZ invalid with reason <c>format</c>).</item>
    /// <item>Format-typed positions of line 2: in digit-only positions (check digits, dates) letters that OCR confuses with digits
    /// (O/D/Q→0, I/L→1, Z→2, A→4, S→5, G→6, T→7, B→8) become digits; in the nationality digits become the matching letters.
    /// Anything else that breaks the format is not repaired.</item>
    /// <item>Alphanumeric positions (document number, optional data) are not typed by the format: a confusable character
    /// may be either reading, and the other reading is accepted only when its check digits decide it.</item>
    /// <item>Proof per field: each field of line 2 that has a check digit (document number, birth date, expiry date, optional data,
    /// each with its check digit, and the composite check digit) may differ from what was read in at most one character, and then
    /// its own check digit and the composite must pass. A single changed character always changes an ICAO 7-3-1 check digit
    /// (for the pairs tried here), so one change per field is proven; two changes in one field could cancel out and are refused.</item>
    /// </list>
    /// The reading as typed by the format is tried first; only if it fails are the alternative readings of alphanumeric
    /// positions tried. The result is valid only when exactly one distinct candidate passes every check digit including the
    /// composite; two or more passing candidates are <c>ambiguous</c> and never valid. Nothing is guessed beyond this.
    /// Known limit of ICAO check digits: G/6, L/1 and U/0 in alphanumeric positions cannot be told apart and stay as read.
    /// An alternative reading of an alphanumeric position is listed in <see cref="MrzRepairResult.LookAlikeCorrections"/>: the check
    /// digits cannot tell an OCR confusion from a character changed in the image, so the caller must send it to review.
    /// </summary>
    /// <param name="line1">OCR'd first line (may be null or malformed).</param>
    /// <param name="line2">OCR'd second line.</param>
    /// <param name="today">Reference date for the century rules.</param>
    public static MrzRepairResult TryRepair(string? line1, string? line2, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(line1) || string.IsNullOrWhiteSpace(line2)) return new(null, false, 0, "shape");
        var n1 = Normalize(line1);
        var n2 = Normalize(line2);

        var typed = new List<(string L1, string L2, int Corrections)>();
        var l2Of = new Dictionary<(string, string), string>();
        foreach (var l1 in FitLength(n1, endOnly: true))
        foreach (var l2 in FitLength(n2, endOnly: false))
        {
            var t1 = TypeLine1(l1, out var c1);
            var t2 = TypeLine2(l2, out var c2);
            if (t1 is null || t2 is null) continue;
            typed.Add((t1, t2, c1 + c2));
            l2Of.TryAdd((t1, t2), l2);
        }

        // Phase 1: the reading as typed by the format. Phase 2, only if none passes: alternative readings of the
        // alphanumeric positions, which only the check digits can decide.
        MrzTd3? best = null;
        foreach (var alternatives in new[] { false, true })
        {
            var valid = new Dictionary<string, (MrzTd3 Mrz, int Corrections, string Typed)>(StringComparer.Ordinal);
            foreach (var (t1, t2, c12) in typed)
            foreach (var (cand2, c3) in alternatives ? AlphanumericCandidates(t2) : [(t2, 0)])
            {
                var parsed = ParseTd3(t1, cand2, today);
                if (parsed is null) continue;
                if (parsed.IsValid && !ProvenPerField(l2Of[(t1, t2)], cand2)) continue;
                if (parsed.IsValid)
                {
                    var key = t1 + "\n" + cand2;
                    var corrections = c12 + c3;
                    if (!valid.TryGetValue(key, out var prior) || prior.Corrections > corrections) valid[key] = (parsed, corrections, t2);
                }
                else if (c3 == 0 && (best is null || parsed.Errors.Count < best.Errors.Count)) best = parsed;
            }
            if (valid.Count == 1)
            {
                var v = valid.Values.First();
                // Typed (phase 1) and candidate differ only where an alphanumeric position took its look-alike (phase 2).
                var lookAlikes = Enumerable.Range(0, Td3LineLength).Where(i => v.Typed[i] != v.Mrz.Line2[i])
                    .Select(i => new MrzCorrection(2, i, v.Typed[i], v.Mrz.Line2[i])).ToList();
                return new(v.Mrz, true, v.Corrections, null) { LookAlikeCorrections = lookAlikes };
            }
            if (valid.Count > 1) return new(best, false, 0, "ambiguous");
        }
        return new(best, false, 0, best is null ? "shape" : best.Errors.All(e => e.StartsWith("format:", StringComparison.Ordinal)) ? "format" : "check-digits");
    }

    // TD3 line 2 fields covered by a check digit (0-based, inclusive; each with its check digit), then the composite check digit.
    static readonly (int From, int To)[] Td3CheckedFields = [(0, 9), (13, 19), (21, 27), (28, 42), (43, 43)];

    /// <summary>True when <paramref name="candidate"/> differs from <paramref name="read"/> in at most one character per check-digit field
    /// and nowhere outside those fields except the nationality (letters by format).</summary>
    static bool ProvenPerField(string read, string candidate)
    {
        foreach (var (from, to) in Td3CheckedFields)
        {
            var changed = 0;
            for (var i = from; i <= to; i++) if (read[i] != candidate[i]) changed++;
            if (changed > 1) return false;
        }
        return read[20] == candidate[20];
    }

    /// <summary>
    /// Resolves a TD3 MRZ read cell by cell (<see cref="Ocr.MrzCellReader"/>): the best reading is taken as it is when every check
    /// digit passes. Otherwise, cells of line 2 that were read unclearly (<paramref name="line2Alternatives"/>: position → the
    /// runner-up character) may be replaced by their runner-up, at most one per check-digit field (document number, birth date,
    /// expiry date, optional data, each with its own check digit, and the composite check digit), and a replacement counts only when
    /// the whole MRZ then passes every check digit: a replaced field is proven by its own check digit and by the composite. Line 1
    /// (document code, issuing state, names: no check digit) and the nationality and sex are never replaced.
    /// Valid only when exactly one candidate passes; two or more are <c>ambiguous</c>.
    /// </summary>
    /// <param name="line1">Line 1 as read (44 characters).</param>
    /// <param name="line2">Line 2 as read (44 characters).</param>
    /// <param name="line2Alternatives">Runner-up characters of unclear line 2 cells, by 0-based position.</param>
    /// <param name="today">Reference date for the century rules.</param>
    /// <returns>The result; <see cref="MrzRepairResult.Corrections"/> counts replaced cells; reasons as in <see cref="TryRepair"/>.</returns>
    public static MrzRepairResult ResolveTd3(string line1, string line2, IReadOnlyDictionary<int, char> line2Alternatives, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(line2Alternatives);
        var parsed = ParseTd3(line1, line2, today);
        if (parsed is null) return new(null, false, 0, "shape");
        if (parsed.IsValid) return new(parsed, true, 0, null);

        // Per field: no change, or one of its unclear cells replaced by the runner-up.
        var options = Td3CheckedFields.Select(f =>
            line2Alternatives.Where(a => a.Key >= f.From && a.Key <= f.To && a.Value != line2[a.Key]).Select(a => (int?)a.Key).Prepend(null).ToList()).ToList();
        var valid = new List<(MrzTd3 Mrz, int Corrections)>();
        var a = line2.ToCharArray();
        void Walk(int field, int corrections)
        {
            if (field == options.Count)
            {
                if (corrections == 0) return;
                var p = ParseTd3(line1, new string(a), today);
                if (p is { IsValid: true }) valid.Add((p, corrections));
                return;
            }
            foreach (var pos in options[field])
            {
                if (pos is { } i) a[i] = line2Alternatives[i];
                Walk(field + 1, corrections + (pos is null ? 0 : 1));
                if (pos is { } j) a[j] = line2[j];
            }
        }
        Walk(0, 0);
        if (valid.Count == 1) return new(valid[0].Mrz, true, valid[0].Corrections, null);
        if (valid.Count > 1) return new(parsed, false, 0, "ambiguous");
        return new(parsed, false, 0, parsed.Errors.All(e => e.StartsWith("format:", StringComparison.Ordinal)) ? "format" : "check-digits");
    }

    static string Normalize(string line)
    {
        var sb = new StringBuilder(line.Length);
        foreach (var ch in line)
        {
            if (char.IsWhiteSpace(ch)) continue;
            var c = char.ToUpperInvariant(ch);
            sb.Append(c == '«' ? '<' : c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Length candidates, at most 6 characters off: line 1 (names, not covered by any check digit) is padded or trimmed only
    /// at its end, so the split between surname and given names never moves; line 2 may gain or lose fillers inside any run of
    /// '&lt;', because the check digits then prove the alignment.
    /// </summary>
    static IEnumerable<string> FitLength(string s, bool endOnly)
    {
        var diff = Td3LineLength - s.Length;
        if (diff == 0) { yield return s; yield break; }
        if (Math.Abs(diff) > 6) yield break;
        var runs = new List<(int Start, int Length)>();
        for (var i = 0; i < s.Length;)
        {
            if (s[i] != '<') { i++; continue; }
            var j = i;
            while (j < s.Length && s[j] == '<') j++;
            runs.Add((i, j - i));
            i = j;
        }
        if (diff > 0)
        {
            // Too short: a filler run lost characters; the end of the line may be cut only if it ends with fillers (line 1).
            if (s.EndsWith('<')) yield return s + new string('<', diff);
            if (endOnly) yield break;
            foreach (var (start, length) in runs.Where(r => r.Length >= 2))
                yield return s[..start] + new string('<', length + diff) + s[(start + length)..];
        }
        else
        {
            var excess = -diff;
            if (endOnly)
            {
                if (s[^excess..].All(c => c == '<')) yield return s[..Td3LineLength];
                yield break;
            }
            foreach (var (start, length) in runs.Where(r => r.Length > excess))
                yield return s[..start] + new string('<', length - excess) + s[(start + length)..];
        }
    }

    static string? TypeLine1(string s, out int corrections)
    {
        corrections = 0;
        var a = s.ToCharArray();
        if (a[0] != 'P') return null;
        // Document code and issuing state (positions 1-5) are letters or fillers by format; the names are left as read.
        for (var i = 1; i < 5; i++)
            if (!ToLetterOrFiller(ref a[i], ref corrections)) return null;
        return new string(a);
    }

    static string? TypeLine2(string s, out int corrections)
    {
        corrections = 0;
        var a = s.ToCharArray();
        for (var i = 0; i < a.Length; i++)
        {
            var ok = i switch
            {
                < 9 => IsAlnumOrFiller(a[i]),
                9 or 19 or 27 or 43 => ToDigit(ref a[i], ref corrections),
                >= 10 and <= 12 => ToLetterOrFiller(ref a[i], ref corrections),
                >= 13 and <= 18 or >= 21 and <= 26 => ToDigit(ref a[i], ref corrections),
                20 => a[i] is 'F' or 'M' or '<',
                42 => a[i] == '<' || ToDigit(ref a[i], ref corrections),
                _ => IsAlnumOrFiller(a[i]),
            };
            if (!ok) return null;
        }
        return new string(a);
    }

    static bool IsAlnumOrFiller(char c) => c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '<';

    static bool ToDigit(ref char c, ref int corrections)
    {
        if (char.IsAsciiDigit(c)) return true;
        if (!LetterToDigit.TryGetValue(c, out var d)) return false;
        c = d; corrections++;
        return true;
    }

    static bool ToLetterOrFiller(ref char c, ref int corrections)
    {
        if (c is >= 'A' and <= 'Z' or '<') return true;
        if (!DigitToLetter.TryGetValue(c, out var l)) return false;
        c = l; corrections++;
        return true;
    }

    const int MaxCandidates = 4096;

    static IEnumerable<(string Line, int Corrections)> AlphanumericCandidates(string line2)
    {
        // At most one alternative reading per field (document number, optional data): see ProvenPerField.
        var doc = Enumerable.Range(0, 9).Where(i => Alternatives.ContainsKey(line2[i])).Select(i => (int?)i).Prepend(null).ToList();
        var opt = Enumerable.Range(28, 14).Where(i => Alternatives.ContainsKey(line2[i])).Select(i => (int?)i).Prepend(null).ToList();
        if ((long)doc.Count * opt.Count > MaxCandidates) { yield return (line2, 0); yield break; }
        foreach (var d in doc)
        foreach (var o in opt)
        {
            var a = line2.ToCharArray();
            if (d is { } i) a[i] = Alternatives[line2[i]][0];
            if (o is { } j) a[j] = Alternatives[line2[j]][0];
            yield return (new string(a), (d is null ? 0 : 1) + (o is null ? 0 : 1));
        }
    }
}
