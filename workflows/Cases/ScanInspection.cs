using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;
using SkiaSharp;
using UglyToad.PdfPig;

namespace Pulang.Workflows.Cases;

/// <summary>What inspecting a scan found.</summary>
/// <param name="Pages">Pages: 1 for JPEG and PNG, the number of images (directories) of a TIFF, the page count of a PDF.</param>
/// <param name="MaxPagePixels">Pixels of the largest page (width x height; for PDF pages at <see cref="ScanInspection.RenderDpi"/>).</param>
public sealed record ScanFacts(int Pages, long MaxPagePixels);

/// <summary>
/// Looks at a complete scan before anything is stored, with the format's own libraries and without decoding more than
/// needed: the header's dimensions and the page count are checked against the limits first, then the image data is
/// walked to prove it is whole (JPEG decoded line by line at 1/8 scale with SkiaSharp; PNG chunks checked by CRC and the
/// image data inflated as a stream and counted; TIFF strips and tiles read raw with LibTiff.Net; PDFs opened with PdfPig,
/// their page tree counted and each page's size read).
/// A decompression bomb (a small file declaring a huge image) is refused by its declared size, before any pixel is
/// decoded; a PDF with thousands of pages is refused by its count, before any page is rendered.
/// </summary>
public static class ScanInspection
{
    /// <summary>Resolution (dots per inch) at which PDF pages are counted in pixels: the OCR's rasterizing resolution (300).</summary>
    public const int RenderDpi = 300;

    static ScanInspection() => Tiff.SetErrorHandler(new SilentTiffErrors());

    /// <summary>Inspects the scan in <paramref name="path"/>.</summary>
    /// <param name="path">A complete scan on local disk.</param>
    /// <param name="mediaType">One of <see cref="DocumentUploads.MediaTypes"/> (the bytes' signature is already checked).</param>
    /// <param name="maxPixels">Most pixels (width x height) of any one page.</param>
    /// <param name="maxPages">Most pages.</param>
    /// <returns>Pages and the largest page's pixel count.</returns>
    /// <exception cref="UploadRejectedException">
    /// 400 <c>upload.unreadable</c> for a corrupt or truncated file; 422 <c>upload.too-many-pixels</c> or
    /// <c>upload.too-many-pages</c> over a limit. The message says which and what the limit is.
    /// </exception>
    public static ScanFacts Inspect(string path, string mediaType, long maxPixels, int maxPages) => mediaType switch
    {
        "image/jpeg" => InspectJpeg(path, maxPixels),
        "image/png" => InspectPng(path, maxPixels),
        "image/tiff" => InspectTiff(path, maxPixels, maxPages),
        "application/pdf" => InspectPdf(path, maxPixels, maxPages),
        _ => throw new ArgumentException($"Unsupported media type '{mediaType}'.", nameof(mediaType)),
    };

    static UploadRejectedException Unreadable(string format, string why) =>
        new(400, "upload.unreadable", $"The {format} file is corrupt or truncated: {why}. Scan or export it again.");

    static void CheckPixels(string format, long width, long height, long maxPixels, int page = 0)
    {
        if (width <= 0 || height <= 0)
        {
            throw Unreadable(format, "its header declares no image size");
        }

        if (width * height > maxPixels)
        {
            var what = page > 0 ? $"page {page}" : "image";
            throw new UploadRejectedException(422, "upload.too-many-pixels",
                $"The {format} {what} is {width} x {height} pixels ({width * height} pixels); at most {maxPixels} pixels per page are read. Scan at a lower resolution (300 dpi is enough).");
        }
    }

    static void CheckPages(string format, int pages, int maxPages)
    {
        if (pages > maxPages)
        {
            throw new UploadRejectedException(422, "upload.too-many-pages",
                $"The {format} has {pages} pages; at most {maxPages} pages per document are read. Upload each document on its own.");
        }
    }

    static ScanFacts InspectJpeg(string path, long maxPixels)
    {
        const string format = "JPEG";
        using var codec = SKCodec.Create(path, out var result);
        if (codec is null)
        {
            throw Unreadable(format, $"its header cannot be decoded ({result})");
        }

        var info = codec.Info;
        CheckPixels(format, info.Width, info.Height, maxPixels);

        // Walk every line of the image data (JPEG at 1/8 scale, which libjpeg decodes cheaply) to catch truncated or
        // damaged data; only one row is held in memory.
        var size = codec.GetScaledDimensions(0.125f);
        var decode = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var start = codec.StartScanlineDecode(decode);
        if (start == SKCodecResult.Unimplemented)
        {
            // Progressive JPEGs may not decode line by line; the header is all that is checked.
            return new ScanFacts(1, (long)info.Width * info.Height);
        }

        if (start != SKCodecResult.Success)
        {
            throw Unreadable(format, $"its image data cannot be decoded ({start})");
        }

        var rowBytes = decode.RowBytes;
        var row = Marshal.AllocHGlobal(rowBytes);
        try
        {
            for (var y = 0; y < decode.Height; y++)
            {
                if (codec.GetScanlines(row, 1, rowBytes) != 1)
                {
                    throw Unreadable(format, $"its image data ends after {y * 100 / Math.Max(decode.Height, 1)}% of the rows");
                }
            }
        }
        finally
        {
            Marshal.FreeHGlobal(row);
        }

        return new ScanFacts(1, (long)info.Width * info.Height);
    }

    /// <summary>
    /// PNG: SkiaSharp reads the header (and refuses impossible ones); then every chunk's CRC is checked and the image data
    /// (the IDAT chunks) is inflated as a stream, counting bytes, to prove it is complete: one row buffer, no pixels kept.
    /// </summary>
    static ScanFacts InspectPng(string path, long maxPixels)
    {
        using (var codec = SKCodec.Create(path, out var result))
        {
            if (codec is null)
            {
                throw Unreadable("PNG", $"its header cannot be decoded ({result})");
            }

            CheckPixels("PNG", codec.Info.Width, codec.Info.Height, maxPixels);
        }

        using var file = File.OpenRead(path);
        file.Position = 8;
        var header = new byte[8];
        long width = 0, height = 0;
        int bitDepth = 0, colorType = 0, interlace = 0;
        var idat = new List<(long Offset, int Length)>();
        var ended = false;
        while (!ended)
        {
            if (file.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
            {
                throw Unreadable("PNG", "it ends before its IEND chunk");
            }

            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header);
            var type = System.Text.Encoding.ASCII.GetString(header, 4, 4);
            if (length < 0 || file.Position + length + 4 > file.Length)
            {
                throw Unreadable("PNG", $"its {type} chunk runs past the end of the file");
            }

            var data = new byte[length];
            file.ReadExactly(data);
            var crc = new System.IO.Hashing.Crc32();
            crc.Append(header.AsSpan(4, 4));
            crc.Append(data);
            var stored = new byte[4];
            file.ReadExactly(stored);
            if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(stored) != crc.GetCurrentHashAsUInt32())
            {
                throw Unreadable("PNG", $"its {type} chunk is damaged (checksum mismatch)");
            }

            switch (type)
            {
                case "IHDR" when length >= 13:
                    width = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data);
                    height = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4));
                    (bitDepth, colorType, interlace) = (data[8], data[9], data[12]);
                    break;
                case "IDAT":
                    idat.Add((file.Position - 4 - length, length));
                    break;
                case "IEND":
                    ended = true;
                    break;
            }
        }

        if (idat.Count == 0)
        {
            throw Unreadable("PNG", "it has no image data");
        }

        var channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        long expected = interlace == 0 ? height * (1 + ((width * bitDepth * channels) + 7) / 8) : -1;
        using var inflater = new System.IO.Compression.ZLibStream(new ChunkStream(file, idat), System.IO.Compression.CompressionMode.Decompress);
        var buffer = new byte[64 * 1024];
        long inflated = 0;
        try
        {
            int n;
            while ((n = inflater.Read(buffer)) > 0)
            {
                inflated += n;
                if (expected >= 0 && inflated > expected)
                {
                    break;
                }
            }
        }
        catch (InvalidDataException)
        {
            throw Unreadable("PNG", "its compressed image data is damaged");
        }

        if (expected >= 0 && inflated != expected)
        {
            throw Unreadable("PNG", inflated < expected ? $"its image data ends after {inflated * 100 / Math.Max(expected, 1)}% of the rows" : "it has more image data than its size says");
        }

        return new ScanFacts(1, width * height);
    }

    /// <summary>The IDAT chunks' data, read in order as one stream.</summary>
    sealed class ChunkStream(FileStream file, List<(long Offset, int Length)> chunks) : Stream
    {
        int chunk;
        int inChunk;

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (chunk < chunks.Count && inChunk == chunks[chunk].Length)
            {
                chunk++;
                inChunk = 0;
            }

            if (chunk == chunks.Count)
            {
                return 0;
            }

            var (start, length) = chunks[chunk];
            file.Position = start + inChunk;
            var n = file.Read(buffer, offset, Math.Min(count, length - inChunk));
            inChunk += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    static ScanFacts InspectTiff(string path, long maxPixels, int maxPages)
    {
        using var tiff = Tiff.Open(path, "r") ?? throw Unreadable("TIFF", "its header or first image directory cannot be read");
        var pages = tiff.NumberOfDirectories();
        CheckPages("TIFF", pages, maxPages);
        long largest = 0;
        var page = 0;
        do
        {
            page++;
            var width = tiff.GetField(TiffTag.IMAGEWIDTH)?[0].ToInt() ?? 0;
            var height = tiff.GetField(TiffTag.IMAGELENGTH)?[0].ToInt() ?? 0;
            CheckPixels("TIFF", width, height, maxPixels, pages > 1 ? page : 0);
            largest = Math.Max(largest, (long)width * height);

            // The compressed data of every strip or tile must be in the file.
            var tiled = tiff.IsTiled();
            var chunks = tiled ? tiff.NumberOfTiles() : tiff.NumberOfStrips();
            if (chunks <= 0)
            {
                throw Unreadable("TIFF", $"image {page} has no image data");
            }

            var buffer = Array.Empty<byte>();
            for (var i = 0; i < chunks; i++)
            {
                var size = tiled ? tiff.RawTileSize(i) : tiff.RawStripSize(i);
                if (size <= 0)
                {
                    throw Unreadable("TIFF", $"image {page} has an empty or missing data block");
                }

                if (buffer.Length < size)
                {
                    buffer = new byte[size];
                }

                var read = tiled ? tiff.ReadRawTile(i, buffer, 0, (int)size) : tiff.ReadRawStrip(i, buffer, 0, (int)size);
                if (read != size)
                {
                    throw Unreadable("TIFF", $"image {page}'s data ends early");
                }
            }
        }
        while (tiff.ReadDirectory());

        return new ScanFacts(pages, largest);
    }

    static ScanFacts InspectPdf(string path, long maxPixels, int maxPages)
    {
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(path, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Unreadable("PDF", e.GetType().Name.Contains("Encrypt", StringComparison.Ordinal) ? "it is encrypted" : "its structure cannot be read");
        }

        using (document)
        {
            int pages;
            try
            {
                pages = document.NumberOfPages;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw Unreadable("PDF", "its page tree cannot be read");
            }

            if (pages < 1)
            {
                throw Unreadable("PDF", "it has no pages");
            }

            CheckPages("PDF", pages, maxPages);
            long largest = 0;
            for (var i = 1; i <= pages; i++)
            {
                double width, height;
                try
                {
                    var p = document.GetPage(i);
                    (width, height) = (p.Width, p.Height);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw Unreadable("PDF", $"page {i} cannot be read");
                }

                var (w, h) = ((long)Math.Ceiling(width / 72 * RenderDpi), (long)Math.Ceiling(height / 72 * RenderDpi));
                CheckPixels("PDF", w, h, maxPixels, i);
                largest = Math.Max(largest, w * h);
            }

            return new ScanFacts(pages, largest);
        }
    }

    /// <summary>LibTiff.Net writes warnings and errors to the console by default; Pulang reads its return values instead.</summary>
    sealed class SilentTiffErrors : TiffErrorHandler
    {
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args)
        {
        }

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
        }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }
    }
}
