using SkiaSharp;

namespace Pulang.Workflows.Ocr;

/// <summary>
/// Preprocessing for pages with ruled tables (the KK's member table): Tesseract's page segmentation takes a ruled table for a picture
/// and reads its rows as noise. The page is turned to grey, deskewed (the angle whose horizontal projection of dark pixels is the
/// sharpest, within ±5 degrees in 0.25 degree steps, on a quarter-size copy) and its table rules removed (dark runs longer than a
/// quarter inch horizontally, or half an inch vertically, after deskewing, are whitened; letters are far shorter), then written as
/// binary PGM for Tesseract. Pixel coordinates of the result are those of the deskewed page.
/// </summary>
internal static class TablePageImage
{
    /// <summary>Writes the preprocessed page to <paramref name="pgmPath"/>; false when <paramref name="imagePath"/> is not a readable image.</summary>
    /// <param name="imagePath">The page image.</param>
    /// <param name="pgmPath">Where to write the grey PGM.</param>
    /// <param name="dpi">The page's resolution (pixels per inch) for the rule lengths.</param>
    internal static bool Write(string imagePath, string pgmPath, double dpi)
    {
        using var page = MrzBandImage.Decode(imagePath);
        if (page is null) return false;
        var angle = EstimateSkew(page);
        int w = page.Width, h = page.Height;
        using var grey = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(grey))
        using (var image = SKImage.FromBitmap(page))
        {
            canvas.Clear(SKColors.White);
            canvas.Translate(w / 2f, h / 2f);
            canvas.RotateDegrees(-angle);
            canvas.Translate(-w / 2f, -h / 2f);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
        }
        var px = grey.GetPixelSpan();
        var threshold = Threshold(px);
        RemoveRuns(px, w, h, threshold, (int)(dpi / 4), horizontal: true);
        RemoveRuns(px, w, h, threshold, (int)(dpi / 2), horizontal: false);
        using var file = File.Create(pgmPath);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"P5\n{w} {h}\n255\n"));
        file.Write(px);
        return true;
    }

    /// <summary>Mean grey minus a margin: darker pixels are ink.</summary>
    static byte Threshold(ReadOnlySpan<byte> px)
    {
        long sum = 0;
        for (var i = 0; i < px.Length; i += 7) sum += px[i];
        var mean = sum / Math.Max(1, (px.Length + 6) / 7);
        return (byte)Math.Clamp(mean - 70, 40, 200);
    }

    /// <summary>Whitens runs of ink at least <paramref name="minRun"/> pixels long (with one-pixel gaps bridged) and their two neighbours across.</summary>
    static void RemoveRuns(Span<byte> px, int w, int h, byte threshold, int minRun, bool horizontal)
    {
        int outer = horizontal ? h : w, inner = horizontal ? w : h;
        int Index(int o, int i) => horizontal ? o * w + i : i * w + o;
        var marks = new List<(int O, int From, int To)>();
        for (var o = 0; o < outer; o++)
        {
            var start = -1;
            var gap = 0;
            for (var i = 0; i <= inner; i++)
            {
                var dark = i < inner && px[Index(o, i)] < threshold;
                if (dark) { if (start < 0) start = i; gap = 0; continue; }
                if (start >= 0 && i < inner && gap < 1) { gap++; continue; }
                if (start >= 0 && i - gap - start >= minRun) marks.Add((o, start, i - gap));
                start = -1;
                gap = 0;
            }
        }
        foreach (var (o, from, to) in marks)
            for (var d = -1; d <= 1; d++)
            {
                var oo = o + d;
                if (oo < 0 || oo >= outer) continue;
                for (var i = from; i < to; i++) px[Index(oo, i)] = 255;
            }
    }

    /// <summary>The page's skew in degrees clockwise (within ±5): the angle whose horizontal projection of ink on a quarter-size grey copy
    /// has the largest sum of squared differences between neighbouring rows (text lines and rules then fall on whole rows).</summary>
    internal static float EstimateSkew(SKBitmap page)
    {
        int w = Math.Max(1, page.Width / 4), h = Math.Max(1, page.Height / 4);
        using var small = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(small))
        using (var image = SKImage.FromBitmap(page))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawImage(image, new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear));
        }
        var px = small.GetPixelSpan();
        var threshold = Threshold(px);
        var ink = new List<(int X, int Y)>();
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                if (px[y * w + x] < threshold) ink.Add((x, y));
        if (ink.Count == 0) return 0;
        var best = 0f;
        var bestScore = double.MinValue;
        var rows = new int[h * 2 + 2];
        for (var a = -5f; a <= 5.001f; a += 0.25f)
        {
            Array.Clear(rows);
            var t = Math.Tan(a * Math.PI / 180);
            foreach (var (x, y) in ink)
            {
                var r = (int)Math.Round(y - (x - w / 2.0) * t) + h / 2;
                if (r >= 0 && r < rows.Length) rows[r]++;
            }
            double score = 0;
            for (var r = 1; r < rows.Length; r++) score += (double)(rows[r] - rows[r - 1]) * (rows[r] - rows[r - 1]);
            if (score > bestScore) { bestScore = score; best = a; }
        }
        return best;
    }
}
