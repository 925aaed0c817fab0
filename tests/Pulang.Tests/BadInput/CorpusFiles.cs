using System.Text;
using BitMiracle.LibTiff.Classic;
using SkiaSharp;

namespace Pulang.Tests.BadInput;

/// <summary>
/// Writes the binary files of the bad-input corpus (<c>tests/Pulang.Tests/BadInput/files</c>), reproducibly: the same
/// bytes on every run (no clocks, no randomness), so <see cref="BadInputFileTests"/> can check the committed files are
/// what this code makes. Regenerate with <c>PULANG_WRITE_CORPUS=1</c> and the filter <c>*BadInputFileTests*</c>.
/// All content is fictional: blank pages with a few shapes, no personal data.
/// </summary>
public static class CorpusFiles
{
    /// <summary>The committed corpus folder.</summary>
    public static string Folder => Path.Combine(Infrastructure.TestPaths.RepositoryRoot, "tests", "Pulang.Tests", "BadInput");

    /// <summary>Every generated file: name (under <c>files/</c>) and bytes.</summary>
    public static IReadOnlyDictionary<string, byte[]> All()
    {
        var jpeg = Jpeg(320, 200, 0);
        var png = Png(320, 200, 0);
        var tiff = Tiff1(200, 120, pages: 1);
        var pdf1 = Pdf(1);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            // Well-formed scans: positive controls, and the pages the fixture's cases are built from.
            ["valid.jpg"] = jpeg,
            ["valid-2.jpg"] = Jpeg(300, 220, 1),
            ["valid.png"] = png,
            ["valid-2.png"] = Png(280, 240, 1),
            ["valid.tif"] = tiff,
            ["valid-1-page.pdf"] = pdf1,
            ["valid-3-pages.pdf"] = Pdf(3),
            ["valid-4-pages.pdf"] = Pdf(4),
            ["png-2100x2100.png"] = Png(2100, 2100, 2),
            ["zero-bytes.bin"] = [],

            // JPEG.
            ["jpeg-truncated-half.jpg"] = jpeg[..(jpeg.Length / 2)],
            ["jpeg-truncated-after-header.jpg"] = jpeg[..(SosEnd(jpeg) + 4)],
            ["jpeg-soi-only.jpg"] = [0xFF, 0xD8, 0xFF],
            ["jpeg-soi-eoi.jpg"] = [0xFF, 0xD8, 0xFF, 0xD9],
            ["jpeg-garbage-after-soi.jpg"] = [0xFF, 0xD8, 0xFF, .. Noise(2000, 7)],
            ["jpeg-bomb-50000x50000.jpg"] = JpegWithSize(jpeg, 50000, 50000),
            ["jpeg-65535x65535.jpg"] = JpegWithSize(jpeg, 65535, 65535),

            // PNG.
            ["png-truncated-half.png"] = png[..(png.Length / 2)],
            ["png-signature-only.png"] = png[..8],
            ["png-ihdr-only.png"] = png[..33],
            ["png-corrupt-idat.png"] = CorruptIdat(png),
            ["png-zero-width.png"] = PngHeaderOnly(0, 200, withData: true),
            ["png-bomb-50000x50000.png"] = PngHeaderOnly(50000, 50000, withData: true),

            // TIFF.
            ["tiff-truncated-half.tif"] = tiff[..(tiff.Length / 2)],
            ["tiff-header-only.tif"] = tiff[..8],
            ["tiff-bad-ifd-offset.tif"] = [.. "II*\0"u8, 0xF0, 0xFF, 0xFF, 0x7F, .. Noise(64, 3)],
            ["tiff-bomb-50000x50000.tif"] = TiffWithSize(tiff, 50000, 50000),
            ["tiff-40-pages.tif"] = Tiff1(8, 8, pages: 40),

            // PDF.
            ["pdf-truncated-header.pdf"] = pdf1[..16],
            ["pdf-truncated-half.pdf"] = pdf1[..(pdf1.Length / 2)],
            ["pdf-garbage.pdf"] = [.. "%PDF-1.7\n"u8, .. Noise(1500, 11)],
            ["pdf-no-pages.pdf"] = Pdf(0),
            ["pdf-2000-pages.pdf"] = Pdf(2000),
            ["pdf-huge-page.pdf"] = Pdf(1, mediaBox: "0 0 14400 14400"),

            // Intake JSON in Latin-1, not UTF-8.
            ["intake-latin1.json"] = Encoding.Latin1.GetBytes("{\"externalReference\":\"CORPUS-LATIN1\",\"fullName\":\"JOS\u00c9 CONTOH\",\"sex\":\"M\",\"birthDate\":\"1990-05-17\",\"originRegion\":\"Contoh\",\"placementCountry\":\"Malaysia\",\"arrivalDate\":\"2026-11-01\"}"),

            // Other formats, text and HTML pretending to be scans.
            ["text.txt"] = "Ini bukan pindaian. This is not a scan.\n"u8.ToArray(),
            ["html.html"] = "<!doctype html><html><body>not a scan</body></html>\n"u8.ToArray(),
            ["gif.gif"] = [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x21, 0xF9, 4, 1, 0, 0, 0, 0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B],
        };
        return files;
    }

    /// <summary>Writes <see cref="All"/> into <paramref name="folder"/>/files.</summary>
    public static void Write(string folder)
    {
        var files = Path.Combine(folder, "files");
        Directory.CreateDirectory(files);
        foreach (var (name, bytes) in All())
        {
            File.WriteAllBytes(Path.Combine(files, name), bytes);
        }
    }

    /// <summary>Deterministic bytes that are no known format (a linear congruential sequence).</summary>
    static byte[] Noise(int length, uint seed)
    {
        var b = new byte[length];
        var x = seed;
        for (var i = 0; i < length; i++)
        {
            x = x * 1664525 + 1013904223;
            b[i] = (byte)(x >> 24);
        }

        return b;
    }

    static SKBitmap Page(int width, int height, int variant)
    {
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = false, Style = SKPaintStyle.Fill };
        for (var i = 0; i < 6; i++)
        {
            canvas.DrawRect(new SKRect(10 + i * 30 + variant * 7, 20 + (i % 3) * 40, 30 + i * 30 + variant * 7, 40 + (i % 3) * 40 + variant * 3), ink);
        }

        return bitmap;
    }

    static byte[] Jpeg(int width, int height, int variant)
    {
        using var page = Page(width, height, variant);
        using var data = page.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    static byte[] Png(int width, int height, int variant)
    {
        using var page = Page(width, height, variant);
        using var data = page.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Offset just past the start-of-scan segment header of a JPEG.</summary>
    static int SosEnd(byte[] jpeg)
    {
        var i = 2;
        while (i + 4 < jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker == 0xDA)
            {
                return i + 2 + length;
            }

            i += 2 + length;
        }

        throw new InvalidOperationException("No SOS segment.");
    }

    /// <summary>The JPEG with its frame header (SOF0/SOF2) claiming another size: a decompression bomb by declaration.</summary>
    static byte[] JpegWithSize(byte[] jpeg, int width, int height)
    {
        var b = (byte[])jpeg.Clone();
        var i = 2;
        while (i + 9 < b.Length && b[i] == 0xFF)
        {
            var marker = b[i + 1];
            var length = (b[i + 2] << 8) | b[i + 3];
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                b[i + 5] = (byte)(height >> 8);
                b[i + 6] = (byte)height;
                b[i + 7] = (byte)(width >> 8);
                b[i + 8] = (byte)width;
                return b;
            }

            i += 2 + length;
        }

        throw new InvalidOperationException("No SOF segment.");
    }

    /// <summary>The PNG with one byte of its first IDAT's compressed data changed, CRC left as it was.</summary>
    static byte[] CorruptIdat(byte[] png)
    {
        var b = (byte[])png.Clone();
        var i = 8;
        while (i + 8 < b.Length)
        {
            var length = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
            if (Encoding.ASCII.GetString(b, i + 4, 4) == "IDAT")
            {
                for (var k = 0; k < Math.Min(length, 64); k += 3)
                {
                    b[i + 8 + 2 + k] ^= 0x5A;
                }

                return b;
            }

            i += 12 + length;
        }

        throw new InvalidOperationException("No IDAT chunk.");
    }

    /// <summary>
    /// A PNG whose IHDR declares <paramref name="width"/> x <paramref name="height"/> 1-bit grey pixels, with (optionally) a small
    /// IDAT of compressed zero rows and IEND: a few hundred bytes on disk that a decoder would expand to gigabytes.
    /// </summary>
    static byte[] PngHeaderOnly(int width, int height, bool withData)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        WriteBigEndian(ihdr, 0, width);
        WriteBigEndian(ihdr, 4, height);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 0; // greyscale
        Chunk(output, "IHDR", ihdr);
        if (withData)
        {
            using var compressed = new MemoryStream();
            using (var z = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            {
                z.Write(new byte[16 * 1024]);
            }

            Chunk(output, "IDAT", compressed.ToArray());
        }

        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    static void WriteBigEndian(byte[] b, int at, int value)
    {
        b[at] = (byte)(value >> 24);
        b[at + 1] = (byte)(value >> 16);
        b[at + 2] = (byte)(value >> 8);
        b[at + 3] = (byte)value;
    }

    static void Chunk(Stream output, string type, byte[] data)
    {
        var head = new byte[4];
        WriteBigEndian(head, 0, data.Length);
        output.Write(head);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        WriteBigEndian(head, 0, (int)Crc32(typed));
        output.Write(head);
    }

    static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var d in data)
        {
            crc ^= d;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>An uncompressed 8-bit grey TIFF written with LibTiff.Net (<paramref name="pages"/> images in one file).</summary>
    static byte[] Tiff1(int width, int height, int pages)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pulang-corpus-{Guid.NewGuid():N}.tif");
        try
        {
            using (var tiff = Tiff.Open(path, "w"))
            {
                using var page = Page(width, height, 0);
                var row = new byte[width];
                for (var p = 0; p < pages; p++)
                {
                    tiff.SetField(TiffTag.IMAGEWIDTH, width);
                    tiff.SetField(TiffTag.IMAGELENGTH, height);
                    tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
                    tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
                    tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
                    tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
                    tiff.SetField(TiffTag.ROWSPERSTRIP, 16);
                    tiff.SetField(TiffTag.COMPRESSION, Compression.NONE);
                    tiff.SetField(TiffTag.XRESOLUTION, 300.0);
                    tiff.SetField(TiffTag.YRESOLUTION, 300.0);
                    tiff.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.INCH);
                    if (pages > 1)
                    {
                        tiff.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
                        tiff.SetField(TiffTag.PAGENUMBER, p, pages);
                    }

                    for (var y = 0; y < height; y++)
                    {
                        for (var x = 0; x < width; x++)
                        {
                            row[x] = page.GetPixel(x, y).Red;
                        }

                        tiff.WriteScanline(row, y);
                    }

                    tiff.WriteDirectory();
                }
            }

            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The (little-endian, as LibTiff.Net writes) TIFF with its first directory's width and length claiming another size.</summary>
    static byte[] TiffWithSize(byte[] tiff, int width, int height)
    {
        var b = (byte[])tiff.Clone();
        var ifd = BitConverter.ToInt32(b, 4);
        var count = BitConverter.ToUInt16(b, ifd);
        for (var e = 0; e < count; e++)
        {
            var at = ifd + 2 + e * 12;
            var tag = BitConverter.ToUInt16(b, at);
            var type = BitConverter.ToUInt16(b, at + 2);
            var value = tag switch { 256 => width, 257 => height, _ => -1 };
            if (value < 0)
            {
                continue;
            }

            if (type == 3)
            {
                BitConverter.GetBytes((ushort)value).CopyTo(b, at + 8);
            }
            else
            {
                BitConverter.GetBytes(value).CopyTo(b, at + 8);
            }
        }

        return b;
    }

    /// <summary>
    /// A PDF with <paramref name="pages"/> pages, written object by object with a correct cross-reference table; the page size
    /// (<paramref name="mediaBox"/>, points, default A6: 1242 x 1750 pixels at 300 dpi) is on each drawn page and on the page tree. Up to 20 pages each draw a few
    /// rectangles; more are blank (so 2,000 pages stay small on disk).
    /// </summary>
    static byte[] Pdf(int pages, string mediaBox = "0 0 298 420")
    {
        var drawn = pages <= 20;
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            $"<< /Type /Pages /MediaBox [{mediaBox}] /Resources << >> /Kids [{string.Join(" ", Enumerable.Range(0, pages).Select(p => $"{4 + p} 0 R"))}] /Count {pages} >>",
        };
        const string content = "0 g 72 700 120 20 re f 72 660 200 12 re f 72 640 160 12 re f";
        objects.Add($"<< /Length {content.Length} >>\nstream\n{content}\nendstream");
        for (var p = 0; p < pages; p++)
        {
            objects.Add(drawn ? $"<< /Type /Page /Parent 2 0 R /MediaBox [{mediaBox}] /Contents 3 0 R >>" : "<< /Type /Page /Parent 2 0 R >>");
        }

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets)
        {
            pdf.Append($"{o:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
