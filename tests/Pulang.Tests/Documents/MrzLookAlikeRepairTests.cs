using System.Text.Json;
using Pulang.SelfHost;
using Pulang.Tests.Ocr;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using SkiaSharp;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>
/// Look-alike repair without per-cell scores (Document Intelligence, the Tesseract fallback, text): a passport number character read
/// as its look-alike (8/B, 5/S, 0/O, 1/I, 2/Z), where the format allows both, is decided by the check digits alone, and a character
/// changed in the image looks the same. Such a repair is kept, but sends the document to review (<c>mrz.repaired</c>); corrections the
/// format alone decides (an O in a date) stay automatic. Fictional data only.
/// </summary>
public class MrzLookAlikeRepairTests
{
    static readonly DateOnly Today = new(2026, 12, 1);
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    const string L1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string L2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";

    [Fact]
    public void A_look_alike_in_the_document_number_is_repaired_and_listed()
    {
        var r = Mrz.TryRepair(L1, "C4B21937<2IDN9208142F3103038<<<<<<<<<<<<<<<4", Today);
        Assert.True(r.IsValid);
        Assert.Equal(L2, r.Mrz!.Line2);
        Assert.Equal([new MrzCorrection(2, 2, 'B', '8')], r.LookAlikeCorrections);
    }

    [Fact]
    public void A_look_alike_in_the_optional_data_is_listed()
    {
        // Optional data "12345" with its check digit; read with S for the 5.
        var body = "C4821937<2IDN9208142F3103038" + "12345".PadRight(14, '<');
        var line2 = body + Mrz.CheckDigit(body.AsSpan(28, 14));
        line2 += Mrz.CheckDigit(string.Concat(line2.AsSpan(0, 10), line2.AsSpan(13, 7), line2.AsSpan(21, 22)));
        var r = Mrz.TryRepair(L1, line2.Replace("12345", "1234S"), Today);
        Assert.True(r.IsValid);
        Assert.Equal(line2, r.Mrz!.Line2);
        Assert.Equal([new MrzCorrection(2, 32, 'S', '5')], r.LookAlikeCorrections);
    }

    [Theory]
    [InlineData("C4821937<2IDN92O8142F31O3038<<<<<<<<<<<<<<<4")] // O in dates: digits only
    [InlineData("C4821937<21DN9208142F3103038<<<<<<<<<<<<<<<4")] // 1 in the nationality: letters only
    [InlineData(L2)]
    public void Corrections_the_format_decides_list_no_look_alike(string read)
    {
        var r = Mrz.TryRepair(L1, read, Today);
        Assert.True(r.IsValid);
        Assert.Equal(L2, r.Mrz!.Line2);
        Assert.Empty(r.LookAlikeCorrections);
    }

    /// <summary>
    /// The analysis as the Document Intelligence path produces it (the documented <c>analyzeResult</c> mapped by
    /// <see cref="DocumentIntelligenceOcrEngine"/>), with the passport number printed in the visual zone, and an MRZ to be read.
    /// </summary>
    static AnalyzeResult DocumentIntelligenceResult(string line2)
    {
        string[] rows = ["REPUBLIK INDONESIA PASPOR PASSPORT", "No. Paspor / Passport No. C4821937", "Nama / Name WULANDARI SRI RAHAYU", L1, line2];
        var json = FakeDocumentIntelligence.ReadResult("prebuilt-idDocument", rows, [new System.Text.Json.Nodes.JsonObject
        {
            ["docType"] = "idDocument.passport",
            ["confidence"] = 0.99,
            ["fields"] = new System.Text.Json.Nodes.JsonObject
            {
                ["MachineReadableZone"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "object", ["content"] = L1 + "\n" + line2, ["confidence"] = 0.97 },
            },
        }]);
        return DocumentIntelligenceOcrEngine.Map(JsonDocument.Parse(json.ToJsonString()).RootElement);
    }

    [Fact]
    public void A_look_alike_swap_from_document_intelligence_is_sent_to_review()
    {
        // The same page read as printed is accepted: the finding below comes from the swap alone.
        Assert.Empty(DocumentReader.Read(DocumentKind.Passport, DocumentIntelligenceResult(L2), Sri, Today).Findings);

        var reading = DocumentReader.Read(DocumentKind.Passport, DocumentIntelligenceResult("C4B21937<2IDN9208142F3103038<<<<<<<<<<<<<<<4"), Sri, Today);
        Assert.False(reading.Clean);
        var finding = Assert.Single(reading.Findings);
        Assert.Equal("mrz.repaired", finding.Code);
        Assert.Equal(FieldNames.PassportNumber, finding.Field);
        Assert.Equal("C4B21937", finding.Expected);
        Assert.Equal("C4821937", finding.Actual);
        Assert.Equal("C4821937", reading.Fields[FieldNames.PassportNumber]);
    }

    [Fact]
    public void A_format_decided_correction_from_document_intelligence_stays_automatic()
    {
        var reading = DocumentReader.Read(DocumentKind.Passport, DocumentIntelligenceResult("C4821937<2IDN92O8142F3103038<<<<<<<<<<<<<<<4"), Sri, Today);
        Assert.Empty(reading.Findings);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
    }

    /// <summary>
    /// Issue #4's done-when with a look-alike: a generated page (<see cref="SyntheticPassports"/>) whose passport number has one digit
    /// printed as its look-alike letter (8 as B, 0 as O, ...). The check digits agree with the issued number, so a reader without cell
    /// scores "repairs" it back; the offline cell reader sees the letter clearly and refuses; the MRZ text as printed, from Document
    /// Intelligence, goes to review. Never accepted.
    /// </summary>
    [Fact]
    public void A_passport_number_digit_printed_as_its_look_alike_is_never_accepted()
    {
        var lookAlike = new Dictionary<char, char> { ['8'] = 'B', ['5'] = 'S', ['0'] = 'O', ['1'] = 'I', ['2'] = 'Z' };
        var reader = new MrzCellReader(OcrBFont.Locate());
        int tested = 0, repaired = 0;
        for (var page = 0; page < 12 && tested < 3; page++)
        {
            var issued = SyntheticPassports.Generate(page, seed: 11, corrupt: false);
            var at = Enumerable.Range(1, 8).FirstOrDefault(i => lookAlike.ContainsKey(issued.Mrz[1][i]));
            if (at == 0) continue;
            tested++;
            var altered = SyntheticPassports.Generate(page, seed: 11, corrupt: false, alteration: new MrzAlteration(1, at, lookAlike[issued.Mrz[1][at]]));
            Assert.NotEqual(issued.Mrz[1], altered.Mrz[1]);

            // The offline cell reader: the letter is read as printed, and no score allows the swap back.
            using var bitmap = SKBitmap.Decode(altered.Jpeg);
            var cells = reader.Read(bitmap, Mrz.Td3Pattern);
            Assert.NotNull(cells);
            Assert.Equal(altered.Mrz[1], cells.Lines[1]);
            Assert.False(Mrz.ResolveTd3(cells.Lines[0], cells.Lines[1], TesseractOcrEngine.RepairableCells(cells, new TesseractOptions()), Today).IsValid);

            // Without cell scores: the check digits "prove" the issued number (unless another look-alike in the number makes the
            // reading ambiguous), which is kept only with the look-alike listed, for a person to confirm.
            var repair = Mrz.TryRepair(altered.Mrz[0], altered.Mrz[1], Today);
            if (!repair.IsValid)
            {
                Assert.Equal("ambiguous", repair.Reason);
                continue;
            }
            repaired++;
            Assert.Equal(issued.Mrz[1], repair.Mrz!.Line2);
            Assert.Equal([new MrzCorrection(2, at, altered.Mrz[1][at], issued.Mrz[1][at])], repair.LookAlikeCorrections);
        }
        Assert.Equal(3, tested);
        Assert.True(repaired > 0);
    }
}
