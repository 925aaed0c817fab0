using System.Text;

namespace Pulang.Workflows.Documents;

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
    IReadOnlyList<string> Errors)
{
    /// <summary>True when every check digit (document number, birth, expiry, optional data, composite) and both dates are valid.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Given names then surname, single-spaced, e.g. <c>SRI RAHAYU WULANDARI</c>.</summary>
    public string FullName => string.IsNullOrEmpty(GivenNames) ? Surname : $"{GivenNames} {Surname}";
}

/// <summary>
/// The outcome of <see cref="Mrz.TryRepair(string?, string?, DateOnly)"/>.
/// </summary>
/// <param name="Mrz">The parsed MRZ when <see cref="IsValid"/>; otherwise the best parse of the normalized input (if its shape allowed one), for review.</param>
/// <param name="IsValid">True only when exactly one candidate reading passes every check digit including the composite.</param>
/// <param name="Corrections">How many characters were changed beyond normalization (spaces, case, filler padding).</param>
/// <param name="Reason">Why it is not valid (<c>shape</c>, <c>check-digits</c>, <c>ambiguous</c>), or null when valid.</param>
public sealed record MrzRepairResult(MrzTd3? Mrz, bool IsValid, int Corrections, string? Reason);

/// <summary>
/// ICAO Doc 9303 machine readable zone: check digits (Part 3 §4.9), TD3 parsing (Part 4 §4.2.2),
/// and a conservative repair of OCR output that accepts only what the format and the check digits prove.
/// </summary>
public static class Mrz
{
    /// <summary>Length of a TD3 line (ICAO 9303 Part 4).</summary>
    public const int Td3LineLength = 44;

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
    /// <item>Line 1 name field: after the "&lt;&lt;" that ends the secondary identifier every position is a filler by format,
    /// so letters read there become fillers (the names themselves are never changed except digit look-alikes).</item>
    /// <item>Line 2: an optional data check digit read as '&lt;' means the optional data field is unused, so its 14 positions are
    /// fillers by format.</item>
    /// <item>Format-typed positions: in digit-only positions (check digits, dates) letters that OCR confuses with digits
    /// (O/D/Q→0, I/L→1, Z→2, A→4, S→5, G→6, T→7, B→8) become digits; in letter-only positions (type, states, names)
    /// digits become the matching letters. Anything else that breaks the format is not repaired.</item>
    /// <item>Alphanumeric positions (document number, optional data) are not typed by the format: each confusable character
    /// may be either reading, and a combination is accepted only when its check digits decide it.</item>
    /// </list>
    /// The reading as typed by the format is tried first; only if it fails are the alternative readings of alphanumeric
    /// positions tried. The result is valid only when exactly one distinct candidate passes every check digit including the
    /// composite; two or more passing candidates are <c>ambiguous</c> and never valid. Nothing is guessed beyond this.
    /// Known limit of ICAO check digits: G/6, L/1 and U/0 in alphanumeric positions cannot be told apart and stay as read.
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
        foreach (var l1 in FitLength(n1, endOnly: true))
        foreach (var l2 in FitLength(n2, endOnly: false))
        {
            var t1 = TypeLine1(l1, out var c1);
            var t2 = TypeLine2(l2, out var c2);
            if (t1 is not null && t2 is not null) typed.Add((t1, t2, c1 + c2));
        }

        // Phase 1: the reading as typed by the format. Phase 2, only if none passes: alternative readings of the
        // alphanumeric positions, which only the check digits can decide.
        MrzTd3? best = null;
        foreach (var alternatives in new[] { false, true })
        {
            var valid = new Dictionary<string, (MrzTd3 Mrz, int Corrections)>(StringComparer.Ordinal);
            foreach (var (t1, t2, c12) in typed)
            foreach (var (cand2, c3) in alternatives ? AlphanumericCandidates(t2) : [(t2, 0)])
            {
                var parsed = ParseTd3(t1, cand2, today);
                if (parsed is null) continue;
                if (parsed.IsValid)
                {
                    var key = t1 + "\n" + cand2;
                    var corrections = c12 + c3;
                    if (!valid.TryGetValue(key, out var prior) || prior.Corrections > corrections) valid[key] = (parsed, corrections);
                }
                else if (c3 == 0 && (best is null || parsed.Errors.Count < best.Errors.Count)) best = parsed;
            }
            if (valid.Count == 1)
            {
                var v = valid.Values.First();
                return new(v.Mrz, true, v.Corrections, null);
            }
            if (valid.Count > 1) return new(best, false, 0, "ambiguous");
        }
        return new(best, false, 0, best is null ? "shape" : "check-digits");
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
        for (var i = 0; i < a.Length; i++)
        {
            if (i == 0 && a[i] != 'P') return null;
            if (!ToLetterOrFiller(ref a[i], ref corrections)) return null;
        }
        // Name field (Part 4 §4.2.2.1 and Part 3 §4.6): primary identifier, "<<", secondary identifier whose components are
        // separated by single fillers, then fillers to the end. A second "<<" after the separator therefore ends the names,
        // and every position after it is a filler by format: anything else read there is noise (OCR reads noisy '<' as K, S, E...).
        var separator = s.IndexOf("<<", 5, StringComparison.Ordinal);
        if (separator >= 0)
        {
            var end = new string(a).IndexOf("<<", separator + 2, StringComparison.Ordinal);
            if (end < 0 && separator + 2 < a.Length && a[separator + 2] == '<') end = separator + 1;
            if (end >= 0)
                for (var i = end; i < a.Length; i++)
                    if (a[i] != '<') { a[i] = '<'; corrections++; }
        }
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
        // Position 43 (the optional data check digit) is '<' only when the optional data field is unused (Part 4 §4.2.2.2):
        // then positions 29-42 are fillers by format, and letters read there (noisy '<' read as K, S, E...) become fillers.
        if (a[42] == '<')
            for (var i = 28; i < 42; i++)
                if (a[i] != '<') { a[i] = '<'; corrections++; }
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
        var positions = Enumerable.Range(0, 9).Concat(Enumerable.Range(28, 14))
            .Where(i => Alternatives.ContainsKey(line2[i])).ToArray();
        var count = 1L << positions.Length;
        if (count > MaxCandidates) { yield return (line2, 0); yield break; }
        var a = line2.ToCharArray();
        for (long mask = 0; mask < count; mask++)
        {
            var changes = 0;
            for (var k = 0; k < positions.Length; k++)
            {
                var p = positions[k];
                if ((mask & (1L << k)) != 0) { a[p] = Alternatives[line2[p]][0]; changes++; }
                else a[p] = line2[p];
            }
            yield return (new string(a), changes);
        }
    }
}
