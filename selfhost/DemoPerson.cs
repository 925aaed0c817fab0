using System.Globalization;
using SkiaSharp;

namespace Pulang.SelfHost;

/// <summary>
/// A made-up person with the three scans a case needs (passport, KTP, assessment form), all marked SPESIMEN and generated:
/// the passport by <see cref="SyntheticPassports.Generate"/> (name, sex, birth date and number from its seed), the KTP and the
/// assessment form rendered here as clean 300 dpi PNG pages (DejaVu Sans) with the labels <see cref="Workflows.Documents.DocumentReader"/>
/// reads. The NIK agrees with the birth date and sex (women: day + 40) in Kabupaten Malang's region code. Never real data.
/// </summary>
/// <param name="FullName">Full name as on the passport, e.g. <c>DEWI LESTARI SAPUTRA</c>.</param>
/// <param name="Sex"><c>F</c> or <c>M</c>.</param>
/// <param name="BirthDate">Birth date.</param>
/// <param name="BirthPlace">Birth place (upper case).</param>
/// <param name="Nik">16-digit NIK.</param>
/// <param name="Passport">The generated passport scan (JPEG).</param>
/// <param name="Ktp">The KTP page (PNG).</param>
/// <param name="AssessmentForm">The assessment form page (PNG).</param>
public sealed record DemoPerson(string FullName, string Sex, DateOnly BirthDate, string BirthPlace, string Nik, byte[] Passport, byte[] Ktp, byte[] AssessmentForm)
{
    const float Dpi = 300;
    static float Mm(double mm) => (float)(mm / 25.4 * Dpi);

    /// <summary>
    /// Generates the person of passport <paramref name="index"/> in the set of <paramref name="seed"/> (clean MRZ), with
    /// <paramref name="assessmentDate"/> on the form.
    /// </summary>
    /// <exception cref="Workflows.Ocr.OcrException">The OCR-B font for the passport's MRZ is missing (<c>fonts-ocr-b</c>).</exception>
    public static DemoPerson Generate(int index, int seed, DateOnly assessmentDate)
    {
        var passport = SyntheticPassports.Generate(index, seed, corrupt: false);
        var f = passport.Fields;
        var female = f["Sex"].EndsWith('F');
        var birth = DateOnly.ParseExact(f["Date of Birth"], "dd MMM yyyy", CultureInfo.InvariantCulture);
        var nik = $"350712{birth.Day + (female ? 40 : 0):00}{birth:MM}{birth:yy}{(index % 9000) + 1000:0000}";
        var name = f["Full Name"];
        var place = f["Place of Birth"];
        var born = $"{place}, {birth:dd-MM-yyyy}";
        var sexWord = female ? "PEREMPUAN" : "LAKI-LAKI";

        var ktp = Page(86, 54, 7.5,
        [
            ("PROVINSI JAWA TIMUR", null),
            ("KABUPATEN MALANG", null),
            ("NIK", nik),
            ("Nama", name),
            ("Tempat/Tgl Lahir", born),
            ("Jenis Kelamin", sexWord),
            ("Alamat", "JL. KENANGA NO. 8"),
            ("Kewarganegaraan", "WNI"),
            ("SPESIMEN - DATA FIKTIF", null),
        ]);
        var form = Page(148, 150, 10,
        [
            ("FORMULIR ASESMEN SOSIAL", null),
            ("Sentra Terpadu (demo)", null),
            ("No. Reg", $"ASM/{assessmentDate:yyyy}/{index + 500:0000}"),
            ("Tanggal Asesmen", assessmentDate.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture)),
            ("Nama Lengkap", name),
            ("NIK", nik),
            ("Tempat/Tgl Lahir", born),
            ("Jenis Kelamin", female ? "Perempuan" : "Laki-laki"),
            ("Petugas", "RATNA KUSUMA"),
            ("SPESIMEN - DATA FIKTIF", null),
        ]);
        return new DemoPerson(name, female ? "F" : "M", birth, place, nik, passport.Jpeg, ktp, form);
    }

    /// <summary>A white page of <paramref name="widthMm"/> x <paramref name="heightMm"/> with one "label : value" (or title) per line.</summary>
    static byte[] Page(double widthMm, double heightMm, double pt, (string Label, string? Value)[] lines)
    {
        using var bmp = new SKBitmap(new SKImageInfo((int)Mm(widthMm), (int)Mm(heightMm), SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bmp))
        {
            canvas.Clear(SKColors.White);
            using var sans = SKTypeface.FromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") ?? SKTypeface.Default;
            using var bold = SKTypeface.FromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf") ?? SKTypeface.Default;
            using var ink = new SKPaint { Color = new SKColor(20, 20, 25), IsAntialias = true };
            using var font = new SKFont(sans, (float)(pt / 72 * Dpi));
            using var title = new SKFont(bold, (float)(pt / 72 * Dpi));
            var lineHeight = pt * 0.3528 * 1.9; // points to mm, with leading
            var labelWidth = lines.Where(l => l.Value is not null).Max(l => font.MeasureText(l.Label)) + Mm(3);
            var y = 4 + pt * 0.3528;
            foreach (var (label, value) in lines)
            {
                if (value is null)
                {
                    canvas.DrawText(label, Mm(4), Mm(y), SKTextAlign.Left, title, ink);
                }
                else
                {
                    canvas.DrawText(label, Mm(4), Mm(y), SKTextAlign.Left, font, ink);
                    canvas.DrawText(": " + value, Mm(4) + labelWidth, Mm(y), SKTextAlign.Left, font, ink);
                }

                y += lineHeight;
            }
        }

        using var image = SKImage.FromBitmap(bmp);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
