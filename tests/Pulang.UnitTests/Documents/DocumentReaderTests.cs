using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>DocumentReader on synthetic OCR results (fictional data; no OCR engine involved).</summary>
public class DocumentReaderTests
{
    static readonly DateOnly Today = new(2026, 11, 30);
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");

    /// <summary>One page; each string is a visual row, its words laid left to right; "~" before a word gives it confidence 0.3.</summary>
    internal static AnalyzeResult Page(params string[] rows)
    {
        var words = new List<AnalyzedWord>();
        var lines = new List<AnalyzedLine>();
        for (var r = 0; r < rows.Length; r++)
        {
            double top = 100 + r * 50, bottom = top + 30, x = 50;
            var texts = new List<string>();
            foreach (var raw in rows[r].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var low = raw.StartsWith('~');
                var t = low ? raw[1..] : raw;
                var w = t.Length * 18.0;
                words.Add(new AnalyzedWord(t, [x, top, x + w, top, x + w, bottom, x, bottom], low ? 0.3 : 0.95));
                texts.Add(t);
                x += w + 15;
            }
            lines.Add(new AnalyzedLine(string.Join(' ', texts), [50, top, x, top, x, bottom, 50, bottom]));
        }
        return new AnalyzeResult("test", "test", string.Join('\n', lines.Select(l => l.Content)),
            [new AnalyzedPage(1, 2000, 100 + rows.Length * 50, "pixel", lines, words)], []);
    }

    static AnalyzeResult WithMrz(AnalyzeResult page, string line1, string line2) => page with
    {
        Documents = [new AnalyzedDocument("mrz.td3", new Dictionary<string, DocumentField> { ["MachineReadableZone"] = new("mrz", line1 + "\n" + line2, 1) }, 1)],
    };

    static readonly string[] Ktp =
    [
        "PROVINSI JAWA TIMUR",
        "KABUPATEN MALANG",
        "NIK : 3507125408920003",
        "Nama : SRI RAHAYU WULANDARI",
        "Tempat/Tgl Lahir : MALANG, 14-08-1992",
        "Jenis Kelamin : PEREMPUAN Gol. Darah : O",
        "Alamat : JL. MAWAR NO. 17",
    ];

    [Fact]
    public void Reads_a_ktp_and_finds_nothing_wrong()
    {
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(Ktp), Sri, Today);
        Assert.Empty(reading.Findings);
        Assert.True(reading.Clean);
        Assert.Equal("3507125408920003", reading.Fields[FieldNames.Nik]);
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("MALANG", reading.Fields[FieldNames.BirthPlace]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
    }

    [Fact]
    public void Ktp_nik_with_ocr_letter_for_digit_is_read_as_digits()
    {
        var rows = Ktp.Select(r => r.Replace("3507125408920003", "35O712540892OOO3")).ToArray();
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(rows), Sri, Today);
        Assert.Equal("3507125408920003", reading.Fields[FieldNames.Nik]);
        Assert.Empty(reading.Findings);
    }

    [Fact]
    public void Nik_that_encodes_a_man_on_a_womans_ktp_is_flagged()
    {
        // Fictional: day 14 without +40 encodes a man.
        var rows = Ktp.Select(r => r.Replace("3507125408920003", "3507121408920003")).ToArray();
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(rows), Sri, Today);
        Assert.Contains(reading.Findings, f => f.Code == "nik.sex" && f.Expected == "F" && f.Actual == "M");
        Assert.Contains(reading.Findings, f => f.Code == "case.nik-mismatch");
        Assert.Contains(reading.Findings, f => f.Code == "case.nik-sex");
    }

    [Fact]
    public void Nik_birth_date_differing_from_the_printed_one_is_flagged()
    {
        var rows = Ktp.Select(r => r.Replace("14-08-1992", "15-08-1992")).ToArray();
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(rows), Sri, Today);
        Assert.Contains(reading.Findings, f => f.Code == "nik.birth-date" && f.Expected == "1992-08-15" && f.Actual == "1992-08-14");
        Assert.Contains(reading.Findings, f => f.Code == "case.birth-date-mismatch" && f.Expected == "1992-08-14" && f.Actual == "1992-08-15");
    }

    [Fact]
    public void Differences_from_the_case_are_findings_with_expected_and_actual()
    {
        var other = new Subject("SITI AMINAH", 'M', new DateOnly(1990, 1, 2), "3507120201900001");
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(Ktp), other, Today);
        Assert.Contains(reading.Findings, f => f.Code == "case.name-mismatch" && f.Expected == "SITI AMINAH" && f.Actual == "SRI RAHAYU WULANDARI");
        Assert.Contains(reading.Findings, f => f.Code == "case.birth-date-mismatch" && f.Expected == "1990-01-02");
        Assert.Contains(reading.Findings, f => f.Code == "case.sex-mismatch" && f.Expected == "M" && f.Actual == "F");
        Assert.Contains(reading.Findings, f => f.Code == "case.nik-mismatch");
    }

    [Fact]
    public void Missing_and_unsure_fields_are_findings()
    {
        var rows = Ktp.Where(r => !r.StartsWith("Nama")).Select(r => r.Replace(": PEREMPUAN", ": ~PERMPUN")).ToArray();
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(rows), Sri, Today);
        Assert.Contains(reading.Findings, f => f.Code == "field.missing" && f.Field == FieldNames.FullName);
        Assert.Contains(reading.Findings, f => f.Code == "field.low-confidence" && f.Field == FieldNames.Sex);
    }

    [Fact]
    public void Reads_an_splp()
    {
        var reading = DocumentReader.Read(DocumentKind.Splp, Page(
            "SURAT PERJALANAN LAKSANA PASPOR",
            "Nomor: KL-SPLP/0457/1X/2025",
            "Nama Lengkap : SRI RAHAYU WULANDARI",
            "Jenis Kelamin : Perempuan",
            "Tempat/Tanggal Lahir : Malang, 14 Agustus 1992",
            "NIK : 3507125408920003",
            "Nomor Paspor Terakhir : C4821937"), Sri, Today);
        Assert.Empty(reading.Findings);
        Assert.Equal("KL-SPLP/0457/IX/2025", reading.Fields[FieldNames.SplpNumber]);
        Assert.Equal("C4821937", reading.Fields[FieldNames.PassportNumber]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
    }

    [Fact]
    public void Reads_an_assessment_form_with_its_signature_block()
    {
        var reading = DocumentReader.Read(DocumentKind.AssessmentForm, Page(
            "FORMULIR ASESMEN SOSIAL",
            "No. Reg: ASM/2025/10/0183",
            "Nama Lengkap : SRI RAHAYU WULANDARI",
            "NIK : 3507125408920003",
            "Tempat/Tgl Lahir : Malang, 14-08-1992",
            "Jenis Kelamin : Perempuan",
            "Malang, 03-10-2025",
            "Petugas Asesmen,",
            "Bambang S.",
            "BAMBANG SUTRISNO"), Sri, Today);
        Assert.Empty(reading.Findings);
        Assert.Equal("ASM/2025/10/0183", reading.Fields[FieldNames.AssessmentNumber]);
        Assert.Equal("2025-10-03", reading.Fields[FieldNames.AssessmentDate]);
        Assert.Equal("BAMBANG SUTRISNO", reading.Fields[FieldNames.Assessor]);
    }

    const string L1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string L2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";
    static readonly string[] Viz = ["PASPOR", "Nama Lengkap / Full Name", "SRI RAHAYU WULANDARI", "14 AUG 1992"];

    [Fact]
    public void Reads_a_passport_from_its_mrz()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, WithMrz(Page(Viz), L1, L2), Sri, Today);
        Assert.Empty(reading.Findings);
        Assert.Equal("C4821937", reading.Fields[FieldNames.PassportNumber]);
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
        Assert.Equal("WULANDARI", reading.Fields[FieldNames.Surname]);
        Assert.Equal("SRI RAHAYU", reading.Fields[FieldNames.GivenNames]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("2031-03-03", reading.Fields[FieldNames.ExpiryDate]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
        Assert.Equal("IDN", reading.Fields[FieldNames.Nationality]);
        Assert.Equal("IDN", reading.Fields[FieldNames.IssuingState]);
        Assert.Equal(L1, reading.Fields[FieldNames.MrzLine1]);
        Assert.Equal(L2, reading.Fields[FieldNames.MrzLine2]);
    }

    [Fact]
    public void Finds_the_mrz_in_plain_text_when_no_mrz_document_is_given()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, Page([.. Viz, L1, L2]), Sri, Today);
        Assert.Equal("C4821937", reading.Fields[FieldNames.PassportNumber]);
        Assert.DoesNotContain(reading.Findings, f => f.Code.StartsWith("mrz.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_mrz_failing_its_check_digits_is_never_accepted()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, WithMrz(Page(Viz), L1, L2.Replace("9208142", "9208152")), Sri, Today);
        Assert.Contains(reading.Findings, f => f.Code == "mrz.invalid");
        Assert.False(reading.Fields.ContainsKey(FieldNames.PassportNumber));
        Assert.Contains(reading.Findings, f => f.Code == "field.missing" && f.Field == FieldNames.PassportNumber);
    }

    [Fact]
    public void A_passport_without_mrz_is_flagged()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, Page(Viz), Sri, Today);
        Assert.Contains(reading.Findings, f => f.Code == "mrz.invalid");
    }

    [Fact]
    public void Mrz_names_not_printed_in_the_visual_zone_are_flagged()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, WithMrz(Page("PASPOR", "SRI RAHAYUK WULANDARI"), L1, L2), Sri, Today);
        Assert.Contains(reading.Findings, f => f.Code == "mrz.name-unconfirmed");
    }

    [Fact]
    public void Other_kinds_have_no_fields_and_no_findings()
    {
        var reading = DocumentReader.Read(DocumentKind.HealthScreening, Page("HASIL PEMERIKSAAN KESEHATAN", "Nama : SIAPA SAJA"), Sri, Today);
        Assert.Empty(reading.Fields);
        Assert.Empty(reading.Findings);
    }
}
