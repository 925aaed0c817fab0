using System.Globalization;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Ocr;
using SkiaSharp;

namespace Pulang.Bench;

/// <summary>A fictional person of the benchmark batch (all data made up).</summary>
/// <param name="Index">Position in the batch.</param>
/// <param name="FullName">Upper-case full name.</param>
/// <param name="Sex">'F' or 'M'.</param>
/// <param name="BirthDate">Date of birth.</param>
/// <param name="Nik">16-digit NIK consistent with birth date and sex.</param>
/// <param name="PassportNumber">Passport number (8 characters).</param>
/// <param name="BirthPlace">Place of birth.</param>
public sealed record FictionalPerson(int Index, string FullName, char Sex, DateOnly BirthDate, string Nik, string PassportNumber, string BirthPlace);

/// <summary>One generated scan: the document kind (route name), the PNG file, and the text embedded in it.</summary>
public sealed record GeneratedScan(string Kind, string File, string Text);

/// <summary>A generated case: the person and their four scans.</summary>
public sealed record GeneratedCase(FictionalPerson Person, IReadOnlyList<GeneratedScan> Scans);

/// <summary>
/// Renders the batch's scans with SkiaSharp: clean, small, single-column PNG pages (DejaVu Sans, the MRZ in OCR-B, about 28 px text) that
/// Tesseract reads exactly, with the same text also embedded in the PNG (<see cref="EmbeddedTextOcrEngine"/>) for the engine
/// benchmark. Per person: a passport data page (even index, with a valid ICAO 9303 TD3 MRZ) or an SPLP (odd index), a KTP, an
/// asesmen form and a health screening page. Deterministic (seeded). Fictional data only.
/// </summary>
public static class ScanGenerator
{
    static readonly string[] Given = ["SRI", "DEWI", "SITI", "RINA", "AYU", "WULAN", "PUTRI", "INDAH", "BUDI", "AGUS", "EKO", "JOKO", "RUDI", "HENDRA", "DIAN", "FITRI"];
    static readonly string[] Middle = ["RAHAYU", "LESTARI", "KURNIA", "PERMATA", "SANTOSO", "WIJAYA", "SAPUTRA", "HARTONO", "MULYANI", "PRATAMA"];
    static readonly string[] Family = ["WULANDARI", "SETIAWAN", "NUGROHO", "HIDAYAT", "KUSUMA", "PURNAMA", "SUSANTI", "HANDAYANI", "RAHMAN", "SUBAGYO", "MARLINA", "FIRMANSYAH"];
    static readonly (string Code, string Place)[] Regions = [("350712", "MALANG"), ("330101", "CILACAP"), ("320201", "SUKABUMI"), ("520101", "MATARAM"), ("350901", "JEMBER"), ("330201", "BANYUMAS")];
    static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    /// <summary>The batch's fictional people.</summary>
    public static IReadOnlyList<FictionalPerson> People(int count, int seed = 457)
    {
        var random = new Random(seed);
        var people = new List<FictionalPerson>();
        for (var i = 0; i < count; i++)
        {
            var sex = random.Next(3) == 0 ? 'M' : 'F';
            var name = $"{Given[random.Next(Given.Length)]} {Middle[random.Next(Middle.Length)]} {Family[random.Next(Family.Length)]}";
            var birth = new DateOnly(1975 + random.Next(25), 1 + random.Next(12), 1 + random.Next(28));
            var (code, place) = Regions[random.Next(Regions.Length)];
            var day = birth.Day + (sex == 'F' ? 40 : 0);
            var nik = $"{code}{day:00}{birth.Month:00}{birth.Year % 100:00}{1 + random.Next(9998):0000}";
            var passport = $"{(char)('A' + random.Next(3))}{random.Next(1000000, 9999999)}";
            people.Add(new FictionalPerson(i, name, sex, birth, nik, passport, place));
        }

        return people;
    }

    /// <summary>Generates every person's four scans into <paramref name="folder"/>.</summary>
    public static IReadOnlyList<GeneratedCase> Generate(IReadOnlyList<FictionalPerson> people, string folder)
    {
        Directory.CreateDirectory(folder);
        var cases = new GeneratedCase[people.Count];
        Parallel.For(0, people.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var p = people[i];
            var pages = new List<(string Kind, string[] Lines, int Mono)>
            {
                i % 2 == 0 ? ("passport", Passport(p), 2) : ("splp", Splp(p), 0),
                ("ktp", Ktp(p), 0),
                ("assessment-form", Assessment(p), 0),
                ("health-screening", Health(p), 0),
            };
            cases[i] = new GeneratedCase(p, [.. pages.Select(page =>
            {
                var file = Path.Combine(folder, $"case{i:000}-{page.Kind}.png");
                var text = string.Join('\n', page.Lines);
                File.WriteAllBytes(file, EmbeddedTextOcrEngine.Embed(Render(page.Lines, page.Mono), text));
                return new GeneratedScan(page.Kind, file, text);
            })]);
        });
        return cases;
    }

    static string Date(DateOnly d) => d.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture);

    static string SexWord(char sex) => sex == 'F' ? "PEREMPUAN" : "LAKI-LAKI";

    static string[] Ktp(FictionalPerson p) =>
    [
        "PROVINSI JAWA TIMUR",
        $"NIK : {p.Nik}",
        $"Nama : {p.FullName}",
        $"Tempat/Tgl Lahir : {p.BirthPlace}, {Date(p.BirthDate)}",
        $"Jenis Kelamin : {SexWord(p.Sex)}",
        "Alamat : JL. MAWAR NO. 17",
        "Kewarganegaraan : WNI",
    ];

    static string[] Splp(FictionalPerson p) =>
    [
        "SURAT PERJALANAN LAKSANA PASPOR",
        $"Nomor : KL-SPLP/{p.Index + 100:0000}/IX/2025",
        $"Nama Lengkap : {p.FullName}",
        $"Jenis Kelamin : {SexWord(p.Sex)}",
        $"Tempat/Tanggal Lahir : {p.BirthPlace}, {Date(p.BirthDate)}",
        $"NIK : {p.Nik}",
        $"Nomor Paspor Terakhir : {p.PassportNumber}",
    ];

    static string[] Assessment(FictionalPerson p) =>
    [
        "FORMULIR ASESMEN SOSIAL",
        $"No. Reg : ASM/2025/{p.Index + 100:0000}",
        "Tanggal Asesmen : 03-10-2025",
        $"Nama Lengkap : {p.FullName}",
        $"NIK : {p.Nik}",
        $"Tempat/Tgl Lahir : {p.BirthPlace}, {Date(p.BirthDate)}",
        $"Jenis Kelamin : {SexWord(p.Sex)}",
        "Petugas : DEWI ANGGRAINI",
    ];

    static string[] Health(FictionalPerson p) =>
    [
        "HASIL PEMERIKSAAN KESEHATAN",
        $"Nama : {p.FullName}",
        "Tekanan darah : 120/80",
        "Hasil : SEHAT, tidak ada penyakit menular",
    ];

    /// <summary>A passport data page: the visual zone, then the two MRZ lines (last two lines, OCR-B).</summary>
    static string[] Passport(FictionalPerson p)
    {
        var words = p.FullName.Split(' ');
        var surname = words[^1];
        var given = string.Join('<', words[..^1]);
        var expiry = new DateOnly(2031, 3, 3);
        var line1 = $"P<IDN{surname}<<{given}".PadRight(44, '<');
        var number = p.PassportNumber.PadRight(9, '<');
        string Yymmdd(DateOnly d) => d.ToString("yyMMdd", CultureInfo.InvariantCulture);
        var n = number + Mrz.CheckDigit(number);
        var b = Yymmdd(p.BirthDate) + Mrz.CheckDigit(Yymmdd(p.BirthDate));
        var e = Yymmdd(expiry) + Mrz.CheckDigit(Yymmdd(expiry));
        var personal = new string('<', 14) + "<";
        var composite = Mrz.CheckDigit(n + b + e + personal);
        var line2 = $"{n}IDN{b}{p.Sex}{e}{personal}{composite}";
        return
        [
            "REPUBLIK INDONESIA PASPOR",
            $"Passport No. {p.PassportNumber}",
            $"Name {p.FullName}",
            "Nationality INDONESIA",
            $"Date of Birth {p.BirthDate.Day:00} {Months[p.BirthDate.Month - 1]} {p.BirthDate.Year}",
            $"Sex {p.Sex}",
            line1,
            line2,
        ];
    }

    static SKTypeface? sans, mono;

    /// <summary>Black text on white, one line per entry; the last <paramref name="monoLines"/> lines (the MRZ) in OCR-B.</summary>
    static byte[] Render(string[] lines, int monoLines)
    {
        sans ??= SKTypeface.FromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") ?? SKTypeface.Default;
        // The MRZ in OCR-B, as on real passports (ICAO 9303-3 §4.2); the cell reader matches against this font.
        mono ??= SKTypeface.FromFile(Pulang.Workflows.Ocr.OcrBFont.Locate()) ?? SKTypeface.Default;
        const float size = 28, lineHeight = 46, margin = 40;
        using var sansFont = new SKFont(sans, size);
        using var monoFont = new SKFont(mono, size);
        var width = (int)Math.Ceiling(lines.Select((l, i) => (i >= lines.Length - monoLines ? monoFont : sansFont).MeasureText(l)).Max() + 2 * margin);
        var height = (int)(lines.Length * lineHeight + 2 * margin);
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            for (var i = 0; i < lines.Length; i++)
            {
                var font = i >= lines.Length - monoLines ? monoFont : sansFont;
                canvas.DrawText(lines[i], margin, margin + (i + 1) * lineHeight - 12, SKTextAlign.Left, font, paint);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
