using System.Globalization;
using System.Text.Json;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Ocr;
using SkiaSharp;

namespace Pulang.SelfHost;

/// <summary>One generated fictional passport scan.</summary>
/// <param name="Jpeg">The scan, JPEG bytes.</param>
/// <param name="Mrz">The two MRZ lines exactly as printed on the image (for a corrupted page: with the changed character).</param>
/// <param name="TrueMrz">The two MRZ lines as issued (valid check digits); equal to <paramref name="Mrz"/> unless corrupted.</param>
/// <param name="CorruptedPosition">The 0-based position in line 2 that was changed in the image, or null.</param>
/// <param name="Dpi">Scan resolution, 200 or 300.</param>
/// <param name="RotationDegrees">Rotation of the page on the scanner bed, -2..2 degrees.</param>
/// <param name="NoiseSigma">Gaussian-like noise, grey levels.</param>
/// <param name="JpegQuality">JPEG quality 60-85.</param>
/// <param name="Fields">The visual zone's printed fields (labels as in <c>shared/samples/ground_truth.json</c>).</param>
public sealed record SyntheticPassport(byte[] Jpeg, string[] Mrz, string[] TrueMrz, int? CorruptedPosition, int Dpi, double RotationDegrees,
    double NoiseSigma, int JpegQuality, IReadOnlyDictionary<string, string> Fields);

/// <summary>A deliberate change to one MRZ cell of a generated page (<see cref="SyntheticPassports.Generate"/>).</summary>
/// <param name="Line">0-based MRZ line.</param>
/// <param name="Position">0-based position in the line.</param>
/// <param name="Glyph">The OCR-B character drawn.</param>
/// <param name="Overprint">False: <paramref name="Glyph"/> is printed instead of the issued character (the page's <c>Mrz</c> shows it);
/// true: it is printed over the issued character, both visible (a print fault, a smudge, a clumsy alteration; <c>Mrz</c> unchanged).</param>
public sealed record MrzAlteration(int Line, int Position, char Glyph, bool Overprint = false);

/// <summary>
/// Renders fictional Indonesian passport data pages (ICAO 9303 TD3; names made up from common given names and surnames, numbers
/// random, every page marked SPESIMEN) and "scans" them: 200 or 300 dpi, rotation up to 2 degrees, blur, uneven light, noise, dust,
/// JPEG quality 60-85. The MRZ is set in OCR-B (<see cref="OcrBFont"/>) on the 2.54 mm pitch of ICAO 9303 Part 3; the visual zone in
/// DejaVu Sans. Deterministic for a seed. For development and tests of the MRZ reader; never real people's data.
/// </summary>
public static class SyntheticPassports
{
    // Names as Indonesians carry them: given names of the person's sex (never one twice), and a family or father's name that
    // fits too: WULANDARI or NINGSIH only after a woman's names, SAPUTRA or HIDAYAT only after a man's; clan and neutral
    // names (SIREGAR, WIJAYA...) after either. The draws from the random source are the same count as before, so a seed still
    // gives the same sex, numbers and dates.
    static readonly string[] FemaleGiven =
    [
        "SRI", "DEWI", "SITI", "NUR", "AYU", "RINA", "WATI", "PUTRI", "INDAH", "LESTARI", "FITRI", "YULI", "ENDANG", "RATNA", "WULAN",
        "MAYA", "KARTIKA", "NOVI", "QORI", "VINA", "XENA", "OKTA", "HAJAR", "JUWITA", "UMI",
    ];
    static readonly string[] MaleGiven =
    [
        "AGUS", "BUDI", "JOKO", "EKO", "ADI", "RUDI", "HENDRA", "YUDI", "BAMBANG", "DWI", "TRI", "RIZKY", "FAJAR", "IMAM", "ZAINAL",
        "ARIF", "GALIH", "ILHAM", "SLAMET", "TEGUH", "YOHANES", "PETRUS", "AHMAD", "ABDUL", "MUHAMMAD",
    ];
    static readonly string[] FemaleSurnames = ["WULANDARI", "RAHAYU", "NINGSIH", "SUSANTI", "HANDAYANI", "HASANAH", "YULIANTI", "QOMARIAH", "PURNAMA", "WIJAYA", "KUSUMA"];
    static readonly string[] MaleSurnames = ["SAPUTRA", "HIDAYAT", "KURNIAWAN", "SETIAWAN", "PRATAMA", "SANTOSO", "NUGROHO", "GUNAWAN", "MAULANA", "FIRMANSYAH", "ZULKARNAEN"];
    const int NameDraw = 40; // the old pools' sizes, kept for the random draws
    const int SurnameDraw = 22;

    static string GivenName(bool female, int draw, string? after = null)
    {
        var pool = female ? FemaleGiven : MaleGiven;
        var name = pool[draw % pool.Length];
        return name == after ? pool[(draw + 1) % pool.Length] : name;
    }

    static readonly string[] Places = ["MALANG", "CILACAP", "INDRAMAYU", "LOMBOK TIMUR", "CIREBON", "BLITAR", "KENDAL", "SUMBAWA", "KUPANG", "JEMBER"];
    static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    const string Alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // Line 2 positions covered by a check digit (document number, birth date, expiry date, optional data, their check digits, composite).
    static readonly int[] CheckedPositions = [.. Enumerable.Range(0, 10), .. Enumerable.Range(13, 7), .. Enumerable.Range(21, 23)];

    /// <summary>
    /// Generates page <paramref name="index"/> of the set for <paramref name="seed"/>. When <paramref name="corrupt"/>, one character of
    /// MRZ line 2 covered by a check digit is printed differently (another OCR-B character, never one the 7-3-1 check digit cannot
    /// see: a value differing by a multiple of 10), as a forger or a print fault would.
    /// </summary>
    /// <param name="index">Page number in the set (0-based).</param>
    /// <param name="seed">Seed of the set.</param>
    /// <param name="corrupt">Change one MRZ character in the image.</param>
    /// <param name="fontPath">OCR-B font; null: <see cref="OcrBFont.Locate"/>.</param>
    /// <param name="alteration">A chosen change to one MRZ cell instead of <paramref name="corrupt"/>'s random one (tests); null: none.</param>
    /// <exception cref="OcrException">The OCR-B font is missing.</exception>
    public static SyntheticPassport Generate(int index, int seed, bool corrupt, string? fontPath = null, MrzAlteration? alteration = null)
    {
        // Not HashCode.Combine: its seed is random per process, so the "same" set differed from run to run.
        var rng = new Random(unchecked((seed * 1_000_003) ^ (index * 7_919) ^ 0x5EED));
        var female = rng.Next(2) == 0;
        var surnames = female ? FemaleSurnames : MaleSurnames;
        var surname = surnames[rng.Next(SurnameDraw) % surnames.Length];
        var first = rng.Next(5) == 0 ? null : GivenName(female, rng.Next(NameDraw));
        var given = first is null ? "" : first + (rng.Next(2) == 0 ? " " + GivenName(female, rng.Next(NameDraw), first) : "");
        var number = (char)('A' + rng.Next(26)) + rng.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture);
        var birth = new DateOnly(1965, 1, 1).AddDays(rng.Next(0, 365 * 40));
        var issue = new DateOnly(2018, 1, 1).AddDays(rng.Next(0, 365 * 8));
        var expiry = issue.AddYears(10);
        var personal = rng.Next(4) == 0 ? rng.Next(100000, 999999).ToString(CultureInfo.InvariantCulture) + (char)('A' + rng.Next(26)) : "";
        string Yymmdd(DateOnly d) => d.ToString("yyMMdd", CultureInfo.InvariantCulture);

        var names = (surname + "<<" + given.Replace(' ', '<')).TrimEnd('<');
        var line1 = ("P<IDN" + names).PadRight(44, '<')[..44];
        var docField = number.PadRight(9, '<');
        var optional = personal.PadRight(14, '<');
        var optionalCd = personal.Length == 0 ? '<' : (char)('0' + Mrz.CheckDigit(optional));
        var body = docField + Mrz.CheckDigit(docField) + "IDN" + Yymmdd(birth) + Mrz.CheckDigit(Yymmdd(birth)) + (female ? 'F' : 'M')
            + Yymmdd(expiry) + Mrz.CheckDigit(Yymmdd(expiry)) + optional + optionalCd;
        var line2 = body + Mrz.CheckDigit(string.Concat(body.AsSpan(0, 10), body.AsSpan(13, 7), body.AsSpan(21, 22)));
        string[] truth = [line1, line2];

        int? corrupted = null;
        var printed2 = line2;
        if (corrupt)
        {
            var pos = CheckedPositions[rng.Next(CheckedPositions.Length)];
            var digitsOnly = pos is 9 or (>= 13 and <= 19) or (>= 21 and <= 27) or 43 || (pos == 42 && line2[42] != '<');
            var pool = digitsOnly ? "0123456789" : Alnum + "<";
            char replacement;
            do replacement = pool[rng.Next(pool.Length)];
            while (replacement == line2[pos] || (Value(replacement) - Value(line2[pos])) % 10 == 0);
            printed2 = line2[..pos] + replacement + line2[(pos + 1)..];
            corrupted = pos;
        }

        var printed1 = line1;
        if (alteration is { Overprint: false } alter)
        {
            if (alter.Line == 0) printed1 = line1[..alter.Position] + alter.Glyph + line1[(alter.Position + 1)..];
            else printed2 = printed2[..alter.Position] + alter.Glyph + printed2[(alter.Position + 1)..];
            if (alter.Line == 1) corrupted = alter.Position;
        }

        string Date(DateOnly d) => $"{d.Day:00} {Months[d.Month - 1]} {d.Year}";
        var fullName = string.IsNullOrEmpty(given) ? surname : given + " " + surname;
        var fields = new Dictionary<string, string>
        {
            ["Type"] = "P", ["Country Code"] = "IDN", ["Passport No."] = number, ["Full Name"] = fullName, ["Sex"] = female ? "P/F" : "L/M",
            ["Nationality"] = "INDONESIA", ["Date of Birth"] = Date(birth), ["Place of Birth"] = Places[rng.Next(Places.Length)],
            ["Date of Issue"] = Date(issue), ["Date of Expiry"] = Date(expiry),
            ["Reg. No."] = $"{rng.Next(1, 9)}{(char)('A' + rng.Next(26))}{rng.Next(10, 99)}{(char)('A' + rng.Next(26))}{(char)('A' + rng.Next(26))}{rng.Next(1000, 9999)}",
            ["Issuing Office"] = Places[rng.Next(Places.Length)],
        };

        var dpi = rng.Next(2) == 0 ? 200 : 300;
        var rotation = Math.Round(rng.NextDouble() * 4 - 2, 2);
        var noise = Math.Round(2 + rng.NextDouble() * 6, 1);
        var quality = rng.Next(60, 86);
        using var page = Render(printed1, printed2, fields, OcrBFont.Load(OcrBFont.Locate(fontPath)), alteration is { Overprint: true } o ? o : null);
        var jpeg = Scan(page, dpi, rotation, noise, quality, rng);
        return new SyntheticPassport(jpeg, [printed1, printed2], truth, corrupted, dpi, rotation, noise, quality, fields);
    }

    static int Value(char c) => c switch { >= '0' and <= '9' => c - '0', >= 'A' and <= 'Z' => c - 'A' + 10, _ => 0 };

    const float RenderDpi = 600;
    static float Mm(double mm) => (float)(mm / 25.4 * RenderDpi);

    /// <summary>A clean data page, 125 x 88 mm at 600 dpi.</summary>
    static SKBitmap Render(string line1, string line2, IReadOnlyDictionary<string, string> f, SKTypeface ocrb, MrzAlteration? overprint)
    {
        var bmp = new SKBitmap(new SKImageInfo((int)Mm(125), (int)Mm(88), SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bmp);
        canvas.Clear(new SKColor(246, 244, 238));
        using var sans = SKTypeface.FromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") ?? SKTypeface.Default;
        using var bold = SKTypeface.FromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf") ?? SKTypeface.Default;
        using var ink = new SKPaint { Color = new SKColor(25, 25, 30), IsAntialias = true };
        using var grey = new SKPaint { Color = new SKColor(80, 80, 95), IsAntialias = true };
        using var red = new SKPaint { Color = new SKColor(150, 40, 50), IsAntialias = true };
        using var wave = new SKPaint { Color = new SKColor(225, 222, 212), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = Mm(0.15) };
        // Security print: faint waves.
        for (var y = 2.0; y < 88; y += 3.2)
        {
            using var path = new SKPath();
            path.MoveTo(0, Mm(y));
            for (var x = 0.0; x <= 125; x += 2) path.LineTo(Mm(x), Mm(y + 0.6 * Math.Sin(x / 3.0)));
            canvas.DrawPath(path, wave);
        }
        void Text(string s, double x, double y, double pt, SKTypeface face, SKPaint paint)
        {
            using var font = new SKFont(face, (float)(pt / 72 * RenderDpi));
            canvas.DrawText(s, Mm(x), Mm(y), SKTextAlign.Left, font, paint);
        }
        Text("REPUBLIK INDONESIA", 37, 10, 10, bold, ink);
        Text("REPUBLIC OF INDONESIA", 37, 14, 7, sans, grey);
        Text("PASPOR", 98, 10, 10, bold, ink);
        Text("PASSPORT", 98, 14, 7, sans, grey);
        using (var photo = new SKPaint { Color = new SKColor(198, 202, 214) }) canvas.DrawRect(Mm(6), Mm(16), Mm(27), Mm(36), photo);
        Text("SPESIMEN - DATA FIKTIF", 6, 61, 6, sans, red);
        void Field(string label, string value, double x, double y)
        {
            Text(label, x, y, 5.5, sans, grey);
            Text(value, x, y + 3.6, 8.5, bold, ink);
        }
        Field("Jenis / Type", f["Type"], 37, 19);
        Field("Kode Negara / Country Code", f["Country Code"], 55, 19);
        Field("No. Paspor / Passport No.", f["Passport No."], 88, 19);
        Field("Nama Lengkap / Full Name", f["Full Name"], 37, 27);
        Field("Jenis Kelamin / Sex", f["Sex"], 37, 35);
        Field("Kewarganegaraan / Nationality", f["Nationality"], 67, 35);
        Field("Tanggal Lahir / Date of Birth", f["Date of Birth"], 37, 43);
        Field("Tempat Lahir / Place of Birth", f["Place of Birth"], 78, 43);
        Field("Tgl. Pengeluaran / Date of Issue", f["Date of Issue"], 37, 51);
        Field("Tgl. Habis Berlaku / Date of Expiry", f["Date of Expiry"], 78, 51);
        Field("No. Registrasi / Reg. No.", f["Reg. No."], 37, 59);
        Field("Kantor / Issuing Office", f["Issuing Office"], 78, 59);

        // MRZ: OCR-B, 2.54 mm pitch, each character centred in its cell.
        using var mrzFont = new SKFont(ocrb, 100);
        var advance = mrzFont.MeasureText("H");
        mrzFont.Size = 100 * Mm(2.54) / advance;
        for (var li = 0; li < 2; li++)
        {
            var s = li == 0 ? line1 : line2;
            for (var k = 0; k < s.Length; k++)
                canvas.DrawText(s[k].ToString(), Mm(7 + 2.54 * k), Mm(li == 0 ? 75.5 : 82.5), SKTextAlign.Left, mrzFont, ink);
        }
        if (overprint is not null)
            canvas.DrawText(overprint.Glyph.ToString(), Mm(7 + 2.54 * overprint.Position), Mm(overprint.Line == 0 ? 75.5 : 82.5), SKTextAlign.Left, mrzFont, ink);
        return bmp;
    }

    /// <summary>Scans a page: rotate and downsample to <paramref name="dpi"/>, blur slightly, uneven light, noise, dust, JPEG.</summary>
    static byte[] Scan(SKBitmap page, int dpi, double rotation, double noise, int quality, Random rng)
    {
        var scale = dpi / RenderDpi;
        int w = (int)(page.Width * scale) + 40, h = (int)(page.Height * scale) + 40;
        using var scan = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(scan))
        using (var image = SKImage.FromBitmap(page))
        using (var blur = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(0.45f, 0.45f) })
        {
            canvas.Clear(new SKColor(250, 250, 250));
            canvas.Translate(w / 2f, h / 2f);
            canvas.RotateDegrees((float)rotation);
            canvas.Scale(scale);
            canvas.Translate(-page.Width / 2f, -page.Height / 2f);
            canvas.SaveLayer(blur);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKCubicResampler.Mitchell));
            canvas.Restore();
        }
        var px = scan.GetPixelSpan();
        double lx = rng.NextDouble() * w, ly = rng.NextDouble() * h, light = 10 + rng.NextDouble() * 15;
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var i = (y * w + x) * 4;
            var shade = -light * Math.Sqrt((x - lx) * (x - lx) + (y - ly) * (y - ly)) / Math.Sqrt(w * w + h * h);
            var n = (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 2 * noise + shade;
            for (var c = 0; c < 3; c++) px[i + c] = (byte)Math.Clamp(px[i + c] + n, 0, 255);
        }
        using (var canvas = new SKCanvas(scan))
        using (var dust = new SKPaint { Color = new SKColor(60, 60, 60, 200), IsAntialias = true })
            for (var d = rng.Next(5, 25); d > 0; d--)
                canvas.DrawCircle((float)(rng.NextDouble() * w), (float)(rng.NextDouble() * h), (float)(0.5 + rng.NextDouble() * 1.2), dust);
        using var encoded = SKImage.FromBitmap(scan).Encode(SKEncodedImageFormat.Jpeg, quality);
        return encoded.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="count"/> scans to <paramref name="folder"/> (<c>passport_NNN_{dpi}dpi.jpg</c>, corrupted ones
    /// <c>..._corrupt.jpg</c>) and a <c>ground_truth.json</c> in the format of <c>shared/samples/ground_truth.json</c> (<c>mrz_set</c>),
    /// whose <c>mrz</c> is what is printed on the image, so that <c>pulang accuracy</c> can measure the set; corrupted entries also
    /// carry <c>issued_mrz</c> and <c>corrupted_position</c>. Every <paramref name="corruptEvery"/>-th page is corrupted (0: none).
    /// </summary>
    /// <returns>The ground truth file's path.</returns>
    public static string WriteSet(string folder, int count, int seed, int corruptEvery, string? fontPath = null)
    {
        Directory.CreateDirectory(folder);
        var entries = new List<object>();
        for (var i = 0; i < count; i++)
        {
            var corrupt = corruptEvery > 0 && i % corruptEvery == corruptEvery - 1;
            var p = Generate(i, seed, corrupt, fontPath);
            var file = $"passport_{i:000}_{p.Dpi}dpi{(corrupt ? "_corrupt" : "")}.jpg";
            File.WriteAllBytes(Path.Combine(folder, file), p.Jpeg);
            entries.Add(new Dictionary<string, object?>
            {
                ["file"] = file, ["dpi"] = p.Dpi, ["rotation_deg"] = p.RotationDegrees, ["noise_sigma"] = p.NoiseSigma, ["jpeg_q"] = p.JpegQuality,
                ["mrz"] = p.Mrz, ["issued_mrz"] = corrupt ? p.TrueMrz : null, ["corrupted_position"] = p.CorruptedPosition, ["fields"] = p.Fields,
            });
        }
        var truth = Path.Combine(folder, "ground_truth.json");
        File.WriteAllText(truth, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["_note"] = $"All data fictional (SPESIMEN), generated by 'pulang synth-passports' with seed {seed}. 'mrz' is what is printed.",
            ["mrz_set"] = entries,
        }, new JsonSerializerOptions { WriteIndented = true }));
        return truth;
    }
}
