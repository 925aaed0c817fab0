using System.Diagnostics;
using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Pulang.Workflows.Ocr;

/// <summary>
/// Offline OCR with the Tesseract 5 command line (TSV output), mapped into Document Intelligence's
/// <see cref="AnalyzeResult"/> shape: words with pixel (images) or inch (PDF) polygons and confidences 0..1, lines, content.
/// <list type="bullet">
/// <item>JPEG, PNG and TIFF are OCR'd as one page; PDFs are counted with <c>pdfinfo</c>, refused above
/// <see cref="TesseractOptions.MaxPages"/>, and rasterized with <c>pdftoppm -r <see cref="TesseractOptions.Dpi"/></c>, one OCR per page.</item>
/// <item>For <see cref="ScanLayout.PassportMrz"/> an extra MRZ pass finds the machine readable zone band (from the page's own
/// OCR, else the bottom of the page), preprocesses it with SkiaSharp (crop, scale, grey, Otsu threshold, small rotations) and reads
/// it with a whitelist of <c>A-Z 0-9 &lt;</c>; the first variant whose lines pass every ICAO 9303 check digit after
/// <see cref="Mrz.TryRepair(string?, string?, DateOnly)"/> is put in <see cref="AnalyzeResult.Documents"/> as <c>mrz.td3</c> with field
/// <c>MachineReadableZone</c> = "line1\nline2". If no variant passes, the best raw reading is still reported, with confidence 0,
/// for the document reader to flag.</item>
/// <item>Every external process runs with <c>OMP_THREAD_LIMIT=1</c> and at most <see cref="TesseractOptions.MaxConcurrency"/> at once.
/// Temporary files live in a per-call folder that is always deleted.</item>
/// </list>
/// Errors: <see cref="OcrException"/> with <see cref="OcrException.IsPermanent"/> true for unsupported media types, bytes that are
/// not the declared kind of file, unreadable images and PDFs over the page limit; false for a missing binary, a crash or a timeout.
/// Nothing from the document's text is logged or put in exception messages.
/// </summary>
public sealed class TesseractOcrEngine : IOcrEngine, IDisposable
{
    readonly TesseractOptions options;
    readonly SemaphoreSlim slots;
    readonly TimeProvider time;

    /// <summary>Creates the engine.</summary>
    /// <param name="options">Paths, languages, limits; a default instance when null.</param>
    /// <param name="timeProvider">Clock for the MRZ date century rules; <see cref="TimeProvider.System"/> when null.</param>
    public TesseractOcrEngine(TesseractOptions? options = null, TimeProvider? timeProvider = null)
    {
        this.options = options ?? new TesseractOptions();
        if (this.options.MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrency must be at least 1.");
        if (this.options.MaxPages < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxPages must be at least 1.");
        slots = new SemaphoreSlim(this.options.MaxConcurrency, this.options.MaxConcurrency);
        time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public void Dispose() => slots.Dispose();

    int runningProcesses;
    int peakProcesses;
    int processesStarted;

    /// <summary>The most external processes (tesseract, pdftoppm, pdfinfo) this engine lets run at once (<see cref="TesseractOptions.MaxConcurrency"/>).</summary>
    public int MaxConcurrency => options.MaxConcurrency;

    /// <summary>External processes running now.</summary>
    public int RunningProcesses => Volatile.Read(ref runningProcesses);

    /// <summary>Most external processes seen running at once since this engine was made.</summary>
    public int PeakProcesses => Volatile.Read(ref peakProcesses);

    /// <summary>External processes started since this engine was made.</summary>
    public int ProcessesStarted => Volatile.Read(ref processesStarted);

    /// <inheritdoc />
    public async Task<AnalyzeResult> AnalyzeAsync(Stream content, string contentType, OcrHint hint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var mediaType = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        var extension = mediaType switch
        {
            "image/jpeg" or "image/jpg" => ".jpg",
            "image/png" => ".png",
            "image/tiff" => ".tif",
            "application/pdf" => ".pdf",
            _ => throw new OcrException($"Unsupported media type '{mediaType}'; expected JPEG, PNG, TIFF or PDF.", isPermanent: true),
        };

        var folder = Path.Combine(options.TempDirectory ?? Path.GetTempPath(), "pulang-ocr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var input = Path.Combine(folder, "input" + extension);
            await using (var file = File.Create(input))
                await content.CopyToAsync(file, cancellationToken);
            CheckSignature(input, extension);

            List<(string Image, string Unit, double PixelsPerUnit)> images;
            if (extension == ".pdf")
            {
                var pageCount = await CountPdfPagesAsync(input, cancellationToken);
                if (pageCount > options.MaxPages)
                    throw new OcrException($"The PDF has {pageCount} pages; at most {options.MaxPages} are read.", isPermanent: true);
                images = (await RasterizePdfAsync(input, folder, cancellationToken)).Select(p => (p, "inch", (double)options.Dpi)).ToList();
                if (images.Count != pageCount)
                    throw new OcrException("The PDF could not be rasterized page by page.", isPermanent: true);
            }
            else
            {
                images = [(input, "pixel", 1.0)];
            }

            var pageTasks = images.Select((img, i) => ReadPageAsync(img.Image, i + 1, img.Unit, img.PixelsPerUnit, folder, hint, cancellationToken)).ToList();
            var pages = await Task.WhenAll(pageTasks);

            var documents = new List<AnalyzedDocument>();
            if (hint.Layout == ScanLayout.PassportMrz && options.MrzPass)
            {
                MrzReading? best = null;
                for (var i = 0; i < images.Count; i++)
                {
                    var reading = await ReadMrzAsync(images[i].Image, pages[i].Raw, cancellationToken, folder);
                    if (reading is null) continue;
                    if (reading.Valid && (best is not { Valid: true } || reading.NamesInVisualZone)) best = reading;
                    else best ??= reading;
                    if (best is { Valid: true, NamesInVisualZone: true }) break;
                }
                if (best is not null)
                {
                    // 1: check digits pass, names clear and printed in the visual zone; 0.5: names unconfirmed by the visual zone;
                    // 0.25: a cell no check digit covers read unclearly (DocumentReader.MrzNamesUnclear; which ones: the
                    // MrzFields fields at 0.25); 0: check digits fail (raw reading, for review).
                    var unclear = best.UnclearFields ?? [];
                    var confidence = !best.Valid ? 0.0 : unclear.Count > 0 ? 0.25 : best.NamesInVisualZone ? 1.0 : 0.5;
                    var fields = new Dictionary<string, DocumentField>
                    {
                        ["MachineReadableZone"] = new("mrz", best.Line1 + "\n" + best.Line2, confidence),
                    };
                    foreach (var field in unclear) fields[field] = new("string", null, 0.25);
                    documents.Add(new AnalyzedDocument("mrz.td3", fields, confidence));
                }
            }

            var text = string.Join("\f", pages.Select(p => string.Join("\n", p.Page.Lines.Select(l => l.Content))));
            return new AnalyzeResult(
                "tesseract " + (await VersionAsync(cancellationToken)),
                "tesseract:" + options.Languages,
                text,
                pages.Select(p => p.Page).ToList(),
                documents);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static void CheckSignature(string path, string extension)
    {
        Span<byte> head = stackalloc byte[8];
        int n;
        using (var f = File.OpenRead(path)) n = f.Read(head);
        if (n == 0) throw new OcrException("The scan is empty.", isPermanent: true);
        var h = head[..n];
        var ok = extension switch
        {
            ".jpg" => h.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }),
            ".png" => h.StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }),
            ".tif" => h.StartsWith("II*\0"u8) || h.StartsWith("MM\0*"u8),
            ".pdf" => h.StartsWith("%PDF"u8),
            _ => false,
        };
        if (!ok) throw new OcrException($"The scan's bytes are not a {extension.TrimStart('.').ToUpperInvariant()} file.", isPermanent: true);
    }

    string? version;

    async Task<string> VersionAsync(CancellationToken ct)
    {
        if (version is not null) return version;
        var r = await RunAsync(options.TesseractPath, ["--version"], ct);
        var first = (r.StdOut + "\n" + r.StdErr).Split('\n').FirstOrDefault(l => l.StartsWith("tesseract", StringComparison.OrdinalIgnoreCase)) ?? "tesseract ?";
        return version = first.Replace("tesseract", "", StringComparison.OrdinalIgnoreCase).Trim();
    }

    async Task<int> CountPdfPagesAsync(string pdf, CancellationToken ct)
    {
        var r = await RunAsync(options.PdfinfoPath, [pdf], ct);
        if (r.ExitCode != 0) throw new OcrException("The PDF cannot be read (pdfinfo failed).", isPermanent: true);
        foreach (var line in r.StdOut.Split('\n'))
            if (line.StartsWith("Pages:", StringComparison.Ordinal) && int.TryParse(line[6..].Trim(), CultureInfo.InvariantCulture, out var pages))
                return pages;
        throw new OcrException("The PDF's page count cannot be read.", isPermanent: true);
    }

    async Task<List<string>> RasterizePdfAsync(string pdf, string folder, CancellationToken ct)
    {
        var prefix = Path.Combine(folder, "page");
        // Grey PGM: uncompressed, so rasterizing is fast (PNG compression of 300 dpi A4 pages costs seconds per page), and
        // Tesseract reads it as it is; MrzBandImage decodes it for the MRZ pass.
        var r = await RunAsync(options.PdftoppmPath, ["-r", options.Dpi.ToString(CultureInfo.InvariantCulture), "-gray", pdf, prefix], ct);
        if (r.ExitCode != 0) throw new OcrException("The PDF cannot be rasterized (pdftoppm failed).", isPermanent: true);
        // pdftoppm names pages page-1.pgm or page-01.pgm ... depending on the page count: order by the number.
        return Directory.GetFiles(folder, "page-*.pgm")
            .OrderBy(p => int.Parse(Path.GetFileNameWithoutExtension(p)["page-".Length..], CultureInfo.InvariantCulture))
            .ToList();
    }

    sealed record PageResult(AnalyzedPage Page, List<TsvRow> Raw);

    async Task<PageResult> ReadPageAsync(string image, int pageNumber, string unit, double pixelsPerUnit, string folder, OcrHint hint, CancellationToken ct)
    {
        var psm = "3";
        if (hint.Layout == ScanLayout.RuledTable)
        {
            // A KK's ruled member table reads as noise with its rules: deskew and remove them, and read the page as one block of
            // rows (TablePageImage). The resolution for the rule lengths: the PDF's, else the long side taken as A4's 11.7 inches.
            var table = Path.Combine(folder, $"table-{pageNumber}.pgm");
            using var size = SKCodec.Create(image);
            var dpi = unit == "inch" ? pixelsPerUnit : size is null ? 200 : Math.Max(size.Info.Width, size.Info.Height) / 11.69;
            if (TablePageImage.Write(image, table, dpi)) { image = table; psm = "6"; }
        }
        var r = await RunAsync(options.TesseractPath, [image, "stdout", "-l", options.Languages, "--psm", psm, "tsv"], ct);
        if (r.ExitCode != 0) throw ProcessFailure(r);
        var rows = ParseTsv(r.StdOut);
        var pageRow = rows.FirstOrDefault(x => x.Level == 1);
        double width = (pageRow?.Width ?? 0) / pixelsPerUnit, height = (pageRow?.Height ?? 0) / pixelsPerUnit;

        var words = rows.Where(x => x.Level == 5 && !string.IsNullOrWhiteSpace(x.Text)).ToList();
        var analyzedWords = words.Select(w => new AnalyzedWord(w.Text, Polygon(w, pixelsPerUnit), Math.Clamp(w.Confidence / 100.0, 0, 1))).ToList();
        var lines = words
            .GroupBy(w => (w.Block, w.Paragraph, w.Line))
            .Select(g =>
            {
                var lineRow = rows.FirstOrDefault(x => x.Level == 4 && x.Block == g.Key.Block && x.Paragraph == g.Key.Paragraph && x.Line == g.Key.Line);
                return new AnalyzedLine(string.Join(' ', g.Select(w => w.Text)), lineRow is null ? Polygon(g.First(), pixelsPerUnit) : Polygon(lineRow, pixelsPerUnit));
            })
            .ToList();
        return new PageResult(new AnalyzedPage(pageNumber, width, height, unit, lines, analyzedWords, LineAngle(words)), rows);
    }

    /// <summary>
    /// The page's skew in degrees clockwise from Tesseract's own text lines (which it finds on tilted pages): per line of at least two
    /// words spanning at least four word heights, the least-squares slope of the word centres; the median over lines, or null when no
    /// line qualifies (the reader then estimates it from the words).
    /// </summary>
    internal static double? LineAngle(IReadOnlyList<TsvRow> words)
    {
        var angles = new List<double>();
        foreach (var line in words.GroupBy(w => (w.Block, w.Paragraph, w.Line)))
        {
            var ws = line.ToList();
            if (ws.Count < 2) continue;
            var h = ws.Select(w => (double)w.Height).Order().ElementAt(ws.Count / 2);
            var xs = ws.Select(w => w.Left + w.Width / 2.0).ToList();
            var ys = ws.Select(w => w.Top + w.Height / 2.0).ToList();
            if (xs.Max() - xs.Min() < 4 * h) continue;
            double mx = xs.Average(), my = ys.Average(), sxy = 0, sxx = 0;
            for (var i = 0; i < xs.Count; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx); }
            if (sxx > 0) angles.Add(Math.Atan(sxy / sxx) * 180 / Math.PI);
        }
        angles = angles.Where(a => Math.Abs(a) <= 10).Order().ToList();
        return angles.Count == 0 ? null : angles[angles.Count / 2];
    }

    static IReadOnlyList<double> Polygon(TsvRow r, double perUnit)
    {
        double l = r.Left / perUnit, t = r.Top / perUnit, rr = (r.Left + r.Width) / perUnit, b = (r.Top + r.Height) / perUnit;
        return [l, t, rr, t, rr, b, l, b];
    }

    internal sealed record TsvRow(int Level, int Block, int Paragraph, int Line, int Word, int Left, int Top, int Width, int Height, double Confidence, string Text);

    /// <summary>Parses Tesseract's TSV (level, page_num, block_num, par_num, line_num, word_num, left, top, width, height, conf, text).</summary>
    internal static List<TsvRow> ParseTsv(string tsv)
    {
        var rows = new List<TsvRow>();
        foreach (var raw in tsv.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var c = line.Split('\t');
            if (c.Length < 11 || !int.TryParse(c[0], CultureInfo.InvariantCulture, out var level)) continue;
            int I(int i) => int.TryParse(c[i], CultureInfo.InvariantCulture, out var v) ? v : 0;
            var conf = double.TryParse(c[10], NumberStyles.Float, CultureInfo.InvariantCulture, out var cf) ? cf : -1;
            rows.Add(new TsvRow(level, I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), conf, c.Length > 11 ? c[11].Trim() : string.Empty));
        }
        return rows;
    }

    sealed record MrzReading(string Line1, string Line2, bool Valid, bool NamesInVisualZone, IReadOnlyList<string>? UnclearFields = null);

    MrzCellReader? cellReader;

    MrzCellReader CellReader => cellReader ??= new MrzCellReader(OcrBFont.Locate(options.MrzFontPath));

    /// <summary>
    /// The line 2 cells the check digits may decide (position → runner-up): read unclearly (best beats the runner-up by less than
    /// <see cref="TesseractOptions.MrzAmbiguityMargin"/>) but still a good match (best score at least
    /// <see cref="TesseractOptions.MrzMinRepairScore"/>).
    /// </summary>
    public static Dictionary<int, char> RepairableCells(MrzCellReading cells, TesseractOptions options)
    {
        var alternatives = new Dictionary<int, char>();
        for (var i = 0; i < cells.Cells[1].Count; i++)
        {
            if (cells.Cells[1][i] is { Second: not '\0' } c && c.Margin < options.MrzAmbiguityMargin && c.Score >= options.MrzMinRepairScore)
            {
                alternatives[i] = c.Second;
            }
        }

        return alternatives;
    }

    /// <summary>The TD3 cells no check digit covers, other than the names, by the <c>mrz.td3</c> document field that reports them:
    /// line 1 positions 1-2 (document code) and 3-5 (issuing state), line 2 positions 11-13 (nationality) and 21 (sex), 1-based.</summary>
    static readonly (string Field, int Line, int From, int To)[] UncheckedCells =
    [
        (MrzFields.DocumentType, 0, 0, 1), (MrzFields.IssuingState, 0, 2, 4), (MrzFields.Nationality, 1, 10, 12), (MrzFields.Sex, 1, 20, 20),
    ];

    /// <summary>
    /// The parts of a TD3 MRZ covered by no check digit whose cells were read unclearly, as <see cref="MrzFields"/> names: a cell whose
    /// best glyph beats the runner-up by less than <see cref="TesseractOptions.MrzNameMargin"/> (names, line 1 positions 6-44, and the
    /// document code, issuing state and nationality; <see cref="TesseractOptions.MrzSexMargin"/> for the sex cell), or, for the
    /// document code, issuing state, nationality and sex, whose best glyph scores below <see cref="TesseractOptions.MrzUncheckedMinScore"/>.
    /// An M read where an F was printed and smudged is caught by no check digit, so such a reading goes to review
    /// (<c>mrz.name-unclear</c>, <c>mrz.field-unclear</c>). Empty when all are clear.
    /// </summary>
    public static IReadOnlyList<string> UnclearUncheckedFields(MrzCellReading cells, TesseractOptions options)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(options);
        var unclear = new List<string>();
        if (cells.Cells[0].Skip(5).Any(c => c.Second != '\0' && c.Margin < options.MrzNameMargin)) unclear.Add(MrzFields.Names);
        foreach (var (field, line, from, to) in UncheckedCells)
        {
            for (var i = from; i <= to; i++)
            {
                var c = cells.Cells[line][i];
                var margin = field == MrzFields.Sex ? options.MrzSexMargin : options.MrzNameMargin;
                if ((c.Second != '\0' && c.Margin < margin) || c.Score < options.MrzUncheckedMinScore)
                {
                    unclear.Add(field);
                    break;
                }
            }
        }
        return unclear;
    }

    /// <summary>
    /// Turns a cell reading into the engine's MRZ answer: line 2 cells listed by <see cref="RepairableCells"/> may take the runner-up
    /// where <see cref="Mrz.ResolveTd3"/> proves it by the check digits; line 1, the nationality and the sex are never changed, and
    /// the parts of them read unclearly (<see cref="UnclearUncheckedFields"/>) are reported for review.
    /// </summary>
    static MrzReading FromCells(MrzCellReading cells, DateOnly today, HashSet<string> pageWords, TesseractOptions options)
    {
        var resolved = Mrz.ResolveTd3(cells.Lines[0], cells.Lines[1], RepairableCells(cells, options), today);
        if (!resolved.IsValid) return new MrzReading(cells.Lines[0], cells.Lines[1], false, false);
        var unclear = UnclearUncheckedFields(cells, options);
        var names = $"{resolved.Mrz!.Surname} {resolved.Mrz.GivenNames}".Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var confirmed = names.Length > 0 && names.All(pageWords.Contains);
        return new MrzReading(resolved.Mrz.Line1, resolved.Mrz.Line2, true, confirmed, unclear);
    }

    async Task<MrzReading?> ReadMrzAsync(string image, List<TsvRow> pageRows, CancellationToken ct, string folder)
    {
        using var bitmap = MrzBandImage.Decode(image)
            ?? throw new OcrException("The scan is not a readable image.", isPermanent: true);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        // Words of the visual zone (the printed data above the MRZ), to confirm the MRZ names, which no check digit covers.
        var pageWords = pageRows.Where(r => r.Level == 5)
            .Select(r => new string(r.Text.ToUpperInvariant().Where(char.IsAsciiLetterUpper).ToArray()))
            .Where(w => w.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
        // 1. The OCR-B cell reader (exact on the fixed grid). When it finds the MRZ, its answer stands: valid (proven by the check
        // digits), or its raw reading for review. Only when it finds no MRZ-shaped lines does Tesseract try the band.
        var cells = CellReader.Read(bitmap, Mrz.Td3Pattern);
        if (cells is not null && cells.MinScore >= options.MrzMinCellScore)
            return FromCells(cells, today, pageWords, options);

        // 2. Fallback: Tesseract on preprocessed variants of the band, through Mrz.TryRepair.
        MrzReading? firstValid = null, firstRaw = null;
        var seenLine1 = new HashSet<string>(StringComparer.Ordinal);
        var seenLine2 = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variant in MrzVariants(bitmap.Width, bitmap.Height, pageRows, bitmap))
        {
            ct.ThrowIfCancellationRequested();
            var pgm = Path.Combine(folder, "mrz-" + Guid.NewGuid().ToString("N") + ".pgm");
            MrzBandImage.Write(bitmap, variant, pgm);
            var r = await RunAsync(options.TesseractPath,
                [pgm, "stdout", "-l", options.MrzLanguage, "--psm", "6", "-c", "tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", "-c", "load_system_dawg=0", "-c", "load_freq_dawg=0"],
                ct);
            File.Delete(pgm);
            if (r.ExitCode != 0) throw ProcessFailure(r);
            var (l1, l2) = PickMrzLines(r.StdOut);
            if (l1 is null || l2 is null) continue;
            // Line 1 and line 2 are independent evidence: line 2 is proven by its check digits, line 1 (names) only by the visual
            // zone. So a line 1 from one variant may be combined with a line 2 from another; each combination must still pass
            // Mrz.TryRepair as a whole.
            var newPairs = seenLine2.Select(x => (l1, x)).Concat(seenLine1.Select(x => (x, l2))).Prepend((l1, l2)).ToList();
            seenLine1.Add(l1);
            seenLine2.Add(l2);
            foreach (var (a, b) in newPairs)
            {
                var repair = Mrz.TryRepair(a, b, today);
                if (!repair.IsValid) continue;
                var names = $"{repair.Mrz!.Surname} {repair.Mrz.GivenNames}".Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var confirmed = names.Length > 0 && names.All(pageWords.Contains);
                // A look-alike repaired where the format allows both (8/B in the document number) is decided by the check digits
                // alone, without cell scores: the lines are reported as read, so that DocumentReader repeats the repair and sends
                // it to review (mrz.repaired).
                var reading = repair.LookAlikeCorrections.Count > 0
                    ? new MrzReading(a, b, true, confirmed)
                    : new MrzReading(repair.Mrz.Line1, repair.Mrz.Line2, true, confirmed);
                if (confirmed) return reading;
                firstValid ??= reading;
            }
            firstRaw ??= new MrzReading(l1, l2, false, false);
        }
        return firstValid ?? firstRaw;
    }

    /// <summary>
    /// Preprocessing variants, tried in order: the band around the lines the page OCR saw as MRZ-like (two or more '&lt;'
    /// or a long run of capitals and digits in the lower half), then the bottom quarter and the bottom 30% of the page. For each band: grey at a
    /// scale that makes lines about 40 pixels high (never enlarging less than 1), grey at 0.8 times that, Otsu-binarized, grey and
    /// Otsu deskewed by the band's estimated skew (projection profile), grey rotated by ±1 degree, then grey at 1.5 and 0.65 times the scale.
    /// </summary>
    internal static IEnumerable<MrzBandImage.Variant> MrzVariants(int width, int height, List<TsvRow> pageRows, SKBitmap? page = null)
    {
        var bands = new List<(string Name, SKRectI Band, double LineHeight)>();
        var mrzLines = pageRows
            .Where(r => r.Level == 4 && r.Top > height / 2)
            .Select(r => (Row: r, Text: string.Concat(pageRows.Where(w => w.Level == 5 && w.Block == r.Block && w.Paragraph == r.Paragraph && w.Line == r.Line).Select(w => w.Text))))
            .Where(x => x.Text.Length >= 20 && (x.Text.Count(ch => ch == '<') >= 2 || x.Text.Count(char.IsAsciiLetterUpper) + x.Text.Count(char.IsAsciiDigit) >= 30))
            .Select(x => x.Row)
            .ToList();
        if (mrzLines.Count > 0)
        {
            var top = mrzLines.Min(r => r.Top);
            var bottom = mrzLines.Max(r => r.Top + r.Height);
            var lineHeight = Math.Min(mrzLines.Min(r => r.Height), width / 30.0);
            var margin = (int)(lineHeight * 1.2);
            // Two lines expected: if only one was seen, extend towards the missing one.
            if (mrzLines.Count == 1) { top -= (int)(lineHeight * 1.8); bottom += (int)(lineHeight * 1.8); }
            bands.Add(("ocr-band", new SKRectI(0, Math.Max(0, top - margin), width, Math.Min(height, bottom + margin)), lineHeight));
        }
        bands.Add(("bottom-quarter", new SKRectI(0, height * 3 / 4, width, height), width / 44.0 * 1.1));
        bands.Add(("bottom-30", new SKRectI(0, height * 7 / 10, width, height), width / 44.0 * 1.1));

        foreach (var (name, band, lineHeight) in bands)
        {
            var scale = (float)Math.Clamp(40.0 / Math.Max(lineHeight, 1), 1.0, 3.0);
            yield return new MrzBandImage.Variant(name + "/grey", band, 0, scale, false);
            yield return new MrzBandImage.Variant(name + "/grey-small", band, 0, scale * 0.8f, false);
            yield return new MrzBandImage.Variant(name + "/otsu", band, 0, scale, true);
            var skew = page is null ? 0f : MrzBandImage.EstimateSkew(page, band);
            if (skew != 0)
            {
                yield return new MrzBandImage.Variant(name + "/deskew-grey", band, -skew, scale, false);
                yield return new MrzBandImage.Variant(name + "/deskew-otsu", band, -skew, scale, true);
            }
            yield return new MrzBandImage.Variant(name + "/grey+1deg", band, 1, scale, false);
            yield return new MrzBandImage.Variant(name + "/grey-1deg", band, -1, scale, false);
            yield return new MrzBandImage.Variant(name + "/grey-large", band, 0, scale * 1.5f, false);
            yield return new MrzBandImage.Variant(name + "/grey-smaller", band, 0, scale * 0.65f, false);
        }
    }

    /// <summary>The last two lines of the MRZ pass output that look like MRZ lines (30 or more characters once spaces are removed).</summary>
    internal static (string? Line1, string? Line2) PickMrzLines(string text)
    {
        var lines = text.Split('\n')
            .Select(l => l.Replace(" ", "").Trim())
            .Where(l => l.Length >= 30)
            .ToList();
        if (lines.Count < 2) return (null, null);
        // Prefer the pair whose first line starts like a passport's line 1 ("P" then a letter or filler).
        for (var i = lines.Count - 2; i >= 0; i--)
            if (lines[i].StartsWith('P')) return (lines[i], lines[i + 1]);
        return (lines[^2], lines[^1]);
    }

    static OcrException ProcessFailure(ProcessResult r)
    {
        // Leptonica's messages for undecodable input mean the bytes are at fault; anything else is the engine's.
        var inputFault = r.StdErr.Contains("cannot be read", StringComparison.OrdinalIgnoreCase)
            || r.StdErr.Contains("Error in pixRead", StringComparison.OrdinalIgnoreCase)
            || r.StdErr.Contains("Unsupported image", StringComparison.OrdinalIgnoreCase);
        return new OcrException($"OCR process failed with exit code {r.ExitCode}.", isPermanent: inputFault);
    }

    internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

    async Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        await slots.WaitAsync(ct);
        try
        {
            var psi = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (var a in arguments) psi.ArgumentList.Add(a);
            psi.Environment["OMP_THREAD_LIMIT"] = "1";

            using var process = new Process { StartInfo = psi };
            try
            {
                process.Start();
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new OcrException($"Cannot start '{Path.GetFileName(fileName)}'; is it installed?", isPermanent: false, e);
            }

            Interlocked.Increment(ref processesStarted);
            ConcurrencyLimitedOcrEngine.InterlockedMax(ref peakProcesses, Interlocked.Increment(ref runningProcesses));
            try
            {
                return await WaitAsync(process, fileName, ct);
            }
            finally
            {
                Interlocked.Decrement(ref runningProcesses);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    async Task<ProcessResult> WaitAsync(Process process, string fileName, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.ProcessTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return new ProcessResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (ct.IsCancellationRequested) throw;
            throw new OcrException($"'{Path.GetFileName(fileName)}' timed out after {options.ProcessTimeout}.", isPermanent: false);
        }
    }
}

/// <summary>
/// Fields of the offline engine's <c>mrz.td3</c> document besides <c>MachineReadableZone</c>: one per part of a TD3 MRZ that no check
/// digit covers, present (content null, confidence 0.25, below <c>DocumentReader.MrzNamesUnclear</c> (Documents)) only when a
/// cell of that part was read unclearly (<see cref="TesseractOcrEngine.UnclearUncheckedFields"/>).
/// </summary>
public static class MrzFields
{
    /// <summary>Line 1 positions 6-44: surname and given names.</summary>
    public const string Names = "MachineReadableZone.Names";

    /// <summary>Line 1 positions 1-2: document code (<c>P&lt;</c>).</summary>
    public const string DocumentType = "MachineReadableZone.DocumentType";

    /// <summary>Line 1 positions 3-5: issuing state.</summary>
    public const string IssuingState = "MachineReadableZone.IssuingState";

    /// <summary>Line 2 positions 11-13: nationality.</summary>
    public const string Nationality = "MachineReadableZone.Nationality";

    /// <summary>Line 2 position 21: sex.</summary>
    public const string Sex = "MachineReadableZone.Sex";
}
