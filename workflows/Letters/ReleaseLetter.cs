using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using QRCoder;

namespace Pulang.Workflows.Letters;

/// <summary>
/// The release letter (<i>Surat Keterangan Pemulangan</i>): one A4 page in Indonesian with the release record's facts (the
/// person, case and reference, release time, both ministries' sign-offs with the ministries' names and dates, the approved
/// asesmen, the dossier digest, the audit trail's head) and a QR code carrying the signed <see cref="ReleaseStatement"/>,
/// which is also printed under it and kept in the PDF's document information (<c>/Subject</c>) for
/// <c>pulang verify-letter</c>.
/// </summary>
public static class ReleaseLetter
{
    /// <summary>The ministries' names of office, as printed.</summary>
    public static string OfficeName(Ministry ministry) => ministry switch
    {
        Ministry.KemenP2MI => "Kementerian Pelindungan Pekerja Migran Indonesia (KemenP2MI)",
        _ => "Kementerian Sosial Republik Indonesia (Kemensos)",
    };

    static readonly string[] Months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];

    /// <summary>A date in Indonesian: <c>6 Desember 2026</c>.</summary>
    public static string Date(DateOnly d) => $"{d.Day} {Months[d.Month - 1]} {d.Year}";

    /// <summary>A UTC time in Indonesian: <c>6 Desember 2026 pukul 17.45 UTC</c>.</summary>
    public static string Time(DateTimeOffset t)
    {
        var u = t.ToUniversalTime();
        return $"{Date(DateOnly.FromDateTime(u.DateTime))} pukul {u.ToString("HH.mm", CultureInfo.InvariantCulture)} UTC";
    }

    /// <summary>The approving sign-off of <paramref name="ministry"/> on the released dossier (the last one), or null.</summary>
    public static SignOffRecord? SignOffOf(ReleaseRecord record, Ministry ministry) =>
        record.SignOffs.LastOrDefault(s => s.Ministry == ministry && s.Approve && s.DossierDigest == record.DossierDigest);

    /// <summary>
    /// Renders the letter as PDF bytes. <paramref name="verifyUrl"/> (the public check page) and <paramref name="keyUrl"/>
    /// (the published public key) are printed as they are. Call <see cref="LetterFonts.Install"/> first.
    /// </summary>
    public static byte[] Render(ReleaseRecord record, ReleaseStatement statement, string verifyUrl, string keyUrl)
    {
        using var document = new PdfDocument();
        document.Info.Title = $"Surat Keterangan Pemulangan {record.CaseId}";
        document.Info.Author = "Pulang";
        document.Info.Subject = statement.ToString();
        document.Info.Keywords = "Pulang; pemulangan; PMI";
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            Draw(gfx, page.Width.Point, record, statement, verifyUrl, keyUrl);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    static void Draw(XGraphics gfx, double pageWidth, ReleaseRecord record, ReleaseStatement statement, string verifyUrl, string keyUrl)
    {
        const double left = 56;
        var width = pageWidth - 2 * left;
        var title = new XFont(LetterFonts.Sans, 15, XFontStyleEx.Bold);
        var heading = new XFont(LetterFonts.Sans, 10.5, XFontStyleEx.Bold);
        var body = new XFont(LetterFonts.Sans, 10, XFontStyleEx.Regular);
        var small = new XFont(LetterFonts.Sans, 8, XFontStyleEx.Regular);
        var mono = new XFont(LetterFonts.Mono, 8.5, XFontStyleEx.Regular);
        var monoSmall = new XFont(LetterFonts.Mono, 7, XFontStyleEx.Regular);
        var y = 56.0;
        var formatter = new XTextFormatter(gfx);

        void Line(string text, XFont font, double x = left, double? w = null)
        {
            var lines = Math.Max(1, (int)Math.Ceiling(gfx.MeasureString(text, font).Width / (w ?? width - (x - left)) + 0.05));
            var height = lines * font.GetHeight() * 1.05;
            formatter.DrawString(text, font, XBrushes.Black, new XRect(x, y, w ?? width - (x - left), height + 2), XStringFormats.TopLeft);
            y += height + 3;
        }

        void Field(string label, string value)
        {
            gfx.DrawString(label, body, XBrushes.Black, new XRect(left + 12, y, 130, 14), XStringFormats.TopLeft);
            Line(": " + value, body, left + 142);
        }

        Line("SURAT KETERANGAN PEMULANGAN", title);
        Line("Pekerja Migran Indonesia (PMI) — diterbitkan oleh sistem Pulang atas persetujuan KemenP2MI dan Kemensos", small);
        y += 6;
        gfx.DrawLine(XPens.Black, left, y, left + width, y);
        y += 10;
        Field("Nomor kasus", record.CaseId);
        Field("Nomor referensi", record.ExternalReference);
        y += 6;
        Line("Dengan ini diterangkan bahwa:", body);
        Field("Nama", record.Subject.FullName);
        Field("Jenis kelamin", record.Subject.Sex == 'F' ? "Perempuan" : "Laki-laki");
        Field("Tanggal lahir", Date(record.Subject.BirthDate));
        if (!string.IsNullOrEmpty(record.Subject.Nik)) Field("NIK", record.Subject.Nik);
        y += 4;
        Line($"telah dilepas untuk pulang pada {Time(record.ReleasedAt)}, setelah berkasnya diperiksa, asesmen sosialnya disetujui, dan kedua kementerian menyetujui berkas yang sama:", body);
        y += 4;

        Line("Persetujuan kementerian", heading);
        var n = 1;
        foreach (var ministry in new[] { Ministry.KemenP2MI, Ministry.Kemensos })
        {
            var s = SignOffOf(record, ministry);
            Line($"{n++}. {OfficeName(ministry)}", body, left + 12);
            Line(s is null ? "tidak ada persetujuan atas berkas ini" : $"disetujui oleh {s.SignedBy} pada {Time(s.SignedAt)}", body, left + 26);
        }

        y += 4;
        Line("Asesmen sosial", heading);
        Line(record.Assessment.DecidedBy is { } by && record.Assessment.DecidedAt is { } at
            ? $"diajukan oleh {record.Assessment.SubmittedBy} pada {Time(record.Assessment.SubmittedAt)}, disetujui oleh {by} pada {Time(at)}"
            : $"diajukan oleh {record.Assessment.SubmittedBy} pada {Time(record.Assessment.SubmittedAt)}", body, left + 12);
        y += 4;
        Line($"Berkas yang disetujui ({record.Documents.Count} dokumen: {string.Join(", ", record.Documents.Select(d => d.Kind.ToRoute()))})", heading);
        Line("Ringkasan berkas (SHA-256):", body, left + 12);
        Line(record.DossierDigest, mono, left + 12);
        if (record.AuditHead is { } head)
        {
            Line($"Jejak audit saat rilis: entri ke-{head.Sequence}, hash", body, left + 12);
            Line(head.Hash, mono, left + 12);
        }

        // The QR code, drawn as vector squares (sharp at any zoom or print size), and the statement it carries.
        y += 10;
        var qr = new QRCodeGenerator().CreateQrCode(statement.ToString(), QRCodeGenerator.ECCLevel.M);
        var modules = qr.ModuleMatrix.Count;
        const double qrSize = 170;
        var cell = qrSize / modules;
        var qrTop = y;
        for (var row = 0; row < modules; row++)
        {
            for (var col = 0; col < modules; col++)
            {
                if (qr.ModuleMatrix[row][col])
                {
                    gfx.DrawRectangle(XBrushes.Black, left + col * cell, qrTop + row * cell, cell + 0.02, cell + 0.02);
                }
            }
        }

        var textLeft = left + qrSize + 14;
        var textWidth = width - qrSize - 14;
        y = qrTop + 8;
        Line("Periksa keaslian surat ini", heading, textLeft, textWidth);
        Line($"Pindai kode QR di samping dan buka {verifyUrl}, atau jalankan: pulang verify-letter <berkas PDF atau isi QR>.", body, textLeft, textWidth);
        Line($"Kode QR memuat pernyataan yang ditandatangani dengan kunci rilis Pulang (ECDSA P-256, ID kunci {statement.KeyId}); kunci publiknya diterbitkan di {keyUrl}. Pemeriksaan daring juga mencocokkan kepala jejak audit kasus.", small, textLeft, textWidth);
        y = Math.Max(y, qrTop + qrSize) + 8;
        Line("Pernyataan bertanda tangan (isi kode QR):", small);
        var text = statement.ToString();
        for (var i = 0; i < text.Length; i += 96)
        {
            Line(text.Substring(i, Math.Min(96, text.Length - i)), monoSmall);
        }
    }
}
