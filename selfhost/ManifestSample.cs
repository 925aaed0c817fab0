using System.Text.Json;
using nietras.SeparatedValues;
using Pulang.Workflows;
using Pulang.Workflows.Http;
using Pulang.Workflows.Manifests;
using Pulang.Workflows.Cases;

namespace Pulang.SelfHost;

/// <summary>
/// Fictional embassy manifests for the demo and the tests: persons whose names are made of invented syllables (never a real
/// person's data), with valid NIKs (<see cref="Workflows.Documents.Nik"/>: a Kemendagri province code, regency and district not
/// 00, the birth date with +40 for women, a serial not 0000) that agree with the birth date and sex. The same seed gives the
/// same file. Regions carry a comma (<c>Kabupaten Contoh Barat, Jawa Timur</c>), so the CSV needs real quoting.
/// </summary>
public static class ManifestSample
{
    static readonly string[] Syllables = ["SA", "RI", "NA", "WU", "LAN", "DA", "TI", "MA", "YU", "KE", "SO", "PE", "RA", "NI", "TA", "MUR", "GA", "LI", "HE", "BU"];
    static readonly (string Province, string Code)[] Provinces = [("Jawa Timur", "35"), ("Jawa Tengah", "33"), ("Jawa Barat", "32"), ("Nusa Tenggara Barat", "52"), ("Lampung", "18"), ("Kalimantan Barat", "61")];
    static readonly string[] Countries = ["Malaysia", "Arab Saudi", "Taiwan", "Hong Kong", "Kamboja", "Myanmar"];

    /// <summary>
    /// <paramref name="count"/> fictional persons; external references <c>{prefix}-0001</c>... (unique); birth dates 1970-2004,
    /// arrival in the 60 days before <paramref name="today"/>.
    /// </summary>
    public static List<IntakeRequest> Persons(int count, int seed, string prefix, DateOnly today)
    {
        var random = new Random(seed);
        string Word(int syllables) => string.Concat(Enumerable.Range(0, syllables).Select(_ => Syllables[random.Next(Syllables.Length)]));
        var persons = new List<IntakeRequest>(count);
        for (var i = 1; i <= count; i++)
        {
            var female = random.Next(3) > 0;
            var birth = new DateOnly(1970, 1, 1).AddDays(random.Next(365 * 34));
            var (province, code) = Provinces[random.Next(Provinces.Length)];
            var nik = $"{code}{random.Next(1, 30):D2}{random.Next(1, 30):D2}{birth.Day + (female ? 40 : 0):D2}{birth.Month:D2}{birth.Year % 100:D2}{random.Next(1, 9999):D4}";
            persons.Add(new IntakeRequest(
                $"{prefix}-{i:D4}",
                $"{Word(2)} {Word(3)}",
                female ? "F" : "M",
                birth.ToString("yyyy-MM-dd"),
                $"Kabupaten {Word(2)[..1]}{Word(2)[1..].ToLowerInvariant()}, {province}",
                Countries[random.Next(Countries.Length)],
                today.AddDays(-random.Next(1, 60)).ToString("yyyy-MM-dd"),
                nik));
        }

        return persons;
    }

    /// <summary>The persons as a UTF-8 CSV manifest (header row; fields quoted where needed, by Sep's writer).</summary>
    public static string ToCsv(IEnumerable<IntakeRequest> persons)
    {
        using var writer = Sep.New(',').Writer(o => o with { Escape = true }).ToText();
        foreach (var p in persons)
        {
            using var row = writer.NewRow();
            string[] values = [p.ExternalReference ?? "", p.FullName ?? "", p.Sex ?? "", p.BirthDate ?? "", p.OriginRegion ?? "", p.PlacementCountry ?? "", p.ArrivalDate ?? "", p.Nik ?? ""];
            for (var c = 0; c < ManifestFile.Columns.Count; c++)
            {
                row[ManifestFile.Columns[c]].Set(values[c]);
            }
        }

        return writer.ToString();
    }

    /// <summary>The persons as a JSON manifest (<c>{"persons": [...]}</c>).</summary>
    public static string ToJson(IEnumerable<IntakeRequest> persons) =>
        JsonSerializer.Serialize(new { persons }, new JsonSerializerOptions(PulangJson.Options) { WriteIndented = true });
}
