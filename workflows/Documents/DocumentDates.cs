using System.Text.RegularExpressions;

namespace Pulang.Workflows.Documents;

/// <summary>
/// Parses dates as printed on Indonesian and English documents: <c>14-08-1992</c>, <c>14/08/1992</c>, <c>14.08.1992</c>
/// (day first), <c>14 AUG 1992</c>, <c>14 Agustus 1992</c>, <c>12 AGU 2020</c>, <c>03 MEI 2021</c>. Month names in
/// Indonesian and English, full or abbreviated (JAN FEB MAR APR MEI/MAY JUN JUL AGU/AGT/AUG SEP OKT/OCT NOV DES/DEC),
/// any case. Years must have four digits. A date that does not exist (e.g. <c>31-02-1990</c>) is rejected, never adjusted.
/// </summary>
public static partial class DocumentDates
{
    static readonly Dictionary<string, int> Months = new(StringComparer.OrdinalIgnoreCase)
    {
        ["JAN"] = 1, ["JANUARI"] = 1, ["JANUARY"] = 1,
        ["FEB"] = 2, ["PEB"] = 2, ["FEBRUARI"] = 2, ["PEBRUARI"] = 2, ["FEBRUARY"] = 2,
        ["MAR"] = 3, ["MARET"] = 3, ["MARCH"] = 3,
        ["APR"] = 4, ["APRIL"] = 4,
        ["MEI"] = 5, ["MAY"] = 5,
        ["JUN"] = 6, ["JUNI"] = 6, ["JUNE"] = 6,
        ["JUL"] = 7, ["JULI"] = 7, ["JULY"] = 7,
        ["AGU"] = 8, ["AGT"] = 8, ["AGS"] = 8, ["AUG"] = 8, ["AGUSTUS"] = 8, ["AUGUST"] = 8,
        ["SEP"] = 9, ["SEPT"] = 9, ["SEPTEMBER"] = 9,
        ["OKT"] = 10, ["OCT"] = 10, ["OKTOBER"] = 10, ["OCTOBER"] = 10,
        ["NOV"] = 11, ["NOP"] = 11, ["NOVEMBER"] = 11, ["NOPEMBER"] = 11,
        ["DES"] = 12, ["DEC"] = 12, ["DESEMBER"] = 12, ["DECEMBER"] = 12,
    };

    [GeneratedRegex(@"(?<!\d)(?<d>\d{1,2})\s*[-/.]\s*(?<m>\d{1,2})\s*[-/.]\s*(?<y>\d{4})(?!\d)")]
    private static partial Regex NumericDate();

    [GeneratedRegex(@"(?<!\d)(?<d>\d{1,2})[\s\-./]*(?<m>[A-Za-z]{3,9})\.?[\s\-./]*(?<y>\d{4})(?!\d)")]
    private static partial Regex NamedDate();

    /// <summary>Parses <paramref name="text"/> when the whole text (trimmed) is one date. Returns false otherwise.</summary>
    public static bool TryParse(string? text, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        var m = NumericDate().Match(t);
        if (m.Success && m.Length == t.Length) return TryBuild(m, numericMonth: true, out date);
        m = NamedDate().Match(t);
        return m.Success && m.Length == t.Length && TryBuild(m, numericMonth: false, out date);
    }

    /// <summary>
    /// Finds the first valid date inside <paramref name="text"/>, e.g. in <c>MALANG, 14-08-1992</c>. Returns false when none.
    /// </summary>
    public static bool TryFind(string? text, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        foreach (Match m in NumericDate().Matches(text))
            if (TryBuild(m, numericMonth: true, out date)) return true;
        foreach (Match m in NamedDate().Matches(text))
            if (TryBuild(m, numericMonth: false, out date)) return true;
        return false;
    }

    /// <summary>Finds a date (see <see cref="TryFind(string?, out DateOnly)"/>) and returns where it starts, so the text before it can be read (place of birth).</summary>
    public static bool TryFind(string? text, out DateOnly date, out int index)
    {
        index = -1;
        date = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var hits = NumericDate().Matches(text).Select(m => (m, numeric: true))
            .Concat(NamedDate().Matches(text).Select(m => (m, numeric: false)))
            .OrderBy(h => h.m.Index);
        foreach (var (m, numeric) in hits)
            if (TryBuild(m, numeric, out date)) { index = m.Index; return true; }
        return false;
    }

    static bool TryBuild(Match m, bool numericMonth, out DateOnly date)
    {
        date = default;
        var day = int.Parse(m.Groups["d"].ValueSpan);
        var year = int.Parse(m.Groups["y"].ValueSpan);
        int month;
        if (numericMonth) month = int.Parse(m.Groups["m"].ValueSpan);
        else if (!Months.TryGetValue(m.Groups["m"].Value, out month)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>ISO 8601 <c>yyyy-MM-dd</c>, the form used in <see cref="DocumentReading.Fields"/>.</summary>
    public static string ToIso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
