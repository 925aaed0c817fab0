using System.Text;

namespace Pulang.Workflows.Documents;

/// <summary>Outcome of <see cref="PersonNames.Compare"/>.</summary>
public enum NameMatch
{
    /// <summary>The same name: the same tokens (order and case ignored, titles and BIN/BINTI dropped), or a spelling variant of
    /// them (see <see cref="NameVariants"/>; <see cref="PersonNames.CompareDetailed"/> tells which).</summary>
    Match,
    /// <summary>Different tokens, or one side empty.</summary>
    Mismatch,
}

/// <summary>Which variant rules a <see cref="NameMatch.Match"/> needed (see <see cref="PersonNames"/>); <see cref="None"/> for an exact match.</summary>
[Flags]
public enum NameVariants
{
    /// <summary>No variant rule: the same tokens.</summary>
    None = 0,
    /// <summary>Indonesian spelling before the EYD of 1972 read in today's spelling (<c>DJOKO</c> = <c>JOKO</c>, <c>RAHAJU</c> = <c>RAHAYU</c>).</summary>
    OldSpelling = 1,
    /// <summary>A written form of a common Muslim name (<c>MOCH</c>, <c>MOHAMAD</c> = <c>MUHAMMAD</c>; <c>ABD</c> = <c>ABDUL</c>; <c>ACHMAD</c> = <c>AHMAD</c>).</summary>
    NameForm = 2,
    /// <summary>Spaces inside the name differ (<c>NUR HAYATI</c> = <c>NURHAYATI</c>).</summary>
    Spacing = 4,
}

/// <summary>Outcome of <see cref="PersonNames.CompareDetailed"/>.</summary>
/// <param name="Result"><see cref="NameMatch.Match"/> or <see cref="NameMatch.Mismatch"/>, as <see cref="PersonNames.Compare"/> returns.</param>
/// <param name="Variants">For a match, the variant rules it needed (<see cref="NameVariants.None"/> when exact); always
/// <see cref="NameVariants.None"/> for a mismatch.</param>
public sealed record NameComparison(NameMatch Result, NameVariants Variants)
{
    /// <summary>True for a match that needed no variant rule.</summary>
    public bool IsExact => Result == NameMatch.Match && Variants == NameVariants.None;
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
/// <c>SRI RAHAYU WULANDARI</c>.</item>
/// <item>Spelling variants (only when comparing; <see cref="Normalize"/> and stored values keep the name as written), each reported
/// by <see cref="CompareDetailed"/> as a <see cref="NameVariants"/> flag:
/// <list type="bullet">
/// <item><see cref="NameVariants.OldSpelling"/>: names registered before the EYD (<i>Ejaan yang Disempurnakan</i>, the spelling in
/// force since 16 August 1972, Keputusan Presiden 57/1972) are often still written in the Van Ophuijsen (1901) or Soewandi (1947)
/// spelling. Each token is compared in two readings: as written, and read as old spelling in today's letters, in one pass from the
/// left, where the old digraphs are taken first: <c>OE</c>→<c>U</c>, <c>DJ</c>→<c>J</c>, <c>TJ</c>→<c>C</c>, <c>SJ</c>→<c>SY</c>,
/// <c>NJ</c>→<c>NY</c>, <c>CH</c>→<c>KH</c>, and only then a remaining <c>J</c> before a vowel (the old letter for today's Y)
/// →<c>Y</c>. Two tokens match when one reading of each is equal. So <c>DJOKO</c> = <c>JOKO</c> (both read <c>JOKO</c>),
/// <c>RAHAJU</c> = <c>RAHAYU</c>, <c>SOEKARNO</c> = <c>SUKARNO</c>, <c>TJAHJO</c> = <c>CAHYO</c>, <c>JOESOEF</c> = <c>JUSUF</c> =
/// <c>YUSUF</c>, <c>CHOIRUL</c> = <c>KHOIRUL</c>; but <c>DJOKO</c> ≠ <c>YOKO</c> (the old <c>DJ</c> is today's J, never Y).
/// A J written alone is ambiguous (today's J, or the old spelling's Y), so <c>JOKO</c> = <c>YOKO</c> as a variant, like
/// <c>JUSUF</c> = <c>YUSUF</c> and <c>JANTI</c> = <c>YANTI</c>: deliberate, since refusing it would also refuse the many real
/// <c>JUSUF</c>/<c>YUSUF</c> pairs, and the match is reported as a variant, not exact. Not covered: <c>CANDRA</c>/<c>CHANDRA</c>
/// (a Sanskrit transliteration, not the old spelling), <c>E</c>/<c>É</c> and vowel changes (<c>SUKARNO</c> ≠ <c>SOEKARNA</c>).</item>
/// <item><see cref="NameVariants.NameForm"/>: written forms of common Muslim names are read as one name:
/// <c>MUHAMMAD</c> = <c>MUHAMAD</c> = <c>MOHAMMAD</c> = <c>MOHAMAD</c> = <c>MOHAMMED</c> = <c>MOCHAMMAD</c> = <c>MOCHAMAD</c> =
/// <c>MUCHAMMAD</c> = <c>MOCH</c> = <c>MOH</c> = <c>MOHD</c> = <c>MUH</c> = <c>MHD</c> (abbreviations as written on KTPs,
/// <c>MOCH.</c>); <c>ABD</c> = <c>ABDUL</c>; <c>ACHMAD</c> = <c>AKHMAD</c> = <c>ACHMAT</c> = <c>AHMAT</c> = <c>AHMAD</c>. A bare initial (<c>M. ALI</c>) is not
/// expanded, and assimilated forms (<c>ABDURRAHMAN</c>) are not split.</item>
/// <item><see cref="NameVariants.Spacing"/>: tokens next to each other in one name may be joined (<c>NUR HAYATI</c> =
/// <c>NURHAYATI</c>, <c>SITI NURHAYATI</c> = <c>NUR HAYATI SITI</c>): the letters and their order inside each joined part must be
/// the same. Tried only when the tokens alone do not match, for names of at most 6 tokens.</item>
/// </list></item>
/// <item>Nothing else is fuzzy: a single OCR error (<c>RAHAYU</c>/<c>RAHAYV</c>) or another name (<c>SRI RAHAYU</c>/<c>SRI
/// RAHMAWATI</c>) is a mismatch, for a person to review.</item>
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
    /// Compares two names: <see cref="NameMatch.Match"/> when both have the same tokens ignoring order, titles and BIN/BINTI, or
    /// are spelling variants of each other (see the rules above). Same as <see cref="CompareDetailed"/>'s <c>Result</c>.
    /// </summary>
    public static NameMatch Compare(string? a, string? b) => CompareDetailed(a, b).Result;

    /// <summary>
    /// Compares two names like <see cref="Compare"/> and tells which variant rules the match needed: <see cref="NameVariants.None"/>
    /// for the same tokens, else the union of <see cref="NameVariants.OldSpelling"/>, <see cref="NameVariants.NameForm"/> and
    /// <see cref="NameVariants.Spacing"/> over the paired tokens (the pairing with the fewest variants is chosen). Deterministic; pure.
    /// </summary>
    public static NameComparison CompareDetailed(string? a, string? b)
    {
        var ta = Tokens(a).Where(t => !Connectors.Contains(t)).ToList();
        var tb = Tokens(b).Where(t => !Connectors.Contains(t)).ToList();
        if (ta.Count == 0 || tb.Count == 0) return new(NameMatch.Mismatch, NameVariants.None);
        if (ta.Order(StringComparer.Ordinal).SequenceEqual(tb.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            return new(NameMatch.Match, NameVariants.None);

        if (ta.Count == tb.Count && BestPairing(ta.Select(t => Readings([t])).ToList(), tb.Select(t => Readings([t])).ToList()) is { } v)
            return new(NameMatch.Match, v);

        // Spacing: join neighbouring tokens on either side, fewest joins first.
        if (ta.Count > MaxTokensForSpacing || tb.Count > MaxTokensForSpacing) return new(NameMatch.Mismatch, NameVariants.None);
        NameVariants? best = null;
        var bestJoins = int.MaxValue;
        var groupingsB = Groupings(tb).Select(g => g.Select(Readings).ToList()).ToList();
        foreach (var ga in Groupings(ta).Select(g => g.Select(Readings).ToList()))
        foreach (var gb in groupingsB)
        {
            if (ga.Count != gb.Count) continue;
            var joins = ta.Count - ga.Count + tb.Count - gb.Count;
            if (joins == 0 || joins > bestJoins) continue;
            if (BestPairing(ga, gb) is not { } pv) continue;
            var found = pv | NameVariants.Spacing;
            if (joins < bestJoins || Rank(found) < Rank(best!.Value)) (best, bestJoins) = (found, joins);
        }
        return best is { } s ? new(NameMatch.Match, s) : new(NameMatch.Mismatch, NameVariants.None);
    }

    const int MaxTokensForSpacing = 6;

    // Written forms of common Muslim names (and their old-spelling readings, e.g. MOCHAMAD → MOKHAMAD), read as one name.
    static readonly Dictionary<string, string> NameForms = BuildNameForms();

    static Dictionary<string, string> BuildNameForms()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in new[]
        {
            "MUHAMAD", "MOHAMMAD", "MOHAMAD", "MOHAMMED", "MOHAMED", "MUHAMMED", "MUHAMED", "MOCHAMMAD", "MOCHAMAD", "MUCHAMMAD",
            "MUCHAMAD", "MOKHAMMAD", "MOKHAMAD", "MUKHAMMAD", "MUKHAMAD", "MOCH", "MOKH", "MOH", "MOHD", "MUH", "MUHD", "MHD",
        })
            d[f] = "MUHAMMAD";
        d["ABD"] = "ABDUL";
        foreach (var f in new[] { "ACHMAD", "AKHMAD", "ACHMAT", "AHMAT" }) d[f] = "AHMAD";
        return d;
    }

    /// <summary>The readings of a group of tokens written together, each with the variant rules it used.</summary>
    static List<(string Text, NameVariants Used)> Readings(IReadOnlyList<string> group)
    {
        var result = new List<(string, NameVariants)>();
        foreach (var old in new[] { false, true })
        foreach (var forms in new[] { false, true })
        {
            var used = NameVariants.None;
            var text = new StringBuilder();
            foreach (var token in group)
            {
                var t = token;
                if (old && OldSpellingReading(t) is var o && o != t) { t = o; used |= NameVariants.OldSpelling; }
                if (forms && NameForms.TryGetValue(t, out var f)) { t = f; used |= NameVariants.NameForm; }
                text.Append(t);
            }
            var reading = (text.ToString(), used);
            if (!result.Any(r => r.Item1 == reading.Item1 && (r.Item2 & ~reading.used) == 0)) result.Add(reading);
        }
        return result;
    }

    /// <summary>
    /// <paramref name="token"/> read as pre-EYD spelling in today's letters: one pass from the left, old digraphs first
    /// (OE→U, DJ→J, TJ→C, SJ→SY, NJ→NY, CH→KH), then a remaining J before a vowel → Y.
    /// </summary>
    internal static string OldSpellingReading(string token)
    {
        var sb = new StringBuilder(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            var next = i + 1 < token.Length ? token[i + 1] : '\0';
            switch (c, next)
            {
                case ('O', 'E'): sb.Append('U'); i++; break;
                case ('D', 'J'): sb.Append('J'); i++; break;
                case ('T', 'J'): sb.Append('C'); i++; break;
                case ('S', 'J'): sb.Append("SY"); i++; break;
                case ('N', 'J'): sb.Append("NY"); i++; break;
                case ('C', 'H'): sb.Append("KH"); i++; break;
                case ('J', 'A' or 'E' or 'I' or 'O' or 'U'): sb.Append('Y'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Pairs every group of one side with one group of the other whose readings share a text; null when no complete pairing
    /// exists, else the fewest variant rules any complete pairing needs.
    /// </summary>
    static NameVariants? BestPairing(List<List<(string Text, NameVariants Used)>> a, List<List<(string Text, NameVariants Used)>> b)
    {
        if (a.Count != b.Count) return null;
        // Cost of pairing a[i] with b[j]: the cheapest shared reading (null when none).
        var cost = new NameVariants?[a.Count, b.Count];
        for (var i = 0; i < a.Count; i++)
        for (var j = 0; j < b.Count; j++)
            foreach (var (ta, ua) in a[i])
            foreach (var (tb, ub) in b[j])
                if (ta == tb && (cost[i, j] is not { } c || Rank(ua | ub) < Rank(c))) cost[i, j] = ua | ub;

        NameVariants? best = null;
        var used = new bool[b.Count];
        void Walk(int i, NameVariants sofar)
        {
            if (best is { } bv && Rank(sofar) >= Rank(bv)) return;
            if (i == a.Count) { best = sofar; return; }
            for (var j = 0; j < b.Count; j++)
            {
                if (used[j] || cost[i, j] is not { } c) continue;
                used[j] = true;
                Walk(i + 1, sofar | c);
                used[j] = false;
            }
        }
        Walk(0, NameVariants.None);
        return best;
    }

    /// <summary>Fewer rules first, then the lower flags (old spelling before name forms before spacing).</summary>
    static int Rank(NameVariants v) => System.Numerics.BitOperations.PopCount((uint)v) * 16 + (int)v;

    /// <summary>Every way to cut <paramref name="tokens"/> into runs of neighbours (2^(n-1) ways).</summary>
    static IEnumerable<List<IReadOnlyList<string>>> Groupings(List<string> tokens)
    {
        for (var mask = 0; mask < 1 << (tokens.Count - 1); mask++)
        {
            var groups = new List<IReadOnlyList<string>>();
            var current = new List<string> { tokens[0] };
            for (var i = 1; i < tokens.Count; i++)
            {
                if ((mask & (1 << (i - 1))) != 0) current.Add(tokens[i]);
                else { groups.Add(current); current = [tokens[i]]; }
            }
            groups.Add(current);
            yield return groups;
        }
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
