using Pulang.SelfHost;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using SkiaSharp;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>
/// The offline MRZ reader's decisions on cell readings: cells no check digit covers (document code, issuing state, nationality, sex)
/// read unclearly send the passport to review (<c>mrz.field-unclear</c>), and the score floor that keeps an unreadable line 2 cell from
/// being "proven" by the check digits (the false accept fixed in 0413ad5). Fictional data only.
/// </summary>
public class MrzUncheckedCellTests
{
    static readonly DateOnly Today = new(2026, 12, 1);
    const string L1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string L2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");

    /// <summary>A cell reading of <paramref name="line1"/> and <paramref name="line2"/>, every cell clear (best 0.95, runner-up 0.5),
    /// then the given cells of line 2 replaced.</summary>
    static MrzCellReading Reading(string line1, string line2, params (int Line, int Position, MrzCell Cell)[] overrides)
    {
        static MrzCell Clear(char c) => new(c, 0.95, c == '<' ? 'K' : '<', 0.5);
        var cells = new[] { line1.Select(Clear).ToArray(), line2.Select(Clear).ToArray() };
        foreach (var (line, position, cell) in overrides) cells[line][position] = cell;
        return new MrzCellReading(cells.Select(l => new string(l.Select(c => c.Best).ToArray())).ToList(), cells, 0);
    }

    [Fact]
    public void A_clear_reading_has_no_unclear_field()
    {
        Assert.Empty(TesseractOcrEngine.UnclearUncheckedFields(Reading(L1, L2), new TesseractOptions()));
    }

    [Theory]
    [InlineData(1, 20, 'F', 0.62, 'M', 0.58, MrzFields.Sex)]           // a smudged sex cell: F barely ahead of M, both poor
    [InlineData(1, 20, 'F', 0.90, 'M', 0.895, MrzFields.Sex)]          // two good matches a hair apart
    [InlineData(1, 11, 'D', 0.55, 'O', 0.40, MrzFields.Nationality)]   // a blot in the nationality
    [InlineData(0, 3, 'D', 0.66, 'O', 0.50, MrzFields.IssuingState)]
    [InlineData(0, 1, '<', 0.60, 'K', 0.30, MrzFields.DocumentType)]
    public void An_unclear_cell_no_check_digit_covers_is_reported(int line, int position, char best, double score, char second, double secondScore, string field)
    {
        var reading = Reading(L1, L2, (line, position, new MrzCell(best, score, second, secondScore)));
        // The check digits pass: nothing but the cell's unclearness can stop this reading.
        Assert.True(Mrz.ResolveTd3(reading.Lines[0], reading.Lines[1], TesseractOcrEngine.RepairableCells(reading, new TesseractOptions()), Today).IsValid);
        Assert.Equal([field], TesseractOcrEngine.UnclearUncheckedFields(reading, new TesseractOptions()));
    }

    [Fact]
    public void The_reader_reports_an_unclear_sex_cell_as_a_finding_for_review()
    {
        var page = new AnalyzedPage(1, 2000, 400, "pixel", [],
            [.. new[] { "WULANDARI", "SRI", "RAHAYU", "C4821937" }.Select((w, i) => new AnalyzedWord(w, [i * 300.0, 100, i * 300.0 + 250, 100, i * 300.0 + 250, 130, i * 300.0, 130], 0.99))]);
        AnalyzeResult Result(bool sexUnclear)
        {
            var confidence = sexUnclear ? 0.25 : 1;
            var fields = new Dictionary<string, DocumentField> { ["MachineReadableZone"] = new("mrz", L1 + "\n" + L2, confidence) };
            if (sexUnclear) fields[MrzFields.Sex] = new("string", null, 0.25);
            return new AnalyzeResult("tesseract 5", "tesseract:ind+eng", "", [page], [new AnalyzedDocument("mrz.td3", fields, confidence)]);
        }

        Assert.Empty(DocumentReader.Read(DocumentKind.Passport, Result(false), Sri, Today).Findings);
        var reading = DocumentReader.Read(DocumentKind.Passport, Result(true), Sri, Today);
        Assert.False(reading.Clean);
        var finding = Assert.Single(reading.Findings);
        Assert.Equal("mrz.field-unclear", finding.Code);
        Assert.Equal(FieldNames.Sex, finding.Field);
        Assert.Equal("F", finding.Actual);
    }

    /// <summary>
    /// Generated pages (<see cref="SyntheticPassports"/>, seed 7, pages 3, 5 and 8: women) whose sex cell F has an N or a W printed over
    /// it (a smudge, a print fault, a clumsy alteration): the reader may even see an M there (N over F reads M at about 0.70, F close
    /// behind), which no check digit catches. The page as issued has no unclear field; the overprinted one reports the sex.
    /// </summary>
    [Theory]
    [InlineData(3, 'N')]
    [InlineData(5, 'N')]
    [InlineData(8, 'N')]
    [InlineData(3, 'W')]
    public void A_generated_page_with_an_overprinted_sex_cell_is_reported(int page, char glyph)
    {
        var reader = new MrzCellReader(OcrBFont.Locate());
        var options = new TesseractOptions();
        var issued = SyntheticPassports.Generate(page, seed: 7, corrupt: false);
        Assert.Equal('F', issued.Mrz[1][20]);
        var smudged = SyntheticPassports.Generate(page, seed: 7, corrupt: false, alteration: new MrzAlteration(1, 20, glyph, Overprint: true));
        Assert.Equal(issued.Mrz, smudged.Mrz);

        using var clean = SKBitmap.Decode(issued.Jpeg);
        var cleanReading = reader.Read(clean, Mrz.Td3Pattern);
        Assert.NotNull(cleanReading);
        Assert.Equal(issued.Mrz, cleanReading.Lines);
        Assert.Empty(TesseractOcrEngine.UnclearUncheckedFields(cleanReading, options));

        using var bitmap = SKBitmap.Decode(smudged.Jpeg);
        var reading = reader.Read(bitmap, Mrz.Td3Pattern);
        Assert.NotNull(reading);
        var sex = reading.Cells[1][20];
        Assert.True(TesseractOcrEngine.UnclearUncheckedFields(reading, options).SequenceEqual([MrzFields.Sex]),
            $"page {page}: sex cell {sex.Best} {sex.Score:0.000}, {sex.Second} {sex.SecondScore:0.000}");
    }

    /// <summary>
    /// The false accept fixed in 0413ad5, pinned: an X printed at line 2 position 43 (the optional data check digit, '&lt;' as issued)
    /// was read as 7 at 0.53 with '&lt;' 0.06 behind, and the check digits then "proved" the '&lt;'. A cell whose best glyph scores under
    /// <see cref="TesseractOptions.MrzMinRepairScore"/> is never replaced by its runner-up.
    /// </summary>
    [Fact]
    public void A_badly_matching_check_digit_cell_is_never_replaced_by_its_runner_up()
    {
        var read2 = L2[..42] + "7" + L2[43..];
        var reading = Reading(L1, read2, (1, 42, new MrzCell('7', 0.53, '<', 0.47)));
        var options = new TesseractOptions();
        Assert.True(options.MrzMinRepairScore > 0.53);

        var repairable = TesseractOcrEngine.RepairableCells(reading, options);
        Assert.False(repairable.ContainsKey(42));
        var result = Mrz.ResolveTd3(reading.Lines[0], reading.Lines[1], repairable, Today);
        Assert.False(result.IsValid);
        Assert.Equal(read2, result.Mrz!.Line2);

        // The same cell matching well (an unclear but good reading) would be proven by the check digits: the floor is what refuses.
        var good = Reading(L1, read2, (1, 42, new MrzCell('7', 0.90, '<', 0.86)));
        var proven = Mrz.ResolveTd3(good.Lines[0], good.Lines[1], TesseractOcrEngine.RepairableCells(good, options), Today);
        Assert.True(proven.IsValid);
        Assert.Equal(L2, proven.Mrz!.Line2);
    }
}
