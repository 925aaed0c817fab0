using SkiaSharp;

namespace Pulang.Workflows.Ocr;

/// <summary>
/// Image preprocessing for the MRZ pass: crops a band of a page, optionally rotates it, scales it, turns it to grey
/// and optionally binarizes it (Otsu's threshold), and writes it as binary PGM (P5), which Tesseract's Leptonica reads.
/// Pixel coordinates are those of the decoded page image.
/// </summary>
internal static class MrzBandImage
{
    /// <summary>One preprocessing variant: the band (pixels), a rotation in degrees, a scale factor, and whether to binarize.</summary>
    internal sealed record Variant(string Name, SKRectI Band, float RotationDegrees, float Scale, bool Binarize);

    /// <summary>Decodes an image file (JPEG, PNG, WebP... via Skia, binary 8-bit PGM directly); null when it is not a readable image.</summary>
    internal static SKBitmap? Decode(string path)
    {
        try { return path.EndsWith(".pgm", StringComparison.OrdinalIgnoreCase) ? DecodePgm(path) : SKBitmap.Decode(path); }
        catch (Exception) { return null; }
    }

    /// <summary>Reads a binary PGM (P5, maxval 255) as a Gray8 bitmap; null for anything else.</summary>
    static SKBitmap? DecodePgm(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pos = 0;
        string? Token()
        {
            while (pos < bytes.Length)
            {
                if (bytes[pos] == (byte)'#') { while (pos < bytes.Length && bytes[pos] != (byte)'\n') pos++; }
                else if (char.IsWhiteSpace((char)bytes[pos])) pos++;
                else break;
            }
            var start = pos;
            while (pos < bytes.Length && !char.IsWhiteSpace((char)bytes[pos])) pos++;
            return pos > start ? System.Text.Encoding.ASCII.GetString(bytes, start, pos - start) : null;
        }
        if (Token() != "P5" || !int.TryParse(Token(), out var w) || !int.TryParse(Token(), out var h) || Token() != "255") return null;
        pos++; // the single whitespace after maxval
        if (w <= 0 || h <= 0 || bytes.Length - pos < (long)w * h) return null;
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        bytes.AsSpan(pos, w * h).CopyTo(bitmap.GetPixelSpan());
        return bitmap;
    }

    /// <summary>Writes the preprocessed band of <paramref name="page"/> to <paramref name="pgmPath"/>.</summary>
    internal static void Write(SKBitmap page, Variant v, string pgmPath)
    {
        var band = SKRectI.Intersect(v.Band, new SKRectI(0, 0, page.Width, page.Height));
        var w = Math.Max(1, (int)Math.Round(band.Width * v.Scale));
        var h = Math.Max(1, (int)Math.Round(band.Height * v.Scale));
        using var target = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(target))
        using (var image = SKImage.FromBitmap(page))
        using (var paint = new SKPaint())
        {
            canvas.Clear(SKColors.White);
            canvas.Scale(v.Scale);
            canvas.Translate(-band.Left, -band.Top);
            if (v.RotationDegrees != 0) canvas.RotateDegrees(v.RotationDegrees, band.MidX, band.MidY);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKCubicResampler.CatmullRom), paint);
        }

        var gray = new byte[w * h];
        var pixels = target.GetPixelSpan();
        for (int i = 0, p = 0; i < gray.Length; i++, p += 4)
            gray[i] = (byte)((pixels[p] * 299 + pixels[p + 1] * 587 + pixels[p + 2] * 114) / 1000);
        if (v.Binarize)
        {
            var t = OtsuThreshold(gray);
            for (var i = 0; i < gray.Length; i++) gray[i] = gray[i] > t ? (byte)255 : (byte)0;
        }

        using var file = File.Create(pgmPath);
        var header = System.Text.Encoding.ASCII.GetBytes($"P5\n{w} {h}\n255\n");
        file.Write(header);
        file.Write(gray);
    }

    /// <summary>
    /// Estimates the skew of the text in <paramref name="band"/> in degrees (positive: lines fall to the right), from -3 to 3 in
    /// 0.25 degree steps, by the projection profile: the shear that makes the row histogram of dark pixels sharpest wins.
    /// Returns 0 when the band has no contrast.
    /// </summary>
    internal static float EstimateSkew(SKBitmap page, SKRectI band)
    {
        band = SKRectI.Intersect(band, new SKRectI(0, 0, page.Width, page.Height));
        if (band.Width < 10 || band.Height < 10) return 0;
        // Sample every other pixel for speed.
        var gray = new List<(int X, int Y, byte G)>(band.Width * band.Height / 4);
        for (var y = band.Top; y < band.Bottom; y += 2)
        for (var x = band.Left; x < band.Right; x += 2)
        {
            var c = page.GetPixel(x, y);
            gray.Add((x - band.Left, y - band.Top, (byte)((c.Red * 299 + c.Green * 587 + c.Blue * 114) / 1000)));
        }
        var t = OtsuThreshold(gray.Select(g => g.G).ToArray());
        var dark = gray.Where(g => g.G < t).ToList();
        if (dark.Count == 0 || dark.Count > gray.Count / 2) return 0;
        double bestScore = -1;
        float best = 0;
        var rows = new int[band.Height * 2 + band.Width];
        for (var deg = -3f; deg <= 3.001f; deg += 0.25f)
        {
            Array.Clear(rows);
            var tan = Math.Tan(deg * Math.PI / 180);
            foreach (var (x, y, _) in dark)
            {
                var r = (int)Math.Round(y - x * tan) + band.Width / 2;
                if (r >= 0 && r < rows.Length) rows[r]++;
            }
            double score = 0;
            foreach (var v in rows) score += (double)v * v;
            if (score > bestScore) { bestScore = score; best = deg; }
        }
        return best;
    }

    static int OtsuThreshold(byte[] gray)
    {
        var hist = new long[256];
        foreach (var g in gray) hist[g]++;
        long total = gray.Length, sumAll = 0;
        for (var i = 0; i < 256; i++) sumAll += i * hist[i];
        long weightB = 0, sumB = 0;
        double best = -1;
        var threshold = 127;
        for (var t = 0; t < 256; t++)
        {
            weightB += hist[t];
            if (weightB == 0) continue;
            var weightF = total - weightB;
            if (weightF == 0) break;
            sumB += t * hist[t];
            double meanB = (double)sumB / weightB, meanF = (double)(sumAll - sumB) / weightF;
            var between = (double)weightB * weightF * (meanB - meanF) * (meanB - meanF);
            if (between > best) { best = between; threshold = t; }
        }
        return threshold;
    }
}
