using System.Globalization;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>
/// KTP and SPLP pages as Tesseract read generated scans (pulang-dev synth-papers, seed 11) that went to review although every value
/// was on the page: the colon read as a separate digit before the NIK, the label column lost at 200 dpi, the birth label split
/// (<c>Tempat/T anggal Lahir</c>) or cut (<c>-empat/Tal Lahir</c>); and an SPLP number whose month is no Roman numeral of 1-12.
/// Words are laid out one row per line, left to right; <c>word@0.2</c> gives a word its confidence (else 0.95).
/// </summary>
public class IdentityPaperOcrDamageTests
{
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    static readonly DateOnly Today = new(2026, 12, 6);

    static AnalyzeResult Page(params string[] lines)
    {
        var words = new List<AnalyzedWord>();
        for (var r = 0; r < lines.Length; r++)
        {
            var y = 100 + r * 40.0;
            var x = 40.0;
            foreach (var token in lines[r].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = token.Split('@');
                var confidence = parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : 0.95;
                var w = parts[0].Length * 13.0;
                words.Add(new AnalyzedWord(parts[0], [x, y, x + w, y, x + w, y + 22, x, y + 22], confidence));
                x += w + 9;
            }
        }
        return new AnalyzeResult("test", "test", "", [new AnalyzedPage(1, 1000, 800, "pixel", [], words)], []);
    }

    [Fact]
    public void A_colon_read_as_an_unsure_digit_before_the_nik_does_not_make_the_nik_unsure()
    {
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(
            "PROVINSI JAWA TIMUR", "NIK 8@0.2 3507125408920003", "Nama : SRI RAHAYU WULANDARI", "Tempat/Tgl Lahir : MALANG, 14-08-1992",
            "Jenis Kelamin : PEREMPUAN"), Sri, Today);

        Assert.Empty(reading.Findings);
        Assert.Equal("3507125408920003", reading.Fields[FieldNames.Nik]);
    }

    [Fact]
    public void The_nik_word_read_unsurely_still_goes_to_a_person()
    {
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(
            "PROVINSI JAWA TIMUR", "NIK : 3507125408920003@0.3", "Nama : SRI RAHAYU WULANDARI", "Tempat/Tgl Lahir : MALANG, 14-08-1992",
            "Jenis Kelamin : PEREMPUAN"), Sri, Today);

        Assert.Contains(reading.Findings, f => f is { Code: "field.low-confidence", Field: FieldNames.Nik });
    }

    [Fact]
    public void A_ktp_whose_label_column_was_not_read_is_read_by_the_cards_order()
    {
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(
            "PROVINSI JAWA TIMUR", "KABUPATEN MALANG", "1 3507125408920003", "+ SRI RAHAYU WULANDARI", ": MALANG, 14-08-1992",
            "PEREMPUAN Gol. Darah : O", "JL. MAWAR NO. 17"), Sri, Today);

        Assert.Empty(reading.Findings);
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("MALANG", reading.Fields[FieldNames.BirthPlace]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
    }

    [Fact]
    public void Without_labels_a_row_order_the_values_do_not_prove_is_not_taken()
    {
        // No birth row under the name: the rows are not the card's order, so nothing is taken by position.
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(
            "PROVINSI JAWA TIMUR", "1 3507125408920003", "+ SRI RAHAYU WULANDARI", "JL. MAWAR NO. 17", "PEREMPUAN"), Sri, Today);

        Assert.False(reading.Fields.ContainsKey(FieldNames.FullName));
        Assert.False(reading.Fields.ContainsKey(FieldNames.Sex));
        Assert.Contains(reading.Findings, f => f is { Code: "field.missing", Field: FieldNames.FullName });
    }

    [Fact]
    public void A_name_read_by_the_cards_order_is_still_checked_against_the_case()
    {
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(
            "PROVINSI JAWA TIMUR", "1 3507125408920003", "+ SRI RAHAYU WIJAYA", ": MALANG, 14-08-1992", "PEREMPUAN"), Sri, Today);

        Assert.Contains(reading.Findings, f => f.Code == "case.name-mismatch");
    }

    [Theory]
    [InlineData("Tempat/T anggal Lahir : Malang, 14 Agustus 1992")]
    [InlineData("Tempat/T. anggal Lahir : Malang, 14 Agustus 1992")]
    [InlineData("Tempat/T: anggal Lahir - Malang, 14 Agustus 1992")]
    [InlineData("Tempat/T enna Lahir : Malang, 14 Agustus 1992")]
    [InlineData("-empat/Tal Lahir : Malang, 14 Agustus 1992")]
    public void A_split_or_cut_birth_label_is_still_found(string birthRow)
    {
        var reading = DocumentReader.Read(DocumentKind.Splp, Page(
            "Nomor: KL-SPLP/0457/IX/2025", "Nama Lengkap : SRI RAHAYU WULANDARI", "Jenis Kelamin : Perempuan", birthRow,
            "NIK : 3507125408920003", "Nomor Paspor Terakhir : C1234567"), Sri, Today);

        Assert.Empty(reading.Findings);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
    }

    [Theory]
    [InlineData("PEREMPUAN@0.2", false)] [InlineData("PEREMPUAM@0.2", false)] [InlineData("PERMPUN@0.2", true)] [InlineData("PERMPUN@0.9", false)]
    public void A_sex_word_within_one_letter_of_the_vocabulary_is_clear_whatever_tesseract_says(string sexWord, bool unsure)
    {
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(
            "NIK : 3507125408920003", "Nama : SRI RAHAYU WULANDARI", "Tempat/Tgl Lahir : MALANG, 14-08-1992", $"Jenis Kelamin : {sexWord}"), Sri, Today);

        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
        Assert.Equal(unsure, reading.Findings.Any(f => f is { Code: "field.low-confidence", Field: FieldNames.Sex }));
    }

    [Theory]
    [InlineData("JD-SPLP/3264/XI11/2024")] [InlineData("JD-SPLP/3264/IIII/2024")]
    public void An_splp_number_whose_month_is_no_roman_numeral_of_1_to_12_goes_to_a_person(string number)
    {
        var reading = DocumentReader.Read(DocumentKind.Splp, Page(
            $"Nomor: {number}", "Nama Lengkap : SRI RAHAYU WULANDARI", "Jenis Kelamin : Perempuan", "Tempat/Tanggal Lahir : Malang, 14 Agustus 1992",
            "NIK : 3507125408920003", "Nomor Paspor Terakhir : C1234567"), Sri, Today);

        Assert.Contains(reading.Findings, f => f is { Code: "field.low-confidence", Field: FieldNames.SplpNumber });
    }
}
