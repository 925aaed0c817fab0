using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>
/// A document read as a passport whose MRZ is TD1 (3 × 30) or TD2 (2 × 36) shaped: a distinct finding, the MRZ parsed exactly
/// (never repaired), its fields for the checks when valid, <c>mrz.invalid</c> when not. Fictional person; check digits computed
/// independently of the code under test.
/// </summary>
public class DocumentReaderCardMrzTests
{
    static readonly DateOnly Today = new(2026, 11, 30);
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");

    const string Td1Line1 = "I<IDNC4821937<2<<<<<<<<<<<<<<<";
    const string Td1Line2 = "9208142F3103038IDN<<<<<<<<<<<4";
    const string Td1Line3 = "WULANDARI<<SRI<RAHAYU<<<<<<<<<";
    const string Td2Line1 = "I<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<";
    const string Td2Line2 = "C4821937<2IDN9208142F3103038<<<<<<<4";

    static readonly string[] Viz = ["REPUBLIK INDONESIA", "Nama / Name", "SRI RAHAYU WULANDARI", "Tanggal Lahir 14-08-1992"];

    static AnalyzeResult WithZone(AnalyzeResult page, string docType, double confidence, params string[] lines) => page with
    {
        Documents = [new AnalyzedDocument(docType, new Dictionary<string, DocumentField> { ["MachineReadableZone"] = new("mrz", string.Join('\n', lines), confidence) }, confidence)],
    };

    [Fact]
    public void A_valid_td1_in_the_text_gives_its_fields_and_says_it_is_not_a_passport_mrz()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, DocumentReaderTests.Page([.. Viz, Td1Line1, Td1Line2, Td1Line3]), Sri, Today);

        var format = Assert.Single(reading.Findings, f => f.Code == "mrz.unsupported-format");
        Assert.Equal(("TD3", "TD1"), (format.Expected, format.Actual));
        Assert.DoesNotContain(reading.Findings, f => f.Code == "mrz.invalid");
        Assert.DoesNotContain(reading.Findings, f => f.Code.StartsWith("case.", StringComparison.Ordinal));
        Assert.DoesNotContain(reading.Findings, f => f.Code == "mrz.name-unconfirmed");
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
        Assert.Equal("2031-03-03", reading.Fields[FieldNames.ExpiryDate]);
        Assert.Equal("IDN", reading.Fields[FieldNames.Nationality]);
        Assert.Equal(Td1Line3, reading.Fields[FieldNames.MrzLine3]);
        // An ID card's number is not a passport number.
        Assert.False(reading.Fields.ContainsKey(FieldNames.PassportNumber));
        Assert.Contains(reading.Findings, f => f.Code == "field.missing" && f.Field == FieldNames.PassportNumber);
    }

    [Fact]
    public void A_td1_with_one_wrong_character_is_invalid_and_not_repaired()
    {
        var page = DocumentReaderTests.Page([.. Viz, Td1Line1, Td1Line2.Replace("9208142", "9208152"), Td1Line3]);
        var reading = DocumentReader.Read(DocumentKind.Passport, page, Sri, Today);

        Assert.Contains(reading.Findings, f => f.Code == "mrz.unsupported-format");
        var invalid = Assert.Single(reading.Findings, f => f.Code == "mrz.invalid");
        Assert.Contains("check digits", invalid.Message);
        Assert.DoesNotContain("No machine readable zone", invalid.Message);
        Assert.False(reading.Fields.ContainsKey(FieldNames.BirthDate));
        Assert.False(reading.Fields.ContainsKey(FieldNames.FullName));
    }

    [Fact]
    public void A_td2_zone_from_document_intelligence_is_parsed()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, WithZone(DocumentReaderTests.Page(Viz), "idDocument.passport", 0.9, Td2Line1, Td2Line2), Sri, Today);

        Assert.Equal("TD2", Assert.Single(reading.Findings, f => f.Code == "mrz.unsupported-format").Actual);
        Assert.DoesNotContain(reading.Findings, f => f.Code == "mrz.invalid");
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
        Assert.Equal(Td2Line2, reading.Fields[FieldNames.MrzLine2]);
    }

    [Fact]
    public void The_icao_td2_specimen_is_checked_against_the_case()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport,
            WithZone(DocumentReaderTests.Page(Viz), "idDocument.passport", 0.9, "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"), Sri, Today);

        Assert.Contains(reading.Findings, f => f.Code == "mrz.not-indonesian");
        Assert.Contains(reading.Findings, f => f.Code == "case.name-mismatch");
        Assert.Contains(reading.Findings, f => f.Code == "case.birth-date-mismatch");
        Assert.Contains(reading.Findings, f => f.Code == "mrz.name-unconfirmed");
    }

    [Fact]
    public void A_td1_card_is_found_in_the_text_when_the_offline_td3_reader_failed()
    {
        // The offline MRZ reader reports its best (failed) TD3 reading with confidence 0; the page's text holds a TD1.
        var page = WithZone(DocumentReaderTests.Page([.. Viz, Td1Line1, Td1Line2, Td1Line3]), "mrz.td3", 0,
            "I<IDNC4821937<2<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "9208142F3103038IDN<<<<<<<<<<<4<<<<<<<<<<<<<<");
        var reading = DocumentReader.Read(DocumentKind.Passport, page, Sri, Today);

        Assert.Contains(reading.Findings, f => f.Code == "mrz.unsupported-format");
        Assert.DoesNotContain(reading.Findings, f => f.Code == "mrz.invalid");
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
    }

    [Fact]
    public void A_td1_shaped_mrz_read_a_character_short_is_invalid_not_missing()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, DocumentReaderTests.Page([.. Viz, Td1Line1[..29], Td1Line2, Td1Line3]), Sri, Today);

        Assert.Contains(reading.Findings, f => f.Code == "mrz.unsupported-format");
        var invalid = Assert.Single(reading.Findings, f => f.Code == "mrz.invalid");
        Assert.DoesNotContain("No machine readable zone", invalid.Message);
    }
}
