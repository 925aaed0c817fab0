using SkiaSharp;

namespace Pulang.DevTools;

/// <summary>
/// Clean renderings of fictional KTP, SPLP and KK pages (labels and layout as on the real papers, every page marked SPESIMEN),
/// for <see cref="SyntheticIdentityPapers"/>. Fields are given as printed (label → value).
/// </summary>
static class SyntheticPaperLayouts
{
    const string Sans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    const string SansBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    const string Serif = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf";
    const string SerifBold = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf";

    sealed class Pen(SKCanvas canvas, float dpi) : IDisposable
    {
        readonly Dictionary<string, SKTypeface> faces = [];
        public readonly SKPaint Ink = new() { Color = new SKColor(20, 20, 25), IsAntialias = true };
        public readonly SKPaint Red = new() { Color = new SKColor(150, 40, 50), IsAntialias = true };
        public float Mm(double mm) => (float)(mm / 25.4 * dpi);
        SKTypeface Face(string path) => faces.TryGetValue(path, out var f) ? f : faces[path] = SKTypeface.FromFile(path) ?? SKTypeface.Default;
        public void Text(string s, double x, double y, double pt, string face, SKPaint? paint = null, SKTextAlign align = SKTextAlign.Left)
        {
            using var font = new SKFont(Face(face), (float)(pt / 72 * dpi));
            canvas.DrawText(s, Mm(x), Mm(y), align, font, paint ?? Ink);
        }
        public void Dispose()
        {
            foreach (var f in faces.Values) f.Dispose();
            Ink.Dispose();
            Red.Dispose();
        }
    }

    static void Waves(SKCanvas canvas, float dpi, double widthMm, double heightMm, SKColor color)
    {
        using var wave = new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = (float)(0.12 / 25.4 * dpi) };
        for (var y = 2.0; y < heightMm; y += 3.0)
        {
            using var path = new SKPath();
            path.MoveTo(0, (float)(y / 25.4 * dpi));
            for (var x = 0.0; x <= widthMm; x += 1.5) path.LineTo((float)(x / 25.4 * dpi), (float)((y + 0.5 * Math.Sin(x / 2.5)) / 25.4 * dpi));
            canvas.DrawPath(path, wave);
        }
    }

    /// <summary>A KTP (85.6 × 54 mm), at <paramref name="dpi"/>.</summary>
    public static SKBitmap Ktp(IReadOnlyList<(string Label, string Value)> rows, string province, string regency, string nik, string issuePlace, string issueDate, string bloodType, float dpi)
    {
        var bmp = new SKBitmap(new SKImageInfo((int)(85.6 / 25.4 * dpi), (int)(54 / 25.4 * dpi), SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bmp);
        canvas.Clear(new SKColor(214, 232, 246));
        Waves(canvas, dpi, 85.6, 54, new SKColor(196, 214, 232));
        using var pen = new Pen(canvas, dpi);
        pen.Text("PROVINSI " + province, 42.8, 5.6, 7.2, SansBold, align: SKTextAlign.Center);
        pen.Text(regency, 42.8, 9.4, 7.2, SansBold, align: SKTextAlign.Center);
        pen.Text("NIK", 3, 15.6, 8.5, SansBold);
        pen.Text(": " + nik, 21.3, 15.6, 8.5, SansBold);
        var y = 20.8;
        foreach (var (label, value) in rows)
        {
            pen.Text(label, 3, y, 5.6, Sans);
            pen.Text(":", 21.6, y, 5.6, Sans);
            pen.Text(value, 23, y, 5.6, Sans);
            if (label == "Jenis Kelamin") pen.Text("Gol. Darah : " + bloodType, 44.5, y, 5.6, Sans);
            y += 2.93;
        }
        using (var photo = new SKPaint { Color = new SKColor(200, 62, 60) }) canvas.DrawRect(pen.Mm(63), pen.Mm(12), pen.Mm(19), pen.Mm(25), photo);
        pen.Text(issuePlace, 71.5, 40.3, 5, Sans, align: SKTextAlign.Center);
        pen.Text(issueDate, 71.5, 42.9, 5, Sans, align: SKTextAlign.Center);
        pen.Text("SPESIMEN", 71.5, 51.5, 4.5, Sans, pen.Red, SKTextAlign.Center);
        return bmp;
    }

    /// <summary>An SPLP page (A4 portrait), at <paramref name="dpi"/>.</summary>
    public static SKBitmap Splp(string number, IReadOnlyList<(string Label, string Value)> rows, string issuedAt, string issuedOn, string officer, float dpi)
    {
        var bmp = new SKBitmap(new SKImageInfo((int)(210 / 25.4 * dpi), (int)(297 / 25.4 * dpi), SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bmp);
        canvas.Clear(new SKColor(252, 252, 250));
        using var pen = new Pen(canvas, dpi);
        pen.Text("REPUBLIK INDONESIA", 105, 45, 14, SerifBold, align: SKTextAlign.Center);
        pen.Text("SURAT PERJALANAN LAKSANA PASPOR", 105, 53, 12.5, SerifBold, align: SKTextAlign.Center);
        pen.Text("UNTUK WARGA NEGARA INDONESIA", 105, 60, 10.5, Serif, align: SKTextAlign.Center);
        pen.Text("(SPLP)", 105, 67, 10.5, Serif, align: SKTextAlign.Center);
        pen.Text("Nomor: " + number, 105, 76, 10.5, SerifBold, align: SKTextAlign.Center);
        pen.Text("Surat Perjalanan Laksana Paspor ini diberikan kepada Warga Negara Indonesia yang", 24, 88, 10, Serif);
        pen.Text("identitasnya tersebut di bawah ini untuk melakukan perjalanan kembali ke Indonesia.", 24, 94.5, 10, Serif);
        var y = 106.0;
        foreach (var (label, value) in rows)
        {
            pen.Text(label, 24, y, 10, Serif);
            pen.Text(":", 74, y, 10, Serif);
            pen.Text(value, 77, y, 10, label is "Nama Lengkap" or "NIK" ? SerifBold : Serif);
            y += 8.3;
        }
        using (var photo = new SKPaint { Color = new SKColor(200, 204, 216) }) canvas.DrawRect(pen.Mm(148), pen.Mm(98), pen.Mm(34), pen.Mm(44), photo);
        pen.Text("Dikeluarkan di : " + issuedAt, 118, 213, 10, Serif);
        pen.Text("Pada tanggal  : " + issuedOn, 118, 220, 10, Serif);
        pen.Text("a.n. Duta Besar Republik Indonesia", 118, 230, 10, Serif);
        pen.Text("Pejabat Konsuler,", 118, 236, 10, Serif);
        pen.Text(officer, 118, 260, 10, SerifBold);
        pen.Text("SPESIMEN - DATA FIKTIF UNTUK PENGUJIAN", 24, 282, 7, Sans, pen.Red);
        return bmp;
    }

    /// <summary>The KK's member table columns: header, x (mm), as printed.</summary>
    static readonly (string Header, double X)[] KkColumns =
        [("No", 12), ("Nama Lengkap", 20), ("NIK", 88), ("Jenis Kelamin", 130), ("Tempat Lahir", 160), ("Tanggal Lahir", 197), ("Agama", 226), ("Status Hubungan", 250)];

    /// <summary>A KK page (A4 landscape), at <paramref name="dpi"/>; <paramref name="members"/> rows of 7 values (no number).</summary>
    public static SKBitmap Kk(string number, IReadOnlyList<(string Label, string Value)> header, IReadOnlyList<string[]> members, string issueDate, float dpi)
    {
        var bmp = new SKBitmap(new SKImageInfo((int)(297 / 25.4 * dpi), (int)(210 / 25.4 * dpi), SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bmp);
        canvas.Clear(new SKColor(250, 251, 247));
        Waves(canvas, dpi, 297, 210, new SKColor(232, 238, 228));
        using var pen = new Pen(canvas, dpi);
        pen.Text("KARTU KELUARGA", 148.5, 22, 16, SansBold, align: SKTextAlign.Center);
        pen.Text("No. " + number, 148.5, 30, 11, SansBold, align: SKTextAlign.Center);
        for (var i = 0; i < header.Count; i++)
        {
            var (x, y) = (i < 4 ? 12.0 : 160.0, 40.0 + 6 * (i % 4));
            pen.Text(header[i].Label, x, y, 8.5, Sans);
            pen.Text(":", x + 42, y, 8.5, Sans);
            pen.Text(header[i].Value, x + 45, y, 8.5, Sans);
        }
        using var line = new SKPaint { Color = new SKColor(70, 70, 70), Style = SKPaintStyle.Stroke, StrokeWidth = pen.Mm(0.25), IsAntialias = true };
        var top = 66.0;
        const double rowHeight = 8;
        for (var r = 0; r <= members.Count + 1; r++) canvas.DrawLine(pen.Mm(10), pen.Mm(top + r * rowHeight), pen.Mm(287), pen.Mm(top + r * rowHeight), line);
        foreach (var x in KkColumns.Select(c => c.X - 2).Append(287)) canvas.DrawLine(pen.Mm(x), pen.Mm(top), pen.Mm(x), pen.Mm(top + (members.Count + 1) * rowHeight), line);
        foreach (var (h, x) in KkColumns) pen.Text(h, x, top + 5.6, 8, SansBold);
        for (var r = 0; r < members.Count; r++)
        {
            var y = top + (r + 1) * rowHeight + 5.6;
            pen.Text((r + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), KkColumns[0].X, y, 8.5, Sans);
            for (var c = 0; c < members[r].Length; c++) pen.Text(members[r][c], KkColumns[c + 1].X, y, 8.5, Sans);
        }
        pen.Text("Dikeluarkan Tanggal : " + issueDate, 200, 175, 8.5, Sans);
        pen.Text("KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL", 200, 181, 7, Sans);
        pen.Text("SPESIMEN - DATA FIKTIF UNTUK PENGUJIAN", 12, 200, 7, Sans, pen.Red);
        return bmp;
    }
}
