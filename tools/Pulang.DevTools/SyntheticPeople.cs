using System.Globalization;
using Pulang.Workflows.Documents;

namespace Pulang.DevTools;

/// <summary>A fictional Indonesian resident for generated identity papers (never a real person).</summary>
/// <param name="Nik">16 digits: province · regency · district · DDMMYY (DD+40 for women) · serial.</param>
/// <param name="Name">2-4 words, upper case.</param>
/// <param name="Sex">'F' or 'M'.</param>
/// <param name="BirthDate">Date of birth.</param>
/// <param name="BirthPlace">Place of birth, upper case.</param>
/// <param name="ProvinceCode">Kemendagri province code (<see cref="Nik.ProvinceCodes"/>).</param>
/// <param name="Province">Province name, upper case.</param>
/// <param name="Religion">One of the KTP's religions.</param>
/// <param name="Occupation">Occupation as printed.</param>
public sealed record SyntheticPerson(string Nik, string Name, char Sex, DateOnly BirthDate, string BirthPlace, string ProvinceCode, string Province,
    string Religion, string Occupation);

/// <summary>
/// Makes fictional people for <see cref="SyntheticIdentityPapers"/>: names from common Indonesian given names and surnames
/// (2-4 words), every Kemendagri province code in turn, both sexes, birth dates 1965-2004, NIKs consistent with them.
/// Deterministic for a <see cref="Random"/>.
/// </summary>
public static class SyntheticPeople
{
    /// <summary>Province code → name (Kemendagri codes, the Papua provinces of 2022 included).</summary>
    public static readonly IReadOnlyDictionary<string, string> Provinces = new Dictionary<string, string>
    {
        ["11"] = "ACEH", ["12"] = "SUMATERA UTARA", ["13"] = "SUMATERA BARAT", ["14"] = "RIAU", ["15"] = "JAMBI", ["16"] = "SUMATERA SELATAN",
        ["17"] = "BENGKULU", ["18"] = "LAMPUNG", ["19"] = "KEPULAUAN BANGKA BELITUNG", ["21"] = "KEPULAUAN RIAU", ["31"] = "DKI JAKARTA",
        ["32"] = "JAWA BARAT", ["33"] = "JAWA TENGAH", ["34"] = "DI YOGYAKARTA", ["35"] = "JAWA TIMUR", ["36"] = "BANTEN", ["51"] = "BALI",
        ["52"] = "NUSA TENGGARA BARAT", ["53"] = "NUSA TENGGARA TIMUR", ["61"] = "KALIMANTAN BARAT", ["62"] = "KALIMANTAN TENGAH",
        ["63"] = "KALIMANTAN SELATAN", ["64"] = "KALIMANTAN TIMUR", ["65"] = "KALIMANTAN UTARA", ["71"] = "SULAWESI UTARA",
        ["72"] = "SULAWESI TENGAH", ["73"] = "SULAWESI SELATAN", ["74"] = "SULAWESI TENGGARA", ["75"] = "GORONTALO", ["76"] = "SULAWESI BARAT",
        ["81"] = "MALUKU", ["82"] = "MALUKU UTARA", ["91"] = "PAPUA", ["92"] = "PAPUA BARAT", ["93"] = "PAPUA SELATAN", ["94"] = "PAPUA TENGAH",
        ["95"] = "PAPUA PEGUNUNGAN", ["96"] = "PAPUA BARAT DAYA",
    };

    static readonly string[] Female =
    [
        "SRI", "DEWI", "SITI", "NUR", "AYU", "RINA", "WATI", "PUTRI", "INDAH", "LESTARI", "FITRI", "YULI", "ENDANG", "RATNA", "WULAN",
        "MAYA", "KARTIKA", "NOVI", "QORI", "VINA", "OKTA", "HAJAR", "JUWITA", "UMI", "NINGSIH", "ROSITA", "ANISA", "SUSI", "TUTI", "ERNA",
    ];
    static readonly string[] Male =
    [
        "AGUS", "BUDI", "JOKO", "EKO", "ADI", "RUDI", "HENDRA", "YUDI", "BAMBANG", "DWI", "TRI", "RIZKY", "FAJAR", "IMAM", "ZAINAL",
        "MUHAMMAD", "AHMAD", "ABDUL", "DEDI", "HERU", "SIGIT", "YOHANES", "PETRUS", "ARIF", "GALIH", "ILHAM", "SLAMET", "TEGUH",
    ];
    // A family or father's name that fits the person's sex (see Surname): the pool is drawn from as before (same draws per
    // seed), then a woman's name drawn for a man, or a man's for a woman, is swapped for one that fits.
    static readonly HashSet<string> FemaleOnly = ["WULANDARI", "RAHAYU", "NINGSIH", "SUSANTI", "HANDAYANI", "HASANAH", "YULIANTI", "QOMARIAH"];
    static readonly HashSet<string> MaleOnly = ["SAPUTRA", "HIDAYAT", "KURNIAWAN", "SETIAWAN", "PRATAMA", "SANTOSO", "NUGROHO", "GUNAWAN", "MAULANA", "FIRMANSYAH", "ZULKARNAEN"];
    static readonly string[] Surnames =
    [
        "WULANDARI", "RAHAYU", "SAPUTRA", "HIDAYAT", "KURNIAWAN", "SETIAWAN", "PRATAMA", "NINGSIH", "SUSANTI", "HANDAYANI", "PURNAMA",
        "WIJAYA", "SANTOSO", "NUGROHO", "GUNAWAN", "HASANAH", "MAULANA", "FIRMANSYAH", "YULIANTI", "KUSUMA", "QOMARIAH", "ZULKARNAEN",
        "SIREGAR", "NASUTION", "LUBIS", "SIMANJUNTAK", "MANURUNG", "PANJAITAN", "TAMBUNAN", "LATUPEIRISSA", "WENDA", "MANDAGI",
    ];
    static readonly string[] Places =
    [
        "MALANG", "CILACAP", "INDRAMAYU", "LOMBOK TIMUR", "CIREBON", "BLITAR", "KENDAL", "SUMBAWA", "KUPANG", "JEMBER", "MEDAN", "PADANG",
        "PALEMBANG", "PONTIANAK", "MAKASSAR", "MANADO", "AMBON", "JAYAPURA", "DENPASAR", "BANYUWANGI", "TULUNGAGUNG", "SAMBAS",
    ];
    /// <summary>The religions printed on a KTP.</summary>
    public static readonly string[] Religions = ["ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA", "KONGHUCU"];
    static readonly string[] Occupations = ["KARYAWAN SWASTA", "MENGURUS RUMAH TANGGA", "PETANI/PEKEBUN", "WIRASWASTA", "BURUH HARIAN LEPAS", "PELAJAR/MAHASISWA"];

    /// <summary>
    /// A person for <paramref name="index"/>: province <c>index</c>-th in code order (so a set of 38 or more has every province),
    /// sex, name, birth date, regency/district/serial from <paramref name="rng"/>.
    /// </summary>
    public static SyntheticPerson Make(Random rng, int index, char? sex = null, string? surname = null, string? provinceCode = null,
        string? regencyDistrict = null)
    {
        var codes = Nik.ProvinceCodes.Order(StringComparer.Ordinal).ToArray();
        var province = provinceCode ?? codes[index % codes.Length];
        var s = sex ?? (rng.Next(2) == 0 ? 'F' : 'M');
        var pool = s == 'F' ? Female : Male;
        var words = rng.Next(2, 5);
        var given = new List<string>();
        foreach (var draw in Enumerable.Range(0, words - 1).Select(_ => rng.Next(pool.Length)))
        {
            // Never the same given name twice ("SRI SRI"): the next one in the pool instead.
            var next = Enumerable.Range(0, pool.Length).Select(i => pool[(draw + i) % pool.Length]).First(n => !given.Contains(n));
            given.Add(next);
        }

        var name = string.Join(' ', given.Append(Surname(surname ?? Surnames[rng.Next(Surnames.Length)], s)));
        var birth = new DateOnly(1965, 1, 1).AddDays(rng.Next(0, 365 * 40));
        var region = regencyDistrict ?? $"{rng.Next(1, 80):00}{rng.Next(1, 41):00}";
        var day = birth.Day + (s == 'F' ? 40 : 0);
        var nik = province + region + $"{day:00}{birth.Month:00}{birth.Year % 100:00}" + $"{rng.Next(1, 10000):0000}";
        return new SyntheticPerson(nik, name, s, birth, Places[rng.Next(Places.Length)], province, Provinces[province],
            Religions[rng.Next(Religions.Length)], Occupations[rng.Next(Occupations.Length)]);
    }

    /// <summary><paramref name="surname"/> when it fits a person of <paramref name="sex"/>, else a neutral clan or family name for it.</summary>
    static string Surname(string surname, char sex)
    {
        var misfit = sex == 'F' ? MaleOnly.Contains(surname) : FemaleOnly.Contains(surname);
        if (!misfit)
        {
            return surname;
        }

        var neutral = Surnames.Where(n => !FemaleOnly.Contains(n) && !MaleOnly.Contains(n)).ToArray();
        return neutral[surname.Sum(c => c) % neutral.Length]; // deterministic: the same person on every paper
    }

    /// <summary>dd-MM-yyyy, as a KTP prints dates.</summary>
    public static string DashDate(DateOnly d) => d.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture);

    static readonly string[] MonthsId = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];

    /// <summary>"14 Agustus 1992", as an SPLP prints dates.</summary>
    public static string LongDate(DateOnly d) => $"{d.Day} {MonthsId[d.Month - 1]} {d.Year}";
}
