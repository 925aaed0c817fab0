using Pulang.SelfHost;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Ocr;
using SkiaSharp;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>
/// The OCR-B cell reader and the check-digit resolution on generated fictional passports (<see cref="SyntheticPassports"/>): every
/// clean page read exactly, and no page accepted with an MRZ other than the one printed, including pages where one MRZ character
/// covered by a check digit was changed in the image. Uses the same decision as the engine (<see cref="TesseractOcrEngine"/>).
/// </summary>
public class MrzCellReaderTests
{
    static readonly DateOnly Today = new(2026, 12, 1);

    static MrzRepairResult Decide(MrzCellReading r, TesseractOptions o) =>
        Mrz.ResolveTd3(r.Lines[0], r.Lines[1], TesseractOcrEngine.RepairableCells(r, o), Today);

    [Fact]
    public void Generated_passports_are_read_exactly_and_corrupted_ones_never_accepted()
    {
        var reader = new MrzCellReader(OcrBFont.Locate());
        var options = new TesseractOptions();
        int clean = 0, exact = 0, corrupted = 0, falseAccepts = 0;
        for (var i = 0; i < 32; i++)
        {
            var corrupt = i % 3 == 2;
            var p = SyntheticPassports.Generate(i, seed: 7, corrupt);
            using var bitmap = SKBitmap.Decode(p.Jpeg);
            var reading = reader.Read(bitmap, Mrz.Td3Pattern);
            Assert.NotNull(reading);
            var result = Decide(reading, options);
            var readExactly = result.IsValid && result.Mrz!.Line1 == p.Mrz[0] && result.Mrz.Line2 == p.Mrz[1];
            if (result.IsValid && !readExactly) falseAccepts++;
            if (corrupt)
            {
                corrupted++;
                Assert.False(result.IsValid, $"page {i}: one MRZ character changed at {p.CorruptedPosition} was accepted");
                // The reader saw a change there: the character as printed, or (for a character the format does not allow at that
                // position, e.g. an X at check digit 42, which the constrained reader cannot return) another one than issued.
                var at = p.CorruptedPosition!.Value;
                Assert.True(reading.Lines[1][at] == p.Mrz[1][at] || reading.Lines[1][at] != p.TrueMrz[1][at], $"page {i}: read {reading.Lines[1][at]} at {at}, issued {p.TrueMrz[1][at]}");
            }
            else
            {
                clean++;
                if (readExactly) exact++;
            }
        }
        Assert.Equal(0, falseAccepts);
        Assert.Equal(clean, exact);
        Assert.True(corrupted >= 10);
    }

    [Fact]
    public void Every_sample_passport_mrz_is_read_exactly()
    {
        var truth = Samples.GroundTruth;
        var files = new List<(string File, string L1, string L2)>();
        var page = truth.GetProperty("passport_datapage");
        foreach (var f in page.GetProperty("files").EnumerateArray())
            files.Add((f.GetString()!, page.GetProperty("mrz")[0].GetString()!, page.GetProperty("mrz")[1].GetString()!));
        foreach (var e in truth.GetProperty("mrz_set").EnumerateArray())
            files.Add((e.GetProperty("file").GetString()!, e.GetProperty("mrz")[0].GetString()!, e.GetProperty("mrz")[1].GetString()!));
        var reader = new MrzCellReader(OcrBFont.Locate());
        foreach (var (file, l1, l2) in files)
        {
            using var bitmap = SKBitmap.Decode(Samples.PathOf(file));
            var reading = reader.Read(bitmap, Mrz.Td3Pattern);
            Assert.NotNull(reading);
            var result = Decide(reading, new TesseractOptions());
            Assert.True(result.IsValid, file);
            Assert.Equal(l1, result.Mrz!.Line1);
            Assert.Equal(l2, result.Mrz.Line2);
        }
    }

    [Fact]
    public void A_page_without_an_mrz_gives_no_reading()
    {
        using var bitmap = new SKBitmap(800, 600);
        bitmap.Erase(SKColors.White);
        Assert.Null(new MrzCellReader(OcrBFont.Locate()).Read(bitmap, Mrz.Td3Pattern));
    }
}
