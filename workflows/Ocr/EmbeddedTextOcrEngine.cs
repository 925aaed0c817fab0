using System.Buffers.Binary;
using System.Text;

namespace Pulang.Workflows.Ocr;

/// <summary>
/// A benchmark and test engine, not for real scans: it reads no pixels. It returns the text that the scan's maker
/// embedded in the PNG itself, a <c>tEXt</c> chunk with keyword <see cref="Keyword"/> (the ground truth of a generated
/// scan, see <see cref="Embed"/>), as an <see cref="AnalyzeResult"/> with one page, one line per text line, words on a
/// fixed grid and confidence 1. Selected with <c>Pulang:Ocr:Engine=embedded-text</c>; it lets the benchmarks and tests
/// measure the workflow without the cost of OCR. A scan without the chunk (or not a PNG) is permanently unreadable, so
/// it goes to review like any unreadable scan.
/// </summary>
public sealed class EmbeddedTextOcrEngine : IOcrEngine
{
    /// <summary>The PNG <c>tEXt</c> keyword that holds the text.</summary>
    public const string Keyword = "pulang:text";

    /// <summary>Height of a line on the grid the words are placed on (pixels).</summary>
    const double LineHeight = 40, CharWidth = 20;

    static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <inheritdoc />
    public async Task<AnalyzeResult> AnalyzeAsync(Stream content, string contentType, OcrHint hint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = await ReadEmbeddedAsync(content, cancellationToken)
            ?? throw new OcrException("The scan has no embedded text (the embedded-text engine reads only generated PNG scans).", isPermanent: true);

        var lines = new List<AnalyzedLine>();
        var words = new List<AnalyzedWord>();
        var rows = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < rows.Length; i++)
        {
            var top = (i + 1) * LineHeight * 1.5;
            var bottom = top + LineHeight;
            var column = 0;
            var lineWords = rows[i].Split(' ');
            foreach (var w in lineWords)
            {
                if (w.Length > 0)
                {
                    double l = column * CharWidth, r = (column + w.Length) * CharWidth;
                    words.Add(new AnalyzedWord(w, [l, top, r, top, r, bottom, l, bottom], 1.0));
                }

                column += w.Length + 1;
            }

            if (rows[i].Trim().Length > 0)
            {
                var width = rows[i].Length * CharWidth;
                lines.Add(new AnalyzedLine(rows[i].Trim(), [0, top, width, top, width, bottom, 0, bottom]));
            }
        }

        var pageWidth = Math.Max(1, rows.Max(r => r.Length)) * CharWidth;
        var page = new AnalyzedPage(1, pageWidth, (rows.Length + 2) * LineHeight * 1.5, "pixel", lines, words);
        return new AnalyzeResult("embedded-text", "embedded-text", string.Join('\n', lines.Select(l => l.Content)), [page], []);
    }

    /// <summary>
    /// Reads chunk by chunk up to the text chunk, or the first image data chunk (<c>IDAT</c>; <see cref="Embed"/> puts the
    /// text before it), so a large scan is never held in memory. Null when it is not a PNG or has no text chunk there.
    /// </summary>
    static async Task<string?> ReadEmbeddedAsync(Stream png, CancellationToken ct)
    {
        var header = new byte[8];
        if (await png.ReadAtLeastAsync(header, 8, throwOnEndOfStream: false, ct) < 8 || !header.AsSpan().SequenceEqual(Signature))
        {
            return null;
        }

        var keyword = Encoding.Latin1.GetBytes(Keyword + "\0");
        var skip = new byte[8192];
        while (await png.ReadAtLeastAsync(header, 8, throwOnEndOfStream: false, ct) == 8)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = Encoding.Latin1.GetString(header, 4, 4);
            if (type is "IDAT" or "IEND" || length > 16 * 1024 * 1024)
            {
                return null;
            }

            if (type == "tEXt")
            {
                var data = new byte[length];
                if (await png.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, ct) < data.Length)
                {
                    return null;
                }

                if (data.AsSpan().StartsWith(keyword))
                {
                    return Encoding.UTF8.GetString(data, keyword.Length, data.Length - keyword.Length);
                }

                length = 0;
            }

            for (var left = (long)length + 4; left > 0;)
            {
                var n = await png.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, left)), ct);
                if (n == 0)
                {
                    return null;
                }

                left -= n;
            }
        }

        return null;
    }

    /// <summary>The text in the PNG's <see cref="Keyword"/> chunk, or null when it is not a PNG or has none.</summary>
    public static string? ReadEmbedded(ReadOnlySpan<byte> png)
    {
        if (!png.StartsWith(Signature))
        {
            return null;
        }

        var keyword = Encoding.Latin1.GetBytes(Keyword + "\0");
        for (var at = Signature.Length; at + 12 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png[at..]);
            if (length < 0 || at + 12 + length > png.Length)
            {
                return null;
            }

            var type = png.Slice(at + 4, 4);
            var data = png.Slice(at + 8, length);
            if (type.SequenceEqual("tEXt"u8) && data.StartsWith(keyword))
            {
                return Encoding.UTF8.GetString(data[keyword.Length..]);
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return null;
            }

            at += 12 + length;
        }

        return null;
    }

    /// <summary>Returns <paramref name="png"/> with <paramref name="text"/> embedded as a <see cref="Keyword"/> <c>tEXt</c> chunk after the header.</summary>
    /// <exception cref="ArgumentException"><paramref name="png"/> is not a PNG.</exception>
    public static byte[] Embed(ReadOnlySpan<byte> png, string text)
    {
        if (!png.StartsWith(Signature))
        {
            throw new ArgumentException("Not a PNG.", nameof(png));
        }

        // The IHDR chunk is always first: 8 (length, type) + 13 + 4 (CRC).
        var afterHeader = Signature.Length + 8 + 13 + 4;
        var data = Encoding.Latin1.GetBytes(Keyword + "\0").Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        "tEXt"u8.CopyTo(chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return [.. png[..afterHeader], .. chunk, .. png[afterHeader..]];
    }

    static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
