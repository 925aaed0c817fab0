using System.Text.Json;

namespace Pulang.Cli;

/// <summary>One scan to upload: the file, its document kind (route name) and its content type.</summary>
/// <param name="Path">The file.</param>
/// <param name="Kind">Document kind as the API names it (<c>passport</c>, <c>ktp</c>, <c>assessment-form</c>, ...).</param>
/// <param name="ContentType"><c>image/jpeg</c>, <c>image/png</c>, <c>image/tiff</c> or <c>application/pdf</c>.</param>
/// <param name="Length">Bytes.</param>
public sealed record ScanFile(string Path, string Kind, string ContentType, long Length);

/// <summary>The scans of one person: the sub-folder named after the case's external reference.</summary>
/// <param name="Reference">External reference (the folder's name).</param>
/// <param name="Files">Its scans, by file name.</param>
public sealed record PersonFolder(string Reference, IReadOnlyList<ScanFile> Files);

/// <summary>
/// Reads a batch folder for <c>pulang upload-batch</c>: one sub-folder per external reference, each with the person's
/// scans. A scan's kind comes from the optional mapping file <c>kinds.json</c> (in the batch folder or the person's
/// folder, the nearer wins: <c>{"file name or its start": "kind"}</c>, case-insensitive, the whole name before a prefix),
/// else from its file name: the name starts with a kind (<c>passport</c>, <c>splp</c>, <c>ktp</c>, <c>kk</c>,
/// <c>health-screening</c>, <c>assessment-form</c>, <c>pickup-letter</c>, <c>other</c>; <c>_</c> and spaces count as
/// <c>-</c>) or an Indonesian name for one (<c>paspor</c>, <c>kartu-keluarga</c>, <c>asesmen</c>, <c>formulir-asesmen</c>,
/// <c>surat-jemput</c>, <c>kesehatan</c>). Every problem is collected (one line each) so the whole folder can be fixed at
/// once; nothing is sent while there is any.
/// </summary>
public static class BatchPlan
{
    /// <summary>The mapping file's name.</summary>
    public const string MappingFile = "kinds.json";

    /// <summary>
    /// The document kinds a file name may start with, with Indonesian names for some. The service is the judge of kinds
    /// (it answers 400 <c>document.kind</c> for an unknown one); this is only the CLI's file naming convention.
    /// Investigation papers are never taken from a batch folder (investigators upload them one by one).
    /// </summary>
    static readonly (string Prefix, string Kind)[] Names =
    [
        ("passport", "passport"), ("paspor", "passport"), ("splp", "splp"), ("ktp", "ktp"), ("kk", "kk"),
        ("kartu-keluarga", "kk"), ("health-screening", "health-screening"), ("kesehatan", "health-screening"),
        ("assessment-form", "assessment-form"), ("formulir-asesmen", "assessment-form"), ("asesmen", "assessment-form"),
        ("pickup-letter", "pickup-letter"), ("surat-jemput", "pickup-letter"), ("other", "other"), ("lain", "other"),
    ];

    /// <summary>The kinds a mapping file may name.</summary>
    public static readonly IReadOnlySet<string> Kinds = Names.Select(n => n.Kind).ToHashSet();

    /// <summary>Content type by file extension (the scan formats the service reads).</summary>
    public static string? ContentTypeOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".tif" or ".tiff" => "image/tiff",
        ".pdf" => "application/pdf",
        _ => null,
    };

    /// <summary>The kind for a file name from a mapping, else from the name; null when neither says.</summary>
    public static string? KindOf(string fileName, IReadOnlyDictionary<string, string>? mapping)
    {
        var name = fileName.ToLowerInvariant();
        if (mapping is not null)
        {
            if (mapping.TryGetValue(name, out var exact)) return exact;
            var prefix = mapping.Where(p => name.StartsWith(p.Key, StringComparison.Ordinal)).OrderByDescending(p => p.Key.Length).FirstOrDefault();
            if (prefix.Value is not null) return prefix.Value;
        }

        var stem = System.IO.Path.GetFileNameWithoutExtension(name).Replace('_', '-').Replace(' ', '-');
        return Names.Where(n => stem == n.Prefix || stem.StartsWith(n.Prefix + "-", StringComparison.Ordinal) || (stem.StartsWith(n.Prefix, StringComparison.Ordinal) && stem.Length > n.Prefix.Length && char.IsDigit(stem[n.Prefix.Length])))
            .OrderByDescending(n => n.Prefix.Length).Select(n => n.Kind).FirstOrDefault();
    }

    /// <summary>Reads <paramref name="folder"/>; the people found and one line per problem (empty when none).</summary>
    public static (IReadOnlyList<PersonFolder> People, IReadOnlyList<string> Problems) Read(string folder)
    {
        var problems = new List<string>();
        if (!Directory.Exists(folder))
        {
            return ([], [$"{folder}: folder tidak ada (no such folder)."]);
        }

        var rootMapping = ReadMapping(System.IO.Path.Combine(folder, MappingFile), problems);
        foreach (var stray in Directory.EnumerateFiles(folder).Where(f => System.IO.Path.GetFileName(f) != MappingFile && !IsHidden(f)))
        {
            problems.Add($"{System.IO.Path.GetFileName(stray)}: berkas di luar sub-folder referensi; letakkan di folder bernama referensi eksternal orangnya.");
        }

        var people = new List<PersonFolder>();
        foreach (var dir in Directory.EnumerateDirectories(folder).Where(d => !IsHidden(d)).Order(StringComparer.Ordinal))
        {
            var reference = System.IO.Path.GetFileName(dir);
            var mapping = ReadMapping(System.IO.Path.Combine(dir, MappingFile), problems) is { } own
                ? new Dictionary<string, string>((rootMapping ?? []).Concat(own).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value))
                : rootMapping;
            var files = new List<ScanFile>();
            foreach (var file in Directory.EnumerateFiles(dir).Where(f => !IsHidden(f) && System.IO.Path.GetFileName(f) != MappingFile).Order(StringComparer.Ordinal))
            {
                var name = $"{reference}/{System.IO.Path.GetFileName(file)}";
                var type = ContentTypeOf(file);
                var kind = KindOf(System.IO.Path.GetFileName(file), mapping);
                var length = Uploads.LengthOf(file);
                if (type is null)
                {
                    problems.Add($"{name}: jenis berkas tidak didukung (unsupported file); pindaian harus JPEG, PNG, TIFF atau PDF.");
                }
                else if (length == 0)
                {
                    problems.Add($"{name}: berkas kosong (empty file, 0 bytes).");
                }
                else if (kind is null)
                {
                    problems.Add($"{name}: jenis dokumen tidak dikenali dari nama berkas (unknown kind); awali nama dengan passport, ktp, splp, kk, assessment-form, ... atau tulis di {MappingFile}.");
                }
                else
                {
                    files.Add(new ScanFile(file, kind, type, length));
                }
            }

            foreach (var sub in Directory.EnumerateDirectories(dir).Where(d => !IsHidden(d)))
            {
                problems.Add($"{reference}/{System.IO.Path.GetFileName(sub)}/: sub-folder di dalam folder orang tidak dibaca; pindahkan pindaiannya ke {reference}/.");
            }

            if (files.Count == 0 && !problems.Any(p => p.StartsWith(reference + "/", StringComparison.Ordinal)))
            {
                problems.Add($"{reference}/: tidak ada pindaian (no scans).");
            }

            people.Add(new PersonFolder(reference, files));
        }

        if (people.Count == 0 && problems.Count == 0)
        {
            problems.Add($"{folder}: tidak ada sub-folder; buat satu sub-folder per referensi eksternal (one sub-folder per external reference).");
        }

        return (people, problems);
    }

    static bool IsHidden(string path) => System.IO.Path.GetFileName(path).StartsWith('.');

    static Dictionary<string, string>? ReadMapping(string file, List<string> problems)
    {
        if (!File.Exists(file)) return null;
        try
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? [];
            foreach (var (pattern, kind) in map.Where(p => !Kinds.Contains(p.Value)))
            {
                problems.Add($"{file}: '{pattern}' → '{kind}' bukan jenis dokumen; jenis: {string.Join(", ", Kinds.Order())}.");
            }

            return map.ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value);
        }
        catch (JsonException e)
        {
            problems.Add($"{file}: bukan JSON {{\"nama berkas\": \"jenis\"}}: {e.Message}");
            return null;
        }
    }
}
