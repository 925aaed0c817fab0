using SkiaSharp;

namespace Pulang.Workflows.Ocr;

/// <summary>
/// The OCR-B typeface the MRZ is printed in (ICAO Doc 9303 Part 3 §4.3: OCR-B, ISO 1073-2, size 1), from Debian's
/// <c>fonts-ocr-b</c> package (<c>/usr/share/fonts/opentype/ocr-b/OCRB.otf</c>), used at runtime to render the reference
/// glyphs of <see cref="MrzCellReader"/>.
/// </summary>
public static class OcrBFont
{
    /// <summary>Where Debian's <c>fonts-ocr-b</c> installs the regular OCR-B face.</summary>
    public const string DebianPath = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";

    /// <summary>
    /// The font file: <paramref name="configured"/> when given (it must exist), else <see cref="DebianPath"/>, else the first
    /// <c>OCRB.otf</c> under <c>/usr/share/fonts</c> or <c>/usr/local/share/fonts</c>.
    /// </summary>
    /// <exception cref="OcrException">Not found (transient: install <c>fonts-ocr-b</c>, e.g. with <c>scripts/prerequisites.sh</c>).</exception>
    public static string Locate(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (File.Exists(configured)) return configured;
            throw new OcrException($"The OCR-B font '{configured}' (MrzFontPath) does not exist.", isPermanent: false);
        }
        if (File.Exists(DebianPath)) return DebianPath;
        foreach (var root in new[] { "/usr/share/fonts", "/usr/local/share/fonts" })
        {
            if (!Directory.Exists(root)) continue;
            var found = Directory.EnumerateFiles(root, "OCRB.otf", SearchOption.AllDirectories).FirstOrDefault();
            if (found is not null) return found;
        }
        throw new OcrException(
            $"The OCR-B font is not installed ({DebianPath}); the MRZ reader needs it: install the Debian package fonts-ocr-b " +
            "(scripts/prerequisites.sh does) or set Pulang:Ocr:Tesseract:MrzFontPath.", isPermanent: false);
    }

    static readonly Dictionary<string, SKTypeface> Typefaces = new(StringComparer.Ordinal);

    /// <summary>The typeface of <paramref name="path"/>, loaded once per process.</summary>
    /// <exception cref="OcrException">The file is not a font Skia can read.</exception>
    public static SKTypeface Load(string path)
    {
        lock (Typefaces)
        {
            if (Typefaces.TryGetValue(path, out var t)) return t;
            t = SKTypeface.FromFile(path) ?? throw new OcrException($"The OCR-B font '{path}' cannot be read.", isPermanent: false);
            Typefaces[path] = t;
            return t;
        }
    }
}
