using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using SkiaSharp;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>
/// A deliberately corrupted MRZ: one character of the fictional sample passport's MRZ is painted over in the image and another drawn
/// in its place in DejaVu Sans Mono: a glyph of another font than the MRZ's OCR-B, as a forger's or a faulty printer's may be
/// (corruptions drawn in OCR-B itself are in <see cref="MrzCellReaderTests"/>). The document must be flagged for review, never accepted.
/// </summary>
public class CorruptedMrzTests
{
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    const string Line2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Replaces MRZ line 2's character at <paramref name="position"/> with <paramref name="replacement"/>, using the page OCR's box of
    /// that line (OCR-B is monospaced: 44 equal cells). Returns PNG bytes.
    /// </summary>
    static async Task<byte[]> Corrupt(TesseractOcrEngine engine, byte[] png, int position, char replacement)
    {
        var page = await engine.AnalyzeAsync(new MemoryStream(png), "image/png", DocumentKind.Other.ToOcrHint(), Ct);
        // MRZ line 2: the lowest line of MRZ length with fillers.
        var line = page.Pages[0].Lines.Where(l => l.Content.Replace(" ", "").Length >= 40 && l.Content.Contains("<<", StringComparison.Ordinal))
            .MaxBy(l => l.Polygon[1]);
        Assert.NotNull(line);
        double left = line.Polygon[0], top = line.Polygon[1], right = line.Polygon[2], bottom = line.Polygon[5];
        var pitch = (right - left) / 44.0;
        using var bitmap = SKBitmap.Decode(png);
        using (var canvas = new SKCanvas(bitmap))
        {
            var cell = new SKRect((float)(left + pitch * position - 1), (float)(top - 3), (float)(left + pitch * (position + 1) + 1), (float)(bottom + 3));
            using var white = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Fill };
            canvas.DrawRect(cell, white);
            var fontFile = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
            using var typeface = File.Exists(fontFile) ? SKTypeface.FromFile(fontFile) : SKTypeface.FromFamilyName("monospace");
            using var font = new SKFont(typeface, (float)((bottom - top) / 0.73));
            using var black = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            var width = font.MeasureText(replacement.ToString());
            canvas.DrawText(replacement.ToString(), (float)(left + pitch * (position + 0.5)) - width / 2, (float)bottom, SKTextAlign.Left, font, black);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Theory]
    [InlineData(18, '7')] // the last digit of the date of birth (920814 -> 920817): its check digit and the composite fail
    [InlineData(3, '5')]  // a digit of the passport number (C4821937 -> C4851937)
    public async Task One_character_changed_in_the_image_is_flagged_never_accepted(int position, char replacement)
    {
        Assert.NotEqual(replacement, Line2[position]);
        var png = await File.ReadAllBytesAsync(Samples.PathOf("scans/clean/passport_datapage_clean.png"), Ct);
        using var engine = new TesseractOcrEngine();

        // The unaltered page is read cleanly: the test is meaningful.
        var original = DocumentReader.Read(DocumentKind.Passport, await engine.AnalyzeAsync(new MemoryStream(png), "image/png", DocumentKind.Passport.ToOcrHint(), Ct), Sri);
        Assert.Empty(original.Findings);

        var corrupted = await Corrupt(engine, png, position, replacement);
        var result = await engine.AnalyzeAsync(new MemoryStream(corrupted), "image/png", DocumentKind.Passport.ToOcrHint(), Ct);
        var reading = DocumentReader.Read(DocumentKind.Passport, result, Sri);

        // The MRZ pass saw the altered character (its best raw reading, reported with confidence 0).
        var zone = Assert.Single(result.Documents, d => d.DocType == "mrz.td3").Fields["MachineReadableZone"];
        Assert.Equal(0, zone.Confidence);
        var readLine2 = zone.Content!.Split('\n')[1].Replace(" ", "");
        // (Other characters may carry ordinary OCR errors, e.g. "1DN", that repair would fix.)
        Assert.Equal(44, readLine2.Length);
        Assert.Equal(replacement, readLine2[position]);

        Assert.False(reading.Clean, "A passport whose MRZ was altered was accepted.");
        Assert.Contains(reading.Findings, f => f.Code == "mrz.invalid");
        // Nothing of the altered line passes as valid.
        Assert.False(reading.Fields.ContainsKey(FieldNames.MrzLine2));
        TestContext.Current.SendDiagnosticMessage($"position {position}: {string.Join(", ", reading.Findings.Select(f => f.Code))}");
    }
}
