using PdfSharp.Fonts;

namespace Pulang.Workflows.Letters;

/// <summary>
/// Fonts for the release letter (PDFsharp's Core build finds no system fonts by itself on Linux): DejaVu Sans (regular,
/// bold) and DejaVu Sans Mono, read from <see cref="Directory"/> (<c>Pulang:Letter:FontDirectory</c>, default
/// <c>/usr/share/fonts/truetype/dejavu</c>, Debian's <c>fonts-dejavu-core</c>) and embedded in the PDF.
/// </summary>
public sealed class LetterFonts : IFontResolver
{
    /// <summary>The family for text.</summary>
    public const string Sans = "DejaVu Sans";

    /// <summary>The family for digests and the statement.</summary>
    public const string Mono = "DejaVu Sans Mono";

    /// <summary>The default folder.</summary>
    public const string DefaultDirectory = "/usr/share/fonts/truetype/dejavu";

    static readonly Lock Gate = new();
    static LetterFonts? installed;

    readonly Dictionary<string, byte[]> cache = [];

    LetterFonts(string directory) => Directory = directory;

    /// <summary>Where the font files are read from.</summary>
    public string Directory { get; }

    /// <summary>
    /// Makes PDFsharp use these fonts (once per process; PDFsharp's font resolver is process-wide). A later call with
    /// another folder keeps the first one.
    /// </summary>
    /// <exception cref="InvalidOperationException">A font file is missing (names the file and the setting).</exception>
    public static void Install(string? directory)
    {
        lock (Gate)
        {
            if (installed is not null) return;
            var fonts = new LetterFonts(string.IsNullOrWhiteSpace(directory) ? DefaultDirectory : directory);
            foreach (var file in new[] { "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf" })
            {
                var path = Path.Combine(fonts.Directory, file);
                if (!File.Exists(path))
                {
                    throw new InvalidOperationException($"The release letter's font {path} is missing: install fonts-dejavu-core (scripts/prerequisites.sh) or set Pulang:Letter:FontDirectory to a folder with {file}.");
                }
            }

            GlobalFontSettings.FontResolver = fonts;
            installed = fonts;
        }
    }

    /// <inheritdoc/>
    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => familyName switch
    {
        Mono => new FontResolverInfo("DejaVuSansMono.ttf"),
        _ when bold => new FontResolverInfo("DejaVuSans-Bold.ttf"),
        _ => new FontResolverInfo("DejaVuSans.ttf"),
    };

    /// <inheritdoc/>
    public byte[]? GetFont(string faceName)
    {
        lock (cache)
        {
            if (!cache.TryGetValue(faceName, out var bytes))
            {
                bytes = File.ReadAllBytes(Path.Combine(Directory, faceName));
                cache[faceName] = bytes;
            }

            return bytes;
        }
    }
}
