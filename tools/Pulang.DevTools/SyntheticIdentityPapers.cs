using System.Globalization;
using System.Text.Json;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using SkiaSharp;

namespace Pulang.DevTools;

/// <summary>One generated fictional identity paper scan.</summary>
/// <param name="Kind">KTP, SPLP or KK.</param>
/// <param name="Jpeg">The scan.</param>
/// <param name="Scan">How it was scanned.</param>
/// <param name="Fields">What is printed, by the paper's own labels (for a KK: the card's number and head, and the case's person's row:
/// <c>NIK</c>, <c>Nama Lengkap</c>, <c>Jenis Kelamin</c>, <c>Tempat Lahir</c>, <c>Tanggal Lahir</c>).</param>
/// <param name="Case">The case's person as intake declared them (the truth): name, sex (F/M), birth date (yyyy-MM-dd), NIK.</param>
/// <param name="Altered">Null, or the printed field changed so that it disagrees with the NIK or the case: <c>sex</c>, <c>birthDate</c>,
/// <c>name</c> or <c>nik</c>. Such a paper must never be accepted without a person.</param>
/// <param name="Members">KK only: every member row as printed (Nama Lengkap, NIK, Jenis Kelamin, Tempat Lahir, Tanggal Lahir, Agama, Status Hubungan).</param>
public sealed record SyntheticPaper(DocumentKind Kind, byte[] Jpeg, ScanSettings Scan, IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, string> Case, string? Altered, IReadOnlyList<string[]>? Members);

/// <summary>
/// Generated sets of fictional KTP, SPLP and KK scans with a ground truth for <c>pulang accuracy</c>: many fictional people (every
/// province code, both sexes, 2-4 word names), scanned at 200/300 dpi, rotated up to 3 degrees either way, blurred, noisy, JPEG
/// 50-90 (<see cref="ScanSettings.Random"/>); every 4th paper has one printed field altered so that it disagrees with the NIK or the
/// case (<see cref="SyntheticPaper.Altered"/>). Deterministic per seed and index. Never real people's data; every page says SPESIMEN.
/// </summary>
public static class SyntheticIdentityPapers
{
    static readonly string[] Streets = ["JL. MAWAR", "JL. MELATI", "JL. KENANGA", "JL. MERDEKA", "JL. DIPONEGORO", "DUSUN KRAJAN", "JL. SUDIRMAN", "GG. MANGGA"];
    static readonly string[] Villages = ["SUMBERSARI", "KARANGREJO", "SUKAMAJU", "TANJUNGSARI", "MEKARSARI", "WONOREJO", "BANJARSARI", "CIPUTAT"];
    static readonly string[] Districts = ["KEPANJEN", "SUKOREJO", "CIKARANG", "PRAYA", "SOE", "BATANG", "TABANAN", "LUBUK PAKAM"];
    static readonly string[] Marital = ["BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"];
    static readonly (string Code, string City, string Country)[] Missions =
    [
        ("KL", "Kuala Lumpur", "Malaysia"), ("JB", "Johor Bahru", "Malaysia"), ("PG", "Penang", "Malaysia"), ("HK", "Hong Kong", "Hong Kong"),
        ("SG", "Singapura", "Singapura"), ("TP", "Taipei", "Taiwan"), ("RY", "Riyadh", "Arab Saudi"), ("JD", "Jeddah", "Arab Saudi"),
        ("KC", "Kuching", "Malaysia"), ("DB", "Dubai", "Persatuan Emirat Arab"),
    ];
    static readonly string[] Roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    static readonly string[] Alterations = ["sex", "birthDate", "name", "nik"];

    static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    static string Title(string s) => string.Join(' ', s.Split(' ').Select(w => w.Length == 0 ? w : w[0] + w[1..].ToLowerInvariant()));
    static string SexWord(char sex) => sex == 'F' ? "PEREMPUAN" : "LAKI-LAKI";

    /// <summary>The person as printed after <paramref name="altered"/> (sex flipped, birth date moved 1-5 days, the last name word
    /// replaced, or the NIK's serial changed); the person itself when null.</summary>
    static SyntheticPerson Alter(SyntheticPerson p, string? altered, Random rng) => altered switch
    {
        "sex" => p with { Sex = p.Sex == 'F' ? 'M' : 'F' },
        "birthDate" => p with { BirthDate = p.BirthDate.AddDays(rng.Next(1, 6) * (rng.Next(2) == 0 ? 1 : -1)) },
        "name" => p with { Name = string.Join(' ', p.Name.Split(' ')[..^1].Append(p.Name.EndsWith("WIJAYA", StringComparison.Ordinal) ? "SANTOSO" : "WIJAYA")) },
        "nik" => p with { Nik = p.Nik[..12] + ((int.Parse(p.Nik[12..], CultureInfo.InvariantCulture) + rng.Next(1, 9000)) % 9999 + 1).ToString("0000", CultureInfo.InvariantCulture) },
        _ => p,
    };

    static Dictionary<string, string> CaseOf(SyntheticPerson p) => new()
    {
        ["name"] = p.Name, ["sex"] = p.Sex.ToString(), ["birth_date"] = Iso(p.BirthDate), ["nik"] = p.Nik,
    };

    /// <summary>Paper <paramref name="index"/> of <paramref name="kind"/> in the set for <paramref name="seed"/>; altered when
    /// <paramref name="alter"/> (which field: from the seed); with <paramref name="render"/> false, the fields and the truth only
    /// (<see cref="SyntheticPaper.Jpeg"/> empty), the same paper otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not KTP, SPLP or KK.</exception>
    public static SyntheticPaper Generate(DocumentKind kind, int index, int seed, bool alter, bool render = true)
    {
        var rng = new Random(unchecked((seed * 1_000_003) ^ (index * 7_919) ^ ((int)kind * 104_729) ^ 0x1D5));
        var person = SyntheticPeople.Make(rng, index);
        var altered = alter ? Alterations[rng.Next(Alterations.Length)] : null;
        var scan = ScanSettings.Random(rng);
        return kind switch
        {
            DocumentKind.Ktp => Ktp(person, altered, scan, rng, render),
            DocumentKind.Splp => Splp(person, altered, scan, rng, render),
            DocumentKind.Kk => Kk(person, altered, scan, rng, render),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), "Only KTP, SPLP and KK are generated here."),
        };
    }

    static byte[] ScanOf(SKBitmap page, float dpi, ScanSettings scan, Random rng)
    {
        using (page) return SyntheticScan.Scan(page, dpi, scan, rng);
    }

    static SyntheticPaper Ktp(SyntheticPerson person, string? altered, ScanSettings scan, Random rng, bool render)
    {
        var p = Alter(person, altered, rng);
        var rows = new List<(string, string)>
        {
            ("Nama", p.Name), ("Tempat/Tgl Lahir", $"{p.BirthPlace}, {SyntheticPeople.DashDate(p.BirthDate)}"), ("Jenis Kelamin", SexWord(p.Sex)),
            ("Alamat", $"{Streets[rng.Next(Streets.Length)]} NO. {rng.Next(1, 120)}"), ("RT/RW", $"{rng.Next(1, 20):000}/{rng.Next(1, 15):000}"),
            ("Kel/Desa", Villages[rng.Next(Villages.Length)]), ("Kecamatan", Districts[rng.Next(Districts.Length)]), ("Agama", p.Religion),
            ("Status Perkawinan", Marital[rng.Next(Marital.Length)]), ("Pekerjaan", p.Occupation), ("Kewarganegaraan", "WNI"), ("Berlaku Hingga", "SEUMUR HIDUP"),
        };
        var regency = "KABUPATEN " + Districts[rng.Next(Districts.Length)];
        var issued = SyntheticPeople.DashDate(new DateOnly(2012, 1, 1).AddDays(rng.Next(0, 365 * 12)));
        const float dpi = 600;
        var blood = new[] { "A", "B", "AB", "O", "-" }[rng.Next(5)];
        var jpeg = render ? ScanOf(SyntheticPaperLayouts.Ktp(rows, p.Province, regency, p.Nik, regency.Replace("KABUPATEN", "KAB.", StringComparison.Ordinal), issued,
            blood, dpi), dpi, scan, rng) : [];
        var fields = rows.ToDictionary(r => r.Item1, r => r.Item2);
        fields["NIK"] = p.Nik;
        return new SyntheticPaper(DocumentKind.Ktp, jpeg, scan, fields, CaseOf(person), altered, null);
    }

    static SyntheticPaper Splp(SyntheticPerson person, string? altered, ScanSettings scan, Random rng, bool render)
    {
        var p = Alter(person, altered, rng);
        var mission = Missions[rng.Next(Missions.Length)];
        var issued = new DateOnly(2024, 1, 1).AddDays(rng.Next(0, 700));
        var number = $"{mission.Code}-SPLP/{rng.Next(1, 10000):0000}/{Roman[issued.Month - 1]}/{issued.Year}";
        var passport = (char)('A' + rng.Next(26)) + rng.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture);
        var rows = new List<(string, string)>
        {
            ("Nama Lengkap", p.Name), ("Jenis Kelamin", p.Sex == 'F' ? "Perempuan" : "Laki-laki"),
            ("Tempat/Tanggal Lahir", $"{Title(p.BirthPlace)}, {SyntheticPeople.LongDate(p.BirthDate)}"), ("NIK", p.Nik), ("Kewarganegaraan", "Indonesia"),
            ("Nomor Paspor Terakhir", passport), ("Keterangan", new[] { "Paspor ditahan oleh majikan", "Paspor hilang", "Paspor rusak" }[rng.Next(3)]),
            ("Negara Asal Perjalanan", mission.Country), ("Tujuan", "Indonesia (satu kali perjalanan)"), ("Berlaku sampai dengan", SyntheticPeople.LongDate(issued.AddDays(30))),
        };
        var officer = SyntheticPeople.Make(rng, rng.Next(38)).Name;
        var dpi = (float)scan.Dpi;
        var jpeg = render ? ScanOf(SyntheticPaperLayouts.Splp(number, rows, mission.City, SyntheticPeople.LongDate(issued), officer, dpi), dpi, scan, rng) : [];
        var fields = rows.ToDictionary(r => r.Item1, r => r.Item2);
        fields["Nomor"] = number;
        return new SyntheticPaper(DocumentKind.Splp, jpeg, scan, fields, CaseOf(person), altered, null);
    }

    static SyntheticPaper Kk(SyntheticPerson person, string? altered, ScanSettings scan, Random rng, bool render)
    {
        // The family: head, spouse, 0-3 children, one of them the case's person; all registered in the person's district.
        var region = person.Nik[2..6];
        var surname = person.Name.Split(' ')[^1];
        var head = SyntheticPeople.Make(rng, 0, 'M', surname, person.ProvinceCode, region);
        var spouse = SyntheticPeople.Make(rng, 0, 'F', null, person.ProvinceCode, region);
        var children = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => SyntheticPeople.Make(rng, 0, null, surname, person.ProvinceCode, region)).ToList();
        var members = new List<(SyntheticPerson P, string Relation)> { (head, "KEPALA KELUARGA"), (spouse, "ISTRI") };
        members.AddRange(children.Select(c => (c, "ANAK")));
        var slot = rng.Next(members.Count);
        members[slot] = (person, person.Sex == 'F' && slot == 1 ? "ISTRI" : slot == 0 ? "KEPALA KELUARGA" : person.Sex == 'M' && slot == 1 ? "SUAMI" : "ANAK");
        var printedPerson = Alter(person, altered, rng);
        members[slot] = (printedPerson, members[slot].Relation);
        var rows = members.Select(m => new[]
        {
            m.P.Name, m.P.Nik, SexWord(m.P.Sex), m.P.BirthPlace, SyntheticPeople.DashDate(m.P.BirthDate), m.P.Religion, m.Relation,
        }).ToList();
        var issued = new DateOnly(2010, 1, 1).AddDays(rng.Next(0, 365 * 14));
        var number = person.ProvinceCode + region + issued.ToString("ddMMyy", CultureInfo.InvariantCulture) + rng.Next(1, 10000).ToString("0000", CultureInfo.InvariantCulture);
        var header = new List<(string, string)>
        {
            ("Nama Kepala Keluarga", members[0].P.Name), ("Alamat", $"{Streets[rng.Next(Streets.Length)]} NO. {rng.Next(1, 120)}"),
            ("RT/RW", $"{rng.Next(1, 20):000}/{rng.Next(1, 15):000}"), ("Desa/Kelurahan", Villages[rng.Next(Villages.Length)]),
            ("Kecamatan", Districts[rng.Next(Districts.Length)]), ("Kabupaten/Kota", Districts[rng.Next(Districts.Length)]),
            ("Kode Pos", rng.Next(10000, 99999).ToString(CultureInfo.InvariantCulture)), ("Provinsi", person.Province),
        };
        var dpi = (float)scan.Dpi;
        var jpeg = render ? ScanOf(SyntheticPaperLayouts.Kk(number, header, rows, SyntheticPeople.DashDate(issued), dpi), dpi, scan, rng) : [];
        var fields = new Dictionary<string, string>
        {
            ["No. KK"] = number, ["Kepala Keluarga"] = members[0].P.Name, ["NIK"] = printedPerson.Nik, ["Nama Lengkap"] = printedPerson.Name,
            ["Jenis Kelamin"] = SexWord(printedPerson.Sex), ["Tempat Lahir"] = printedPerson.BirthPlace, ["Tanggal Lahir"] = SyntheticPeople.DashDate(printedPerson.BirthDate),
        };
        return new SyntheticPaper(DocumentKind.Kk, jpeg, scan, fields, CaseOf(person), altered, rows);
    }

    /// <summary>
    /// Writes <paramref name="count"/> papers of each of <paramref name="kinds"/> to <paramref name="folder"/>
    /// (<c>{kind}_NNN_{dpi}dpi.jpg</c>, altered ones <c>..._altered.jpg</c>) and a <c>ground_truth.json</c> with groups <c>ktp_set</c>,
    /// <c>splp_set</c>, <c>kk_set</c>: per entry <c>file</c>, the scan settings, <c>fields</c> as printed, <c>case</c> (the person the
    /// case declares), <c>altered</c> and, for a KK, <c>members</c>. Every 4th paper is altered. With <paramref name="truthOnly"/>, the ground truth only (no scan rendered; an earlier run's scans of the
    /// same seed are the same papers).
    /// </summary>
    /// <returns>The ground truth file's path.</returns>
    public static string WriteSet(string folder, IReadOnlyList<DocumentKind> kinds, int count, int seed, bool truthOnly = false)
    {
        Directory.CreateDirectory(folder);
        var groups = new Dictionary<string, object> { ["_note"] = $"All data fictional (SPESIMEN), generated by 'pulang synth-papers' with seed {seed}. 'fields' is what is printed; 'case' is the person the case declares." };
        foreach (var kind in kinds)
        {
            var route = kind.ToRoute();
            var entries = new List<object>();
            for (var i = 0; i < count; i++)
            {
                var p = Generate(kind, i, seed, alter: i % 4 == 3, render: !truthOnly);
                var file = $"{route}_{i:000}_{p.Scan.Dpi}dpi{(p.Altered is null ? "" : "_altered")}.jpg";
                if (!truthOnly) File.WriteAllBytes(Path.Combine(folder, file), p.Jpeg);
                entries.Add(new Dictionary<string, object?>
                {
                    ["file"] = file, ["dpi"] = p.Scan.Dpi, ["rotation_deg"] = p.Scan.RotationDegrees, ["blur_px"] = p.Scan.Blur,
                    ["noise_sigma"] = p.Scan.NoiseSigma, ["jpeg_q"] = p.Scan.JpegQuality, ["fields"] = p.Fields, ["case"] = p.Case,
                    ["altered"] = p.Altered, ["members"] = p.Members,
                });
            }
            groups[route + "_set"] = entries;
        }
        var truth = Path.Combine(folder, "ground_truth.json");
        File.WriteAllText(truth, JsonSerializer.Serialize(groups, new JsonSerializerOptions { WriteIndented = true }));
        return truth;
    }
}
