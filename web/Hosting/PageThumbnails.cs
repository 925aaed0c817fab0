using System.Diagnostics;
using BitMiracle.LibTiff.Classic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;
using SkiaSharp;

namespace Pulang.Web.Hosting;

/// <summary>
/// Page images of stored scans, rendered on the server from the <c>scans</c> blob (never a link to the original) and cached
/// on disk by the scan's SHA-256, page and width (a scan is never overwritten, so a cached image never goes stale): PDF pages
/// with poppler's <c>pdftoppm</c> (as the OCR does; <c>Pulang:Ocr:Tesseract:PdftoppmPath</c>), TIFF pages with LibTiff, JPEG
/// and PNG with SkiaSharp. At most two renderings run at once.
/// </summary>
public sealed class PageThumbnails(PulangStorage storage, IOptions<WebOptions> options, IConfiguration configuration)
{
    readonly SemaphoreSlim gate = new(2);

    string CacheDirectory => options.Value.ThumbnailCache is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "pulang-thumbnails");

    /// <summary>The PNG of <paramref name="page"/> (1-based) of <paramref name="document"/>, <paramref name="width"/> pixels wide; null when the scan has no such page or cannot be drawn.</summary>
    public async Task<byte[]?> GetAsync(CaseDocument document, int page, int width, CancellationToken ct)
    {
        if (page < 1 || page > Math.Max(1, document.Pages))
        {
            return null;
        }

        Directory.CreateDirectory(CacheDirectory);
        var cached = Path.Combine(CacheDirectory, $"{document.Sha256}-{page}-{width}.png");
        if (File.Exists(cached))
        {
            return await File.ReadAllBytesAsync(cached, ct);
        }

        await gate.WaitAsync(ct);
        var work = Path.Combine(Path.GetTempPath(), "pulang-thumb-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(work);
            var source = Path.Combine(work, "scan");
            await storage.Scans.GetBlobClient(document.BlobName).DownloadToAsync(source, ct);
            var png = document.ContentType switch
            {
                "application/pdf" => await PdfPageAsync(source, page, width, work, ct),
                "image/tiff" => Encode(TiffPage(source, page), width),
                _ => page == 1 ? Encode(SKBitmap.Decode(source), width) : null,
            };
            if (png is not null)
            {
                var temp = cached + "." + Guid.NewGuid().ToString("N");
                await File.WriteAllBytesAsync(temp, png, ct);
                File.Move(temp, cached, overwrite: true);
            }

            return png;
        }
        finally
        {
            gate.Release();
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    async Task<byte[]?> PdfPageAsync(string pdf, int page, int width, string work, CancellationToken ct)
    {
        var tool = configuration["Pulang:Ocr:Tesseract:PdftoppmPath"] is { Length: > 0 } p ? p : "pdftoppm";
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", page.ToString(System.Globalization.CultureInfo.InvariantCulture), "-l", page.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-png", "-singlefile", "-scale-to", width.ToString(System.Globalization.CultureInfo.InvariantCulture), pdf, Path.Combine(work, "page") })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = Path.Combine(work, "page.png");
        return process.ExitCode == 0 && File.Exists(output) ? await File.ReadAllBytesAsync(output, ct) : null;
    }

    static SKBitmap? TiffPage(string path, int page)
    {
        using var tiff = Tiff.Open(path, "r");
        if (tiff is null || !tiff.SetDirectory((short)(page - 1)))
        {
            return null;
        }

        var w = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
        var h = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
        var raster = new int[w * h];
        if (!tiff.ReadRGBAImageOriented(w, h, raster, Orientation.TOPLEFT))
        {
            return null;
        }

        var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bytes = new byte[raster.Length * 4];
        Buffer.BlockCopy(raster, 0, bytes, 0, bytes.Length);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        return bitmap;
    }

    static byte[]? Encode(SKBitmap? bitmap, int width)
    {
        if (bitmap is null)
        {
            return null;
        }

        using (bitmap)
        {
            var height = Math.Max(1, (int)Math.Round(bitmap.Height * (double)width / bitmap.Width));
            using var scaled = bitmap.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            using var image = SKImage.FromBitmap(scaled ?? bitmap);
            using var data = image.Encode(SKEncodedImageFormat.Png, 90);
            return data.ToArray();
        }
    }
}
