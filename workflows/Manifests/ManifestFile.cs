using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;
using Pulang.Workflows.Cases;

namespace Pulang.Workflows.Manifests;

/// <summary>One person line of a manifest, as read (not validated yet).</summary>
/// <param name="Line">CSV: the line number in the file (the header is line 1); JSON: the person's position in the array, from 1.</param>
/// <param name="Person">The fields, as in <c>POST /api/cases</c>; null when the line could not be read at all (<paramref name="FormatError"/>).</param>
/// <param name="FormatError">Why the line could not be read (a CSV line with the wrong number of fields, a JSON item that is no
/// person object), as <c>code: message</c>; null when it was read.</param>
/// <param name="RepeatOfLine">The earlier line with the same external reference (compared trimmed, ordinal); null for a first occurrence.</param>
public sealed record ManifestLine(int Line, IntakeRequest? Person, string? FormatError = null, int? RepeatOfLine = null);

/// <summary>A manifest file Pulang cannot read as a whole (nothing of it is started).</summary>
/// <param name="status">HTTP status for the API: 400, 413 or 415.</param>
/// <param name="code">Stable code, <c>manifest.*</c>.</param>
/// <param name="message">What is wrong and what to do.</param>
public sealed class ManifestFormatException(int status, string code, string message) : Exception(message)
{
    /// <summary>HTTP status for the API.</summary>
    public int Status { get; } = status;

    /// <summary>Stable problem code (<c>manifest.too-large</c>, <c>manifest.encoding</c>, <c>manifest.csv</c>, <c>manifest.json</c>,
    /// <c>manifest.columns</c>, <c>manifest.empty</c>, <c>manifest.too-many-lines</c>, <c>manifest.media-type</c>).</summary>
    public string Code { get; } = code;
}

/// <summary>The two manifest formats.</summary>
public enum ManifestFormat
{
    /// <summary>UTF-8 CSV with a header row (RFC 4180 quoting; separator <c>,</c> or <c>;</c> detected from the header).</summary>
    Csv,
    /// <summary>A JSON array of person objects (the body of <c>POST /api/cases</c>), or an object with such an array in <c>persons</c>.</summary>
    Json,
}

/// <summary>
/// Reads an embassy's manifest: a list of persons to start cases for, in one file. Columns (CSV header) and properties
/// (JSON) are the fields of <c>POST /api/cases</c> (<see cref="IntakeRequest"/>): <c>externalReference</c>, <c>fullName</c>,
/// <c>sex</c>, <c>birthDate</c>, <c>originRegion</c>, <c>placementCountry</c>, <c>arrivalDate</c> and the optional <c>nik</c>.
/// CSV header names are matched ignoring case, spaces, <c>_</c> and <c>-</c> (<c>External Reference</c>, <c>external_reference</c>);
/// an unknown column refuses the file (a misspelt optional column would otherwise be lost silently). Lines are checked later,
/// one by one (<see cref="IntakeRequest.Validate"/>), so a bad line never stops the others; here only what makes the whole file
/// unreadable is refused (<see cref="ManifestFormatException"/>). CSV is read by Sep (a real RFC 4180 parser: commas,
/// quotes and line breaks inside quoted names are data).
/// </summary>
public static class ManifestFile
{
    /// <summary>Largest manifest file, bytes (4 MiB: about 15,000 lines; far more than the lines allowed).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>Most person lines in one manifest (a charter flight carries a few hundred).</summary>
    public const int MaxLines = 2000;

    /// <summary>The fields of a line, in the order the sample files use.</summary>
    public static readonly IReadOnlyList<string> Columns = ["externalReference", "fullName", "sex", "birthDate", "originRegion", "placementCountry", "arrivalDate", "nik"];

    /// <summary>Fields that may be left out of a manifest altogether.</summary>
    public static readonly IReadOnlyList<string> OptionalColumns = ["nik"];

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The manifest ID of a file: <c>MAN-</c> and 16 Crockford base32 characters of the SHA-256 of its bytes. The same file
    /// always has the same ID, whichever way it comes (HTTP or the <c>manifests</c> container) and whatever it is called.
    /// </summary>
    public static string IdOf(ReadOnlySpan<byte> content) => Identifiers.Derived("MAN-", Convert.ToHexStringLower(SHA256.HashData(content)), 16);

    /// <summary>True for IDs that <see cref="IdOf"/> can produce.</summary>
    public static bool IsId(string? id) => Identifiers.Matches(id, "MAN-", 16);

    /// <summary>
    /// The format from a media type (<c>text/csv</c>, <c>application/json</c>, parameters ignored), else from the file name's
    /// extension (<c>.csv</c>, <c>.json</c>); null when neither says.
    /// </summary>
    public static ManifestFormat? FormatOf(string? contentType, string? fileName)
    {
        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (media is "text/csv" or "application/csv") return ManifestFormat.Csv;
        if (media is "application/json" || media.EndsWith("+json", StringComparison.Ordinal)) return ManifestFormat.Json;
        return Path.GetExtension(fileName ?? "").ToLowerInvariant() switch
        {
            ".csv" => ManifestFormat.Csv,
            ".json" => ManifestFormat.Json,
            _ => null,
        };
    }

    /// <summary>Reads the person lines of <paramref name="content"/> and marks repeated external references.</summary>
    /// <exception cref="ManifestFormatException">The file as a whole cannot be read (see <see cref="ManifestFormatException.Code"/>).</exception>
    public static IReadOnlyList<ManifestLine> Parse(ReadOnlySpan<byte> content, ManifestFormat format)
    {
        if (content.Length > MaxBytes)
        {
            throw new ManifestFormatException(413, "manifest.too-large", $"A manifest is at most {MaxBytes} bytes; this one has {content.Length}. Split it into several files.");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new ManifestFormatException(400, "manifest.encoding", "The manifest is not UTF-8 text. Save it as UTF-8 (in Excel: CSV UTF-8).");
        }

        text = text.TrimStart('\uFEFF');
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ManifestFormatException(400, "manifest.empty", "The manifest is empty; send a header row and one line per person.");
        }

        var lines = format == ManifestFormat.Csv ? ParseCsv(text) : ParseJson(text);
        if (lines.Count == 0)
        {
            throw new ManifestFormatException(400, "manifest.empty", "The manifest has no person lines.");
        }

        if (lines.Count > MaxLines)
        {
            throw new ManifestFormatException(413, "manifest.too-many-lines", $"A manifest has at most {MaxLines} persons; this one has {lines.Count}. Split it into several files.");
        }

        return MarkRepeats(lines);
    }

    static string Key(string name) => new([.. name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    static List<ManifestLine> ParseCsv(string text)
    {
        var result = new List<ManifestLine>();
        try
        {
            using var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true }).FromText(text);
            var names = reader.Header.ColNames;
            var index = new Dictionary<string, int>();
            for (var i = 0; i < names.Count; i++)
            {
                var known = Columns.FirstOrDefault(c => Key(c) == Key(names[i]));
                if (known is null)
                {
                    throw new ManifestFormatException(400, "manifest.columns", $"Unknown column '{InputText.Shorten(names[i])}' in the header. The columns are: {string.Join(", ", Columns)} (nik optional).");
                }

                if (!index.TryAdd(known, i))
                {
                    throw new ManifestFormatException(400, "manifest.columns", $"The column {known} appears twice in the header.");
                }
            }

            var missing = Columns.Except(OptionalColumns).Where(c => !index.ContainsKey(c)).ToList();
            if (missing.Count > 0)
            {
                throw new ManifestFormatException(400, "manifest.columns", $"The header lacks the column(s) {string.Join(", ", missing)}. The columns are: {string.Join(", ", Columns)} (nik optional).");
            }

            foreach (var row in reader)
            {
                var line = row.LineNumberFrom;
                if (row.ColCount == 1 && row[0].Span.IsWhiteSpace())
                {
                    continue; // an empty line
                }

                if (row.ColCount != names.Count)
                {
                    result.Add(new ManifestLine(line, null, $"manifest.field-count: the line has {row.ColCount} fields, the header {names.Count}."));
                    continue;
                }

                var values = new Dictionary<string, string?>();
                foreach (var (column, i) in index)
                {
                    values[column] = row[i].ToString() is { Length: > 0 } v ? v : null;
                }

                string? Get(string column) => values.GetValueOrDefault(column);
                result.Add(new ManifestLine(line, new IntakeRequest(Get("externalReference"), Get("fullName"), Get("sex"), Get("birthDate"), Get("originRegion"), Get("placementCountry"), Get("arrivalDate"), Get("nik"))));
                if (result.Count > MaxLines)
                {
                    break;
                }
            }
        }
        catch (ManifestFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException or IndexOutOfRangeException)
        {
            throw new ManifestFormatException(400, "manifest.csv", $"The manifest is not readable CSV: {InputText.Shorten(e.Message)}");
        }

        return result;
    }

    static List<ManifestLine> ParseJson(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ManifestFormatException(400, "manifest.json", $"The manifest is not valid JSON: {InputText.Shorten(e.Message.Split('\n')[0])}");
        }

        using (document)
        {
            var root = document.RootElement;
            var array = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("persons", out var persons) && persons.ValueKind == JsonValueKind.Array ? persons
                : throw new ManifestFormatException(400, "manifest.json", "A JSON manifest is an array of persons, or an object with the array in \"persons\".");
            var result = new List<ManifestLine>();
            var n = 0;
            foreach (var item in array.EnumerateArray())
            {
                n++;
                if (n > MaxLines + 1)
                {
                    break;
                }

                if (item.ValueKind != JsonValueKind.Object)
                {
                    result.Add(new ManifestLine(n, null, $"manifest.not-a-person: item {n} is a JSON {item.ValueKind.ToString().ToLowerInvariant()}, not a person object."));
                    continue;
                }

                try
                {
                    result.Add(new ManifestLine(n, item.Deserialize<IntakeRequest>(PulangJson.Options)));
                }
                catch (JsonException e)
                {
                    result.Add(new ManifestLine(n, null, $"manifest.not-a-person: item {n}: {InputText.Shorten(e.Message.Split('\n')[0].Split(" Path:")[0])}"));
                }
            }

            return result;
        }
    }

    static List<ManifestLine> MarkRepeats(List<ManifestLine> lines)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Person?.ExternalReference?.Trim() is { Length: > 0 } reference && !first.TryAdd(reference, lines[i].Line))
            {
                lines[i] = lines[i] with { RepeatOfLine = first[reference] };
            }
        }

        return lines;
    }
}
