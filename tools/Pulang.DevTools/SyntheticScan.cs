using SkiaSharp;

namespace Pulang.DevTools;

/// <summary>How a generated page was "scanned" (<see cref="SyntheticScan.Scan"/>).</summary>
/// <param name="Dpi">Scan resolution, 200 or 300.</param>
/// <param name="RotationDegrees">Rotation on the scanner bed, -3..3 degrees (positive: clockwise).</param>
/// <param name="Blur">Gaussian blur sigma at the scan resolution, pixels.</param>
/// <param name="NoiseSigma">Noise amplitude, grey levels.</param>
/// <param name="JpegQuality">JPEG quality 50-90.</param>
public sealed record ScanSettings(int Dpi, double RotationDegrees, double Blur, double NoiseSigma, int JpegQuality)
{
    /// <summary>Random settings in the generated sets' ranges: 200/300 dpi, rotation ±3 degrees both directions, blur 0.3-1.1 px, noise 2-9, JPEG 50-90.</summary>
    public static ScanSettings Random(Random rng) => new(
        rng.Next(2) == 0 ? 200 : 300,
        Math.Round(rng.NextDouble() * 6 - 3, 2),
        Math.Round(0.3 + rng.NextDouble() * 0.8, 2),
        Math.Round(2 + rng.NextDouble() * 7, 1),
        rng.Next(50, 91));
}

/// <summary>Turns a clean rendered page into a scan: rotate, resample, blur, uneven light, noise, dust, JPEG. Deterministic for a <see cref="Random"/>.</summary>
public static class SyntheticScan
{
    /// <summary>
    /// Scans <paramref name="page"/> (rendered at <paramref name="renderDpi"/>) with <paramref name="settings"/>; a light bed margin
    /// of 3 mm around it. Returns JPEG bytes.
    /// </summary>
    public static byte[] Scan(SKBitmap page, float renderDpi, ScanSettings settings, Random rng)
    {
        var scale = settings.Dpi / renderDpi;
        var margin = (int)(settings.Dpi * 3 / 25.4);
        int w = (int)(page.Width * scale) + 2 * margin, h = (int)(page.Height * scale) + 2 * margin;
        using var scan = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(scan))
        using (var image = SKImage.FromBitmap(page))
        using (var blur = new SKPaint { ImageFilter = SKImageFilter.CreateBlur((float)(settings.Blur / scale), (float)(settings.Blur / scale)) })
        {
            canvas.Clear(new SKColor(250, 250, 250));
            canvas.Translate(w / 2f, h / 2f);
            canvas.RotateDegrees((float)settings.RotationDegrees);
            canvas.Scale(scale);
            canvas.Translate(-page.Width / 2f, -page.Height / 2f);
            canvas.SaveLayer(blur);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKCubicResampler.Mitchell));
            canvas.Restore();
        }
        var px = scan.GetPixelSpan();
        double lx = rng.NextDouble() * w, ly = rng.NextDouble() * h, light = 10 + rng.NextDouble() * 15;
        var diagonal = Math.Sqrt((double)w * w + (double)h * h);
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var i = (y * w + x) * 4;
            var shade = -light * Math.Sqrt((x - lx) * (x - lx) + (y - ly) * (y - ly)) / diagonal;
            var n = (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 2 * settings.NoiseSigma + shade;
            for (var c = 0; c < 3; c++) px[i + c] = (byte)Math.Clamp(px[i + c] + n, 0, 255);
        }
        using (var canvas = new SKCanvas(scan))
        using (var dust = new SKPaint { Color = new SKColor(60, 60, 60, 200), IsAntialias = true })
            for (var d = rng.Next(5, 25); d > 0; d--)
                canvas.DrawCircle((float)(rng.NextDouble() * w), (float)(rng.NextDouble() * h), (float)(0.5 + rng.NextDouble() * 1.2), dust);
        using var encoded = SKImage.FromBitmap(scan).Encode(SKEncodedImageFormat.Jpeg, settings.JpegQuality);
        return encoded.ToArray();
    }
}
