using System.Text;

namespace Pulang.Workflows.Documents;

/// <summary>Outcome of <see cref="PersonNames.Compare"/>.</summary>
public enum NameMatch
{
    /// <summary>Same name tokens (order and case ignored, titles dropped).</summary>
    Match,
    /// <summary>Different tokens, or one side empty.</summary>
    Mismatch,
}

/// <summary>
/// Normalizes and compares personal names across documents (passport MRZ <c>SURNAME&lt;&lt;GIVEN</c>, KTP, SPLP, manifest).
/// Rules:
/// <list type="bullet">
/// <item>Upper case; diacritics removed; MRZ fillers '&lt;', punctuation and repeated spaces become one space.</item>
/// <item>Honorific and academic titles are dropped: any token written with a dot whose letters are a known title
/// (<c>H.</c>, <c>HJ.</c>, <c>DR.</c>, <c>IR.</c>, <c>S.PD</c>, <c>S.KOM</c>, <c>S.E.</c>, <c>M.M.</c> ...), and the multi-letter
/// titles that are never names even without a dot (<c>HJ</c>, <c>DRS</c>, <c>DRA</c>, <c>PROF</c>, <c>SPD</c>, <c>SKOM</c> ...).
/// A bare single letter such as <c>H</c> stays: it may be an initial.</item>
/// <item><c>BIN</c>/<c>BINTI</c> (and <c>BT</c>, <c>BN</c>) are part of the legal name and stay in <see cref="Normalize"/>, but
/// <see cref="Compare"/> ignores them, because documents of the same person often differ only in writing them.</item>
/// <item>Comparison is order-insensitive over the remaining tokens (as a multiset): <c>WULANDARI SRI RAHAYU</c> matches
/// <c>SRI RAHAYU WULANDARI</c>. No fuzzy matching: a single OCR error is a mismatch, for a person to review.</item>
/// </list>
/// </summary>
public static class PersonNames
{
    static readonly HashSet<string> DottedTitles = new(StringComparer.Ordinal)
    {
        "H", "HJ", "DR", "DRS", "DRA", "IR", "PROF", "KH", "TN", "NY", "NN", "SDR", "SDRI",
        "SPD", "SPDI", "SKOM", "SE", "SH", "SAG", "SSOS", "SKM", "SKEP", "SSI", "ST", "SIP", "SHI", "SFARM", "SKED", "SPSI",
        "MM", "MPD", "MSI", "MH", "MT", "MKOM", "MKES", "MAG", "MSC", "MBA", "PHD", "AMD", "AMK", "AMDKEB", "BA", "BSC",
    };

    static readonly HashSet<string> BareTitles = new(StringComparer.Ordinal)
    {
        "HJ", "DRS", "DRA", "PROF", "SPD", "SPDI", "SKOM", "SSOS", "SKM", "SKEP", "MPD", "MKOM", "MKES", "AMD", "AMK", "PHD",
    };

    static readonly HashSet<string> Connectors = new(StringComparer.Ordinal) { "BIN", "BINTI", "BT", "BN" };

    /// <summary>
    /// Upper case, single-spaced name without titles or punctuation, e.g. <c>"Hj. Sri  Rahayu, S.Pd"</c> → <c>SRI RAHAYU</c>,
    /// <c>WULANDARI&lt;&lt;SRI&lt;RAHAYU</c> → <c>WULANDARI SRI RAHAYU</c>. Empty for null or blank input.
    /// </summary>
    public static string Normalize(string? name) => string.Join(' ', Tokens(name));

    /// <summary>The name tokens after <see cref="Normalize"/>'s rules, in order.</summary>
    public static IReadOnlyList<string> Tokens(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return [];
        var folded = RemoveDiacritics(name.ToUpperInvariant());
        var tokens = new List<string>();
        foreach (var raw in folded.Split([' ', '\t', '\n', '\r', '<', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var hasDot = raw.Contains('.');
            var letters = new string(raw.Where(char.IsAsciiLetterOrDigit).ToArray());
            if (letters.Length == 0) continue;
            if (hasDot && DottedTitles.Contains(letters)) continue;
            if (!hasDot && BareTitles.Contains(letters)) continue;
            // Keep apostrophes and hyphens out: "MA'RUF" and "MARUF" are the same name for comparison.
            tokens.Add(letters);
        }
        return tokens;
    }

    /// <summary>
    /// Compares two names: <see cref="NameMatch.Match"/> when both have the same tokens ignoring order, titles and BIN/BINTI.
    /// </summary>
    public static NameMatch Compare(string? a, string? b)
    {
        var ta = Tokens(a).Where(t => !Connectors.Contains(t)).Order(StringComparer.Ordinal).ToList();
        var tb = Tokens(b).Where(t => !Connectors.Contains(t)).Order(StringComparer.Ordinal).ToList();
        return ta.Count > 0 && ta.SequenceEqual(tb) ? NameMatch.Match : NameMatch.Mismatch;
    }

    static string RemoveDiacritics(string s)
    {
        var d = s.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(d.Length);
        foreach (var c in d)
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark) sb.Append(c);
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
