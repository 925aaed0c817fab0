using System.Text.RegularExpressions;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;

namespace Pulang.Workflows.Documents;

/// <summary>
/// Extracts the standard fields (<see cref="FieldNames"/>) of a scanned document from an OCR <see cref="AnalyzeResult"/> and checks
/// them against the case's <see cref="Subject"/>. Every doubt becomes a <see cref="Finding"/>; nothing is guessed silently.
/// <list type="bullet">
/// <item>Passport: from the ICAO 9303 TD3 MRZ only (the <c>mrz.td3</c> document's <c>MachineReadableZone</c>, else two MRZ-like
/// lines of the text), after <see cref="Mrz.TryRepair(string?, string?, DateOnly)"/>. Not found or not valid: <c>mrz.invalid</c>.
/// MRZ names (no check digit covers them) not also printed in the visual zone: <c>mrz.name-unconfirmed</c>. A passport number printed
/// in the visual zone within edit distance 2 of the MRZ's but not equal: <c>mrz.number-mismatch</c> (the 7-3-1 check digit misses
/// changes by 10, e.g. 9/J, and a filler read as 0), unless it differs only by look-alikes the check digit tells apart
/// (<see cref="CheckDigitSinglesOut"/>). Issuing state or nationality other than IDN: <c>mrz.not-indonesian</c>.
/// Document type other than <c>P</c>: <c>mrz.document-type</c>. A character repaired by its look-alike where the format allows both
/// (<see cref="MrzRepairResult.LookAlikeCorrections"/>; Document Intelligence, the Tesseract fallback, text): <c>mrz.repaired</c>
/// (Expected = the field as read, Actual = as repaired). A TD1 (3 × 30) or TD2 (2 × 36) shaped MRZ instead (in the zone, or
/// in the text when there is no TD3 one): <c>mrz.unsupported-format</c>, and it is parsed exactly, never repaired
/// (<see cref="Mrz.ParseTd1"/>, <see cref="Mrz.ParseTd2"/>): not valid → <c>mrz.invalid</c>; valid → its names, dates, sex,
/// nationality and issuing state for the checks (no passport number: <c>field.missing</c>). An <c>mrz.td3</c> zone from the offline MRZ reader with confidence 0
/// (failed its check digits) is <c>mrz.invalid</c> without a second repair; with confidence below <see cref="MrzNamesUnclear"/>
/// (a cell no check digit covers read unclearly) <c>mrz.name-unclear</c> for a name cell and <c>mrz.field-unclear</c> (field
/// <c>mrzLine1</c> for the document code, <c>issuingState</c>, <c>nationality</c>, <c>sex</c>) for the others (<see cref="MrzFields"/>).</item>
/// <item>KTP: NIK, name (Nama), place and date of birth (Tempat/Tgl Lahir), sex (Jenis Kelamin).</item>
/// <item>SPLP: number (Nomor), name (Nama Lengkap), date of birth, sex, NIK, last passport number (Nomor Paspor Terakhir).</item>
/// <item>Assessment form (asesmen): name, NIK, date of birth, registration number (No. Reg), assessment date, assessor (Petugas).</item>
/// <item>KK: card number, head of family, the member table and the case's person among the members (<c>DocumentReader.Kk.cs</c>).</item>
/// <item>Other kinds: no fields, no findings.</item>
/// </list>
/// Checks: a required field not found → <c>field.missing</c>; a required field whose words Tesseract/Document Intelligence
/// read with confidence below <see cref="LowConfidence"/> → <c>field.low-confidence</c>; NIK invalid → <c>nik.*</c> from
/// <see cref="Nik.Decode"/>; NIK birth date / sex versus the document's printed ones → <c>nik.birth-date</c> / <c>nik.sex</c>;
/// versus the case → <c>case.name-mismatch</c>, <c>case.birth-date-mismatch</c>, <c>case.sex-mismatch</c>,
/// <c>case.nik-mismatch</c>, <c>case.nik-birth-date</c>, <c>case.nik-sex</c> (Expected = case, Actual = document).
/// Finding messages never contain personal data; Expected/Actual do, and are stored with the case, never logged.
/// </summary>
public static partial class DocumentReader
{
    /// <summary>Word confidence (0..1) under which a required field is reported as <c>field.low-confidence</c>.</summary>
    public const double LowConfidence = 0.5;

    /// <summary>
    /// Confidence of an <c>mrz.td3</c> zone below which (and above 0) the offline MRZ reader passed the check digits but read a name
    /// or another cell no check digit covers unclearly: finding <c>mrz.name-unclear</c> or <c>mrz.field-unclear</c>
    /// (<see cref="MrzFields"/>). Confidence 0 means the reader's MRZ failed the check digits: <c>mrz.invalid</c>, without a second
    /// repair attempt.
    /// </summary>
    public const double MrzNamesUnclear = 0.5;

    /// <summary>Reads <paramref name="result"/> as a <paramref name="kind"/> document and checks it against <paramref name="subject"/>, with today's UTC date for century rules.</summary>
    public static DocumentReading Read(DocumentKind kind, AnalyzeResult result, Subject subject) =>
        Read(kind, result, subject, DateOnly.FromDateTime(DateTime.UtcNow));

    /// <summary>Reads <paramref name="result"/> as a <paramref name="kind"/> document and checks it against <paramref name="subject"/>.</summary>
    /// <param name="kind">What the document is said to be.</param>
    /// <param name="result">OCR output (Tesseract or Document Intelligence shape).</param>
    /// <param name="subject">The person of the case.</param>
    /// <param name="today">Reference date for two-digit-year century rules (MRZ, NIK).</param>
    public static DocumentReading Read(DocumentKind kind, AnalyzeResult result, Subject subject, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(subject);
        var ctx = new Context(kind, Rows(result), today);
        switch (kind)
        {
            case DocumentKind.Passport: ReadPassport(ctx, result); break;
            case DocumentKind.Ktp: ReadKtp(ctx); break;
            case DocumentKind.Splp: ReadSplp(ctx); break;
            case DocumentKind.AssessmentForm: ReadAssessment(ctx); break;
            case DocumentKind.Kk: ReadKk(ctx, subject); break;
            default: return new DocumentReading(kind, ctx.Fields, ctx.Findings);
        }
        CheckNik(ctx);
        CheckSubject(ctx, subject);
        return new DocumentReading(kind, ctx.Fields, ctx.Findings);
    }

    sealed class Context(DocumentKind kind, List<Row> rows, DateOnly today)
    {
        public DocumentKind Kind { get; } = kind;
        public List<Row> Rows { get; } = rows;
        public DateOnly Today { get; } = today;
        public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
        public List<Finding> Findings { get; } = [];

        public void Set(string field, string? value, double confidence)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            Fields[field] = value.Trim();
            if (confidence < LowConfidence)
                Findings.Add(new Finding("field.low-confidence", "The OCR is unsure of this field; compare it with the scan.", field));
        }

        public void Require(params string[] fields)
        {
            foreach (var f in fields)
                if (!Fields.ContainsKey(f))
                    Findings.Add(new Finding("field.missing", "A required field was not found on the document.", f));
        }
    }

    // ---------- layout: rows of words ----------

    /// <summary>A visual row: words whose deskewed centres line up, left to right, with their confidences (and, from word geometry,
    /// their places on the deskewed page).</summary>
    internal sealed record Row(IReadOnlyList<(string Text, double Confidence)> Words, IReadOnlyList<PageLayout.PlacedWord>? Placed = null)
    {
        public string Text { get; } = string.Join(' ', Words.Select(w => w.Text));

        /// <summary>Confidence of the words that start at or after character <paramref name="index"/> of <see cref="Text"/>.</summary>
        public double ConfidenceFrom(int index, int length)
        {
            var pos = 0;
            var min = 1.0;
            foreach (var (text, conf) in Words)
            {
                var end = pos + text.Length;
                if (end > index && pos < index + length) min = Math.Min(min, conf);
                pos = end + 1;
            }
            return min;
        }
    }

    /// <summary>
    /// Groups each page's words into visual rows after undoing the page's skew (<see cref="PageLayout"/>), so that a label and its value
    /// stay on one row on a tilted scan even when the OCR put them in different blocks. Pages without words (a text-only result) fall
    /// back to <see cref="AnalyzeResult.Content"/> lines with confidence 1.
    /// </summary>
    internal static List<Row> Rows(AnalyzeResult result)
    {
        var rows = new List<Row>();
        foreach (var page in result.Pages)
            foreach (var row in PageLayout.Rows(PageLayout.Place(page, out _)))
                rows.Add(new Row(row.Select(w => (w.Text, w.Confidence)).ToList(), row));
        if (rows.Count == 0)
            rows.AddRange(result.Content.Split('\n', '\f').Where(l => l.Trim().Length > 0)
                .Select(l => new Row(l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => (t, 1.0)).ToList())));
        return rows;
    }

    /// <summary>The value after a label on its row: label regex, then separators (: ; . | and the like), then the rest.</summary>
    static (string Value, double Confidence)? Labelled(Context ctx, Regex label) =>
        LabelledAt(ctx, label) is { } v ? (v.Value, v.Confidence) : null;

    /// <summary><see cref="Labelled"/> with the row and the value's first character in <see cref="Row.Text"/>.</summary>
    static (string Value, double Confidence, Row Row, int Start)? LabelledAt(Context ctx, Regex label)
    {
        foreach (var row in ctx.Rows)
        {
            var m = label.Match(row.Text);
            if (!m.Success) continue;
            if (ValueFrom(row, m.Index + m.Length) is { } v) return v;
        }
        return null;
    }

    /// <summary>The value on <paramref name="row"/> from character <paramref name="start"/>: separators skipped, up to a column gap,
    /// debris cut; null when nothing is left.</summary>
    static (string Value, double Confidence, Row Row, int Start)? ValueFrom(Row row, int start)
    {
        var rest = row.Text[start..];
        // The separator colon, as the OCR reads it on a noisy scan (: ; . | + # " * and the like).
        var trimmed = rest.TrimStart(' ', ':', ';', '.', '|', ',', '_', '-', '—', '=', '+', '#', '"', '*', '\'', '“', '”', '‘', '’', '«', '»', '!', '~');
        var valueStart = start + rest.Length - trimmed.Length;
        var value = CleanTail(UpToColumnGap(row, valueStart, trimmed));
        if (value.Length == 0) return null;
        return (value, row.ConfidenceFrom(valueStart, value.Length), row, valueStart);
    }

    /// <summary>
    /// <paramref name="value"/> (the row's text from character <paramref name="valueStart"/>) up to the first gap between words wider
    /// than three word heights: a second column on the same row (<c>Gol. Darah</c> right of a KTP's sex, the KK header's right-hand
    /// fields) is not part of the value. Unchanged without word geometry.
    /// </summary>
    static string UpToColumnGap(Row row, int valueStart, string value)
    {
        if (row.Placed is not { } placed || placed.Count != row.Words.Count) return value;
        var pos = 0;
        var first = -1;
        for (var i = 0; i < row.Words.Count; i++)
        {
            if (pos + row.Words[i].Text.Length > valueStart) { first = i; break; }
            pos += row.Words[i].Text.Length + 1;
        }
        if (first < 0) return value;
        var height = placed.Select(w => w.Height).Order().ElementAt(placed.Count / 2);
        var end = row.Text.Length;
        for (var i = first + 1; i < placed.Count; i++)
        {
            pos += row.Words[i - 1].Text.Length + 1;
            if (placed[i].Left - placed[i - 1].Right > 3 * height) { end = pos - 1; break; }
        }
        return end <= valueStart ? value : row.Text[valueStart..end];
    }

    /// <summary>Removes OCR debris after a value: underscores/dashes/pipes and what follows a run of them.</summary>
    static string CleanTail(string s)
    {
        var cut = DebrisRegex().Match(s);
        if (cut.Success) s = s[..cut.Index];
        return s.Trim().TrimEnd(':', ';', '|', '_', '-', '—', '.').Trim();
    }

    [GeneratedRegex(@"\s[_|—=]{1,}|\s-{2,}|\s{3,}")]
    private static partial Regex DebrisRegex();

    // ---------- passport ----------

    static void ReadPassport(Context ctx, AnalyzeResult result)
    {
        string? line1 = null, line2 = null;
        var zoneField = result.Documents.Where(d => d.DocType.StartsWith("mrz", StringComparison.OrdinalIgnoreCase) || d.DocType.Contains("passport", StringComparison.OrdinalIgnoreCase))
            .Select(d => (d.DocType, Field: d.Fields.TryGetValue("MachineReadableZone", out var f) ? f : null))
            .FirstOrDefault(x => !string.IsNullOrWhiteSpace(x.Field?.Content));
        var zone = zoneField.Field?.Content;
        // The offline engine's own MRZ reader (doc type mrz.td3) reports confidence 0 when its reading fails the check digits: it
        // has already tried every correction its cell scores allow, so its raw reading is not repaired again here; below
        // MrzNamesUnclear it passed the check digits but a name cell was read unclearly (no check digit covers names).
        var engineRejected = zoneField.DocType == "mrz.td3" && zoneField.Field is { Confidence: <= 0 };
        var namesUnclear = zoneField.DocType == "mrz.td3" && zoneField.Field is { Confidence: > 0 and < MrzNamesUnclear };
        var lines = result.Content.Split('\n', '\f').Select(l => l.Replace(" ", "")).ToList();
        IReadOnlyList<string>? card = null;
        if (zone is not null)
        {
            var parts = zone.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            card = CardShaped(parts, 0);
            if (card is null && parts.Length >= 2) (line1, line2) = (parts[^2], parts[^1]);
        }
        else
        {
            // Two consecutive MRZ-like lines in the text.
            for (var i = lines.Count - 2; i >= 0; i--)
                if (lines[i].Length >= 40 && lines[i + 1].Length >= 40 && lines[i].Contains('<') && lines[i + 1].Contains('<'))
                { (line1, line2) = (lines[i], lines[i + 1]); break; }
        }
        // A TD1/TD2-shaped MRZ in the text, when neither the zone nor the text held a passport's (an offline reader that failed
        // reports its best TD3 reading with confidence 0; on an ID card that reading is noise).
        if (card is null && (zone is null ? line1 is null : engineRejected && !lines.Any(l => l.Length >= 40 && l.Contains('<'))))
            card = Enumerable.Range(0, lines.Count).Reverse().Select(i => CardShaped(lines, i)).FirstOrDefault(c => c is not null);
        if (card is not null)
        {
            ReadCardMrz(ctx, card);
            return;
        }

        var repair = engineRejected ? new MrzRepairResult(null, false, 0, "check-digits") : Mrz.TryRepair(line1, line2, ctx.Today);
        if (!repair.IsValid || repair.Mrz is null)
        {
            ctx.Findings.Add(new Finding("mrz.invalid",
                repair.Reason switch
                {
                    "ambiguous" => "The MRZ can be read in more than one way that passes the check digits.",
                    "check-digits" => "The MRZ check digits do not match what was read.",
                    "format" => "The MRZ holds a character its format does not allow there (e.g. a digit in a name).",
                    _ => "No machine readable zone was found.",
                },
                FieldNames.MrzLine2, Actual: line1 is null ? null : $"{line1}\n{line2}"));
            ctx.Require(FieldNames.PassportNumber, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex);
            return;
        }

        var mrz = repair.Mrz;
        SetMrzFields(ctx, mrz);
        ctx.Set(FieldNames.PassportNumber, mrz.DocumentNumber, 1);
        CheckMrzNameInVisualZone(ctx, mrz);
        if (namesUnclear)
        {
            // Which parts were unclear: the engine's MrzFields at low confidence; none listed (an older result): the names.
            var unclear = zoneField.DocType == "mrz.td3"
                ? result.Documents.First(d => d.DocType == "mrz.td3").Fields.Where(f => f.Key != "MachineReadableZone" && f.Value.Confidence < MrzNamesUnclear).Select(f => f.Key).ToHashSet()
                : [];
            if (unclear.Count == 0 || unclear.Contains(MrzFields.Names))
                ctx.Findings.Add(new Finding("mrz.name-unclear",
                    "A character of the MRZ name (not covered by check digits) was read unclearly.", FieldNames.FullName, Actual: mrz.FullName));
            foreach (var (part, field, value) in new[]
            {
                (MrzFields.DocumentType, FieldNames.MrzLine1, mrz.DocumentType), (MrzFields.IssuingState, FieldNames.IssuingState, mrz.IssuingState),
                (MrzFields.Nationality, FieldNames.Nationality, mrz.Nationality), (MrzFields.Sex, FieldNames.Sex, mrz.Sex.ToString()),
            })
            {
                if (unclear.Contains(part))
                    ctx.Findings.Add(new Finding("mrz.field-unclear",
                        "A character of the MRZ that no check digit covers (document code, issuing state, nationality or sex) was read unclearly.", field, Actual: value));
            }
        }

        // A look-alike (8/B, 5/S, 0/O, 1/I, 2/Z) replaced where the format allows both, proven by the check digits alone: a character
        // changed in the image that agrees with the check digits looks the same, so a person compares it with the scan. (The offline
        // cell reader's own corrections are limited by its cell scores and arrive here already valid, without such corrections.)
        foreach (var c in repair.LookAlikeCorrections)
        {
            var read = mrz.Line2.ToCharArray();
            read[c.Position] = c.Read;
            var (field, from, length) = c.Position < 9 ? (FieldNames.PassportNumber, 0, 9) : (FieldNames.MrzLine2, 28, 14);
            ctx.Findings.Add(new Finding("mrz.repaired",
                $"MRZ line {c.Line} position {c.Position + 1} was replaced by its look-alike (such as 8/B, 0/O) because the check digits agree; a character changed in the scan would look the same.",
                field, Expected: new string(read, from, length).TrimEnd('<'), Actual: mrz.Line2.Substring(from, length).TrimEnd('<')));
        }

        // The document number's check digit cannot see every change (ICAO 7-3-1 weights: characters whose values differ by 10,
        // e.g. 9 and J, or a trailing filler read as 0). When the visual zone prints a passport number close to the MRZ's but not
        // equal, the two disagree: a person decides.
        var vizTokens = ctx.Rows.Where(r => !r.Text.Contains("<<", StringComparison.Ordinal))
            .SelectMany(r => r.Words.Select(w => new string(w.Text.ToUpperInvariant().Where(char.IsAsciiLetterOrDigit).ToArray())))
            .Where(t => t.Length is >= 6 and <= 10 && t.Count(char.IsAsciiDigit) >= 5)
            .ToHashSet(StringComparer.Ordinal);
        // Compared after folding OCR look-alikes (B/8, Z/2, I/1, O/0, ...), since check-digit repair may have changed those. A printed
        // number that differs only by look-alikes which the MRZ's check digit tells apart is the visual zone misread, not a disagreement.
        if (!vizTokens.Contains(mrz.DocumentNumber)
            && vizTokens.FirstOrDefault(t => EditDistance(FoldLookAlikes(t), FoldLookAlikes(mrz.DocumentNumber)) <= 2
                                             && !CheckDigitSinglesOut(t, mrz.DocumentNumber)) is { } printedNumber)
            ctx.Findings.Add(new Finding("mrz.number-mismatch", "The passport number in the MRZ differs from the one printed in the visual zone.",
                FieldNames.PassportNumber, Expected: printedNumber, Actual: mrz.DocumentNumber));

        CheckIndonesian(ctx, mrz);
        // The document type's second character is covered by no check digit either; ordinary passports are "P<".
        if (mrz.DocumentType.TrimEnd('<') != "P")
            ctx.Findings.Add(new Finding("mrz.document-type", "The MRZ's document type is not an ordinary passport (P).", FieldNames.MrzLine1,
                Expected: "P", Actual: mrz.DocumentType));
        ctx.Require(FieldNames.PassportNumber, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex);
    }

    static void SetMrzFields(Context ctx, IMachineReadableZone mrz)
    {
        foreach (var (field, value) in MrzFieldValues(mrz))
        {
            ctx.Set(field, value, 1);
        }
    }

    /// <summary>
    /// The fields a machine readable zone gives, by <see cref="FieldNames"/>: its lines (<c>mrzLine1</c>..<c>mrzLine3</c>),
    /// <c>surname</c>, <c>givenNames</c>, <c>fullName</c>, <c>nationality</c>, <c>issuingState</c>, <c>birthDate</c> and
    /// <c>expiryDate</c> (ISO <c>yyyy-MM-dd</c>, only when a valid date) and <c>sex</c> (only <c>F</c> or <c>M</c>). Not the
    /// passport number: only a TD3 zone's document number is one. The one mapping for the reader and for checking a verifier's
    /// corrections against the MRZ (<see cref="Pulang.Workflows.Domain.Verification"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> MrzFieldValues(IMachineReadableZone mrz)
    {
        ArgumentNullException.ThrowIfNull(mrz);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FieldNames.MrzLine1] = mrz.Lines[0],
            [FieldNames.MrzLine2] = mrz.Lines[1],
        };
        if (mrz.Lines.Count > 2) fields[FieldNames.MrzLine3] = mrz.Lines[2];
        fields[FieldNames.Surname] = mrz.Surname;
        fields[FieldNames.GivenNames] = mrz.GivenNames;
        fields[FieldNames.FullName] = mrz.FullName;
        if (mrz.BirthDate is { } b) fields[FieldNames.BirthDate] = DocumentDates.ToIso(b);
        if (mrz.Sex is 'F' or 'M') fields[FieldNames.Sex] = mrz.Sex.ToString();
        fields[FieldNames.Nationality] = mrz.Nationality;
        fields[FieldNames.IssuingState] = mrz.IssuingState;
        if (mrz.ExpiryDate is { } e) fields[FieldNames.ExpiryDate] = DocumentDates.ToIso(e);
        return fields;
    }

    /// <summary>The names are covered by no check digit: they must also appear in the visual zone (the rows outside the MRZ).</summary>
    static void CheckMrzNameInVisualZone(Context ctx, IMachineReadableZone mrz)
    {
        var mrzRows = mrz.Lines.ToHashSet(StringComparer.Ordinal);
        var vizWords = ctx.Rows.Where(r => !r.Text.Contains("<<", StringComparison.Ordinal) && !mrzRows.Contains(r.Text.Replace(" ", "")))
            .SelectMany(r => r.Words.Select(w => new string(w.Text.ToUpperInvariant().Where(char.IsAsciiLetterUpper).ToArray())))
            .ToHashSet(StringComparer.Ordinal);
        var nameTokens = PersonNames.Tokens(mrz.FullName);
        if (nameTokens.Count == 0 || !nameTokens.All(vizWords.Contains))
            ctx.Findings.Add(new Finding("mrz.name-unconfirmed",
                "The MRZ name (not covered by check digits) is not also printed in the visual zone.", FieldNames.FullName, Actual: mrz.FullName));
    }

    /// <summary>Issuing state and nationality are covered by no check digit; every PMI is an Indonesian citizen with an Indonesian passport.</summary>
    static void CheckIndonesian(Context ctx, IMachineReadableZone mrz)
    {
        if (mrz.IssuingState != "IDN" || mrz.Nationality != "IDN")
            ctx.Findings.Add(new Finding("mrz.not-indonesian", "The MRZ's issuing state or nationality is not IDN (no check digit covers them).",
                FieldNames.Nationality, Expected: "IDN", Actual: $"{mrz.IssuingState}/{mrz.Nationality}"));
    }

    /// <summary>
    /// The lines of a TD1 (3 lines of 28-32 characters) or TD2 (2 lines of 34-38) shaped MRZ starting at <paramref name="start"/>:
    /// every line holds a '&lt;' except possibly TD1 line 2 (whose optional data may fill it). Loose on length so that an MRZ read a
    /// character short or long is still recognized (and then fails its exact parse: <c>mrz.invalid</c>), not "not found".
    /// </summary>
    static IReadOnlyList<string>? CardShaped(IReadOnlyList<string> lines, int start)
    {
        static bool Near(string l, int length) => Math.Abs(l.Length - length) <= 2;
        var rest = lines.Skip(start).ToList();
        if (rest.Count >= 3 && rest.Take(3).All(l => Near(l, Mrz.Td1LineLength)) && rest[0].Contains('<') && rest[2].Contains('<'))
            return rest.Take(3).ToList();
        if (rest.Count >= 2 && rest.Take(2).All(l => Near(l, Mrz.Td2LineLength) && l.Contains('<')))
            return rest.Take(2).ToList();
        return null;
    }

    /// <summary>
    /// A TD1/TD2 MRZ on a document read as a passport: always <c>mrz.unsupported-format</c> (a passport has a TD3 MRZ); upper-cased
    /// and otherwise parsed without repair (<see cref="Mrz.ParseTd1"/>, <see cref="Mrz.ParseTd2"/>); not valid → <c>mrz.invalid</c>; valid → its fields
    /// (not the passport number: an ID card's number is not one) for the checks against the case and the other documents.
    /// </summary>
    static void ReadCardMrz(Context ctx, IReadOnlyList<string> raw)
    {
        var lines = raw.Select(l => l.ToUpperInvariant()).ToList();
        var format = lines.Count == 3 ? "TD1" : "TD2";
        ctx.Findings.Add(new Finding("mrz.unsupported-format",
            format == "TD1"
                ? "The MRZ has the TD1 layout (3 lines of 30, an ID card), not a passport's TD3 (2 lines of 44)."
                : "The MRZ has the TD2 layout (2 lines of 36, an ID card or official document), not a passport's TD3 (2 lines of 44).",
            FieldNames.MrzLine1, Expected: "TD3", Actual: format));
        MrzCard? mrz = format == "TD1" ? Mrz.ParseTd1(lines[0], lines[1], lines[2], ctx.Today) : Mrz.ParseTd2(lines[0], lines[1], ctx.Today);
        if (mrz is not { IsValid: true })
        {
            ctx.Findings.Add(new Finding("mrz.invalid",
                mrz is null ? $"The {format} MRZ does not have its format's shape (line lengths, characters A-Z 0-9 <, document code A, C or I)."
                : mrz.Errors.Any(e => e.StartsWith("check-digit:", StringComparison.Ordinal))
                    ? $"The {format} MRZ check digits do not match what was read (TD1/TD2 MRZs are never repaired)."
                    : $"The {format} MRZ holds a character or date its format does not allow there.",
                FieldNames.MrzLine2, Actual: string.Join('\n', raw)));
            ctx.Require(FieldNames.PassportNumber, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex);
            return;
        }
        SetMrzFields(ctx, mrz);
        CheckMrzNameInVisualZone(ctx, mrz);
        CheckIndonesian(ctx, mrz);
        ctx.Require(FieldNames.PassportNumber, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex);
    }

    /// <summary>Letters OCR confuses with digits, folded to the digit (O/D/Q/U→0, I/L→1, Z→2, A→4, S→5, G→6, T→7, B→8).</summary>
    internal static string FoldLookAlikes(string s) => string.Concat(s.Select(c => c switch
    {
        'O' or 'D' or 'Q' or 'U' => '0', 'I' or 'L' => '1', 'Z' => '2', 'A' => '4', 'S' => '5', 'G' => '6', 'T' => '7', 'B' => '8', _ => c,
    }));

    /// <summary>
    /// True when <paramref name="printed"/> (a passport number read from the visual zone) differs from <paramref name="mrzNumber"/> (the MRZ's
    /// document number, check digit valid) only by OCR look-alikes (<see cref="FoldLookAlikes"/>) in at most 3 positions, and the MRZ's
    /// document number check digit (ICAO 9303 Part 3 §4.9, weights 7-3-1 over the 9-character field) rules out every other way of reading
    /// those positions with their look-alikes. Then the printed check digit proves the MRZ's number and the visual zone was misread
    /// (e.g. printed <c>I8166227</c> read as <c>18166227</c>: I and 1 are 17 apart, which the check digit sees). It is false where a
    /// look-alike's value differs by a multiple of 10 (L/1, G/6, U/0), which the check digit cannot see: that difference needs a person.
    /// </summary>
    internal static bool CheckDigitSinglesOut(string printed, string mrzNumber)
    {
        if (printed.Length != mrzNumber.Length || mrzNumber.Length > 9 || FoldLookAlikes(printed) != FoldLookAlikes(mrzNumber)) return false;
        var differing = Enumerable.Range(0, mrzNumber.Length).Where(i => printed[i] != mrzNumber[i]).ToArray();
        if (differing.Length is 0 or > 3) return false;
        var field = mrzNumber.PadRight(9, '<');
        var checkDigit = Mrz.CheckDigit(field);
        // Every reading of the differing positions by a look-alike of what the MRZ holds there (5 per position at most).
        var readings = new List<char[]> { field.ToCharArray() };
        foreach (var i in differing)
        {
            var fold = FoldLookAlikes(mrzNumber[i].ToString())[0];
            var alikes = MrzCharacters.Where(c => FoldLookAlikes(c.ToString())[0] == fold).ToArray();
            readings = [.. readings.SelectMany(r => alikes.Select(c => { var copy = (char[])r.Clone(); copy[i] = c; return copy; }))];
        }
        return readings.Count(r => Mrz.CheckDigit(r) == checkDigit) == 1;
    }

    const string MrzCharacters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    // ---------- KTP ----------

    [GeneratedRegex(@"\bN[I1l|]K\b", RegexOptions.IgnoreCase)] private static partial Regex NikLabel();
    [GeneratedRegex(@"^\W*N[a4](?:m|rn|n)[a4]\b(?!\s*Lengkap)", RegexOptions.IgnoreCase)] private static partial Regex NamaLabel();
    [GeneratedRegex(@"\bN[a4](?:m|rn|n)[a4]\s*Leng[kh]ap\b", RegexOptions.IgnoreCase)] private static partial Regex NamaLengkapLabel();
    // Tempat/Tgl Lahir, Tempat/Tanggal Lahir; OCR damage seen: the slash read as V, I or l and glued (TEMPAVTGL LAHIR), the T of
    // Tanggal split off (Tempat/T anggal, Tempat/T. anggal, Tempat/T: anggal, Tempat/T enna Lahir), the first T lost (-empat/Tal Lahir).
    [GeneratedRegex(@"T?emp[a-z]{1,2}\s*[/VIl1|]?\s*T(?:[.:]?\s)?[a-z!1|]{0,7}\.?\s*La[hn][il1]r", RegexOptions.IgnoreCase)] private static partial Regex BirthLabel();
    [GeneratedRegex(@"Jen[il1]s\s*Ke[l1I]a[mn]{1,2}[il1]n", RegexOptions.IgnoreCase)] private static partial Regex SexLabel();

    static void ReadKtp(Context ctx)
    {
        ReadNik(ctx);
        ReadName(ctx, NamaLabel());
        ReadBirth(ctx, withPlace: true);
        ReadSex(ctx);
        ReadKtpByLayout(ctx);
        ctx.Require(FieldNames.Nik, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex);
    }

    /// <summary>
    /// A KTP whose label column the OCR did not read (Tesseract's page layout drops it on some 200 dpi scans, keeping the values):
    /// the values are taken by the card's fixed order, and only when no row carries the label at all and the order is proven by the
    /// values themselves: the row right under the NIK's is the name when the row under it holds a place and a date (the birth row),
    /// and the row under that is the sex when its first word is one of the sex words (<see cref="SexFromWord"/>). The name must be
    /// letters only. What is read this way is checked like a labelled value (NIK against the printed birth date and sex, every field
    /// against the case), so a wrong row cannot pass silently.
    /// </summary>
    static void ReadKtpByLayout(Context ctx)
    {
        if (!ctx.Fields.TryGetValue(FieldNames.Nik, out var nik)) return;
        var at = ctx.Rows.FindIndex(r => r.Words.Any(w => Nik.FromOcrToken(w.Text.Trim(':', '.', ',', '"', '“', '+')) == nik));
        if (at < 0 || at + 2 >= ctx.Rows.Count) return;
        bool Unlabelled(Regex label) => !ctx.Rows.Any(r => label.IsMatch(r.Text));
        var birthRow = ctx.Rows[at + 2];
        if (ValueFrom(birthRow, 0) is not { } birth || !DocumentDates.TryFind(birth.Value, out var date, out var dateAt)) return;
        var place = birth.Value[..dateAt].Trim().TrimEnd(',', '.', ';').Trim();
        if (place.Length == 0 || !place.All(c => char.IsLetter(c) || c == ' ')) return;
        if (!ctx.Fields.ContainsKey(FieldNames.FullName) && Unlabelled(NamaLabel()) && ValueFrom(ctx.Rows[at + 1], 0) is { } name
            && name.Value.All(c => char.IsLetter(c) || c is ' ' or '.' or '\'' or '-'))
            ctx.Set(FieldNames.FullName, PersonNames.Normalize(name.Value), name.Confidence);
        if (!ctx.Fields.ContainsKey(FieldNames.BirthDate) && Unlabelled(BirthLabel()))
        {
            ctx.Set(FieldNames.BirthDate, DocumentDates.ToIso(date), birth.Confidence);
            ctx.Set(FieldNames.BirthPlace, place.ToUpperInvariant(), birth.Confidence);
        }
        if (!ctx.Fields.ContainsKey(FieldNames.Sex) && Unlabelled(SexLabel()) && at + 3 < ctx.Rows.Count
            && ValueFrom(ctx.Rows[at + 3], 0) is { } sexValue && SexFromWord(sexValue.Value) is { } sex)
            ctx.Set(FieldNames.Sex, sex.ToString(), sexValue.Confidence);
    }

    static void ReadNik(Context ctx)
    {
        // The value after the NIK label; else the only 16-character token on the document that reads as a NIK.
        // The confidence is the NIK word's own: the colon read as a separate digit or mark before it (NIK 8 1905105301874405) is
        // not part of the NIK, so its low confidence says nothing about the NIK.
        var labelled = LabelledAt(ctx, NikLabel());
        if (labelled is { } v)
        {
            var at = 0;
            foreach (var token in v.Value.Split(' '))
            {
                if (token.Length > 0 && Nik.FromOcrToken(token) is { } nik)
                {
                    ctx.Set(FieldNames.Nik, nik, v.Row.ConfidenceFrom(v.Start + at, token.Length));
                    return;
                }
                at += token.Length + 1;
            }
        }
        var candidates = ctx.Rows.SelectMany(r => r.Words)
            .Where(w => w.Text.Count(char.IsAsciiDigit) >= 12)
            .Select(w => (Nik: Nik.FromOcrToken(w.Text.Trim(':', '.', ',')), w.Confidence))
            .Where(x => x.Nik is not null)
            .GroupBy(x => x.Nik).ToList();
        if (candidates.Count == 1) ctx.Set(FieldNames.Nik, candidates[0].Key, candidates[0].Min(x => x.Confidence));
    }

    static void ReadName(Context ctx, Regex label)
    {
        if (Labelled(ctx, label) is not { } v) return;
        var name = PersonNames.Normalize(v.Value);
        ctx.Set(FieldNames.FullName, name, v.Confidence);
    }

    static void ReadBirth(Context ctx, bool withPlace)
    {
        if (Labelled(ctx, BirthLabel()) is not { } v) return;
        if (!DocumentDates.TryFind(v.Value, out var date, out var index)) return;
        ctx.Set(FieldNames.BirthDate, DocumentDates.ToIso(date), v.Confidence);
        if (withPlace)
        {
            var place = v.Value[..index].Trim().TrimEnd(',', '.', ';').Trim().ToUpperInvariant();
            ctx.Set(FieldNames.BirthPlace, place, v.Confidence);
        }
    }

    static void ReadSex(Context ctx)
    {
        if (Labelled(ctx, SexLabel()) is not { } v || SexFromWord(v.Value) is not { } sex) return;
        // Tesseract gives the hyphenated LAKI-LAKI low confidence even when every letter is right; a word within one letter of a sex
        // word (and far from the other) is read by the vocabulary, not by that confidence. Further off, the confidence decides.
        ctx.Set(FieldNames.Sex, sex.ToString(), SexFromWord(v.Value, maxDistance: 1) is not null ? 1 : v.Confidence);
    }

    /// <summary>
    /// 'F' or 'M' from the first word of a sex value (any case): <c>WANITA</c>/<c>PRIA</c> exactly, or within edit distance 2 of
    /// <c>PEREMPUAN</c> or <c>LAKI-LAKI</c> (letters only, junk glued after it ignored) and at least 4 from the other (<c>EREMPUAN</c>,
    /// <c>LAKFLAKI</c>); null when unclear. The two words differ in nearly every letter, so OCR damage cannot turn one into the other.
    /// </summary>
    /// <param name="value">The value as read.</param>
    /// <param name="maxDistance">The edit distance allowed from <c>PEREMPUAN</c> or <c>LAKI-LAKI</c> (2, or 1 for a word read clearly).</param>
    internal static char? SexFromWord(string value, int maxDistance = 2)
    {
        static string Letters(string w) => new(w.Where(char.IsLetter).Select(char.ToUpperInvariant).ToArray());
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsLetter)).ToArray();
        if (words.Length == 0) return null;
        var first = Letters(words[0]);
        if (first is "WANITA") return 'F';
        if (first is "PRIA") return 'M';
        if (words.Length > 1 && first.Length <= 5 && first.StartsWith('L')) first += Letters(words[1]); // LAKI LAKI
        if (first.Length < 6) return null;
        static int Distance(string s, string w) => Math.Min(EditDistance(s, w), s.Length > w.Length ? EditDistance(s[..w.Length], w) : int.MaxValue);
        var f = Distance(first, "PEREMPUAN");
        var m = Distance(first, "LAKILAKI");
        if (f <= maxDistance && m >= 4) return 'F';
        if (m <= maxDistance && f >= 4) return 'M';
        return null;
    }

    // ---------- SPLP ----------

    [GeneratedRegex(@"\bNomor\b(?!\s*Paspor)", RegexOptions.IgnoreCase)] private static partial Regex NomorLabel();
    [GeneratedRegex(@"\bNomor\s+Paspor(\s+Terakhir)?", RegexOptions.IgnoreCase)] private static partial Regex PassportLabel();
    [GeneratedRegex(@"^(?<city>[A-Z]{2,3})\s*-\s*SPLP\s*/\s*(?<no>[0-9OIl]{3,5})\s*/\s*(?<month>[IVX1l]{1,4})\s*/\s*(?<year>[0-9]{4})$", RegexOptions.IgnoreCase)]
    private static partial Regex SplpNumber();
    [GeneratedRegex(@"^[A-Z]{1,2}[0-9]{6,8}$")] private static partial Regex PassportNumber();
    [GeneratedRegex(@"\s*([/-])\s*")] private static partial Regex SplitJoin();

    static readonly string[] RomanMonths = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

    static void ReadSplp(Context ctx)
    {
        if (Labelled(ctx, NomorLabel()) is { } n)
        {
            // A number cut at a space after a slash or around a dash (PG-SPLP/ 0457/IX/2025) is joined first.
            var token = SplitJoin().Replace(n.Value, "$1").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            var m = SplpNumber().Match(token);
            if (m.Success)
            {
                // Format-typed: the serial is digits, the month a Roman numeral (OCR reads I as 1 or l).
                var no = m.Groups["no"].Value.ToUpperInvariant().Replace('O', '0').Replace('I', '1').Replace('L', '1');
                var month = m.Groups["month"].Value.ToUpperInvariant().Replace('1', 'I').Replace('L', 'I');
                // A month that is no Roman numeral of 1-12 (XI11 read as XIII) was misread: for a person.
                ctx.Set(FieldNames.SplpNumber, $"{m.Groups["city"].Value.ToUpperInvariant()}-SPLP/{no}/{month}/{m.Groups["year"].Value}",
                    RomanMonths.Contains(month) ? n.Confidence : Math.Min(n.Confidence, LowConfidence / 2));
            }
            else ctx.Set(FieldNames.SplpNumber, token.ToUpperInvariant(), Math.Min(n.Confidence, LowConfidence / 2));
        }
        ReadName(ctx, NamaLengkapLabel());
        ReadBirth(ctx, withPlace: true);
        ReadSex(ctx);
        ReadNik(ctx);
        if (Labelled(ctx, PassportLabel()) is { } p)
        {
            var token = p.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0].ToUpperInvariant();
            ctx.Set(FieldNames.PassportNumber, token, PassportNumber().IsMatch(token) ? p.Confidence : Math.Min(p.Confidence, LowConfidence / 2));
        }
        ctx.Require(FieldNames.SplpNumber, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex);
    }

    // ---------- assessment form (asesmen) ----------

    [GeneratedRegex(@"\bNo\.?\s*Reg\b\.?", RegexOptions.IgnoreCase)] private static partial Regex RegLabel();
    [GeneratedRegex(@"Tanggal\s+Asesmen", RegexOptions.IgnoreCase)] private static partial Regex AssessmentDateLabel();
    [GeneratedRegex(@"^\W*Petugas\b(?!\s*Asesmen\s*,?\s*$)", RegexOptions.IgnoreCase)] private static partial Regex AssessorLabel();
    [GeneratedRegex(@"Petugas\s+Asesmen", RegexOptions.IgnoreCase)] private static partial Regex SignatureBlock();

    static void ReadAssessment(Context ctx)
    {
        ReadName(ctx, NamaLengkapLabel());
        ReadNik(ctx);
        ReadBirth(ctx, withPlace: true);
        ReadSex(ctx);
        if (Labelled(ctx, RegLabel()) is { } r)
            ctx.Set(FieldNames.AssessmentNumber, r.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0].ToUpperInvariant(), r.Confidence);

        if (Labelled(ctx, AssessmentDateLabel()) is { } d && DocumentDates.TryFind(d.Value, out var date))
            ctx.Set(FieldNames.AssessmentDate, DocumentDates.ToIso(date), d.Confidence);
        if (Labelled(ctx, AssessorLabel()) is { } a)
            ctx.Set(FieldNames.Assessor, PersonNames.Normalize(a.Value), a.Confidence);

        // The signature block: "<place>, <date>" above "Petugas Asesmen," and the printed name below the signature.
        var sig = ctx.Rows.FindIndex(x => SignatureBlock().IsMatch(x.Text));
        if (sig >= 0)
        {
            if (!ctx.Fields.ContainsKey(FieldNames.AssessmentDate))
                for (var i = sig - 1; i >= Math.Max(0, sig - 2); i--)
                    if (DocumentDates.TryFind(ctx.Rows[i].Text, out var sd))
                    { ctx.Set(FieldNames.AssessmentDate, DocumentDates.ToIso(sd), ctx.Rows[i].ConfidenceFrom(0, ctx.Rows[i].Text.Length)); break; }
            if (!ctx.Fields.ContainsKey(FieldNames.Assessor))
            {
                // The last upper-case line of at least two words within three rows below (the typed name under the signature).
                var name = ctx.Rows.Skip(sig + 1).Take(3)
                    .Where(x => x.Words.Count >= 2 && x.Text == x.Text.ToUpperInvariant() && x.Text.Any(char.IsLetter) && !x.Text.Contains("SPESIMEN"))
                    .LastOrDefault();
                if (name is not null) ctx.Set(FieldNames.Assessor, PersonNames.Normalize(name.Text), name.ConfidenceFrom(0, name.Text.Length));
            }
        }
        ctx.Require(FieldNames.FullName, FieldNames.Nik, FieldNames.BirthDate, FieldNames.AssessmentNumber, FieldNames.AssessmentDate, FieldNames.Assessor);
    }

    // ---------- checks ----------

    static void CheckNik(Context ctx) => ctx.Findings.AddRange(FieldChecks.Nik(ctx.Fields, ctx.Today));

    static void CheckSubject(Context ctx, Subject subject) => ctx.Findings.AddRange(FieldChecks.Subject(ctx.Fields, subject, ctx.Today));
}
