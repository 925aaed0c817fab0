using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>
/// The passport number printed in the visual zone against the MRZ's (<c>mrz.number-mismatch</c>): a difference only by OCR look-alikes
/// that the MRZ's check digit tells apart is a misread of the visual zone; one the check digit cannot see goes to a person.
/// Fictional data.
/// </summary>
public class MrzNumberMismatchTests
{
    static readonly DateOnly Today = new(2026, 11, 30);
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    const string L1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string L2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";

    static DocumentReading Read(string printedNumber, string line2 = L2)
    {
        var page = DocumentReaderTests.Page("PASPOR", $"P IDN {printedNumber}", "Nama Lengkap / Full Name", "SRI RAHAYU WULANDARI", "14 AUG 1992");
        page = page with
        {
            Documents = [new AnalyzedDocument("mrz.td3", new Dictionary<string, DocumentField> { ["MachineReadableZone"] = new("mrz", L1 + "\n" + line2, 1) }, 1)],
        };
        return DocumentReader.Read(DocumentKind.Passport, page, Sri, Today);
    }

    static bool Mismatch(DocumentReading r) => r.Findings.Any(f => f.Code == "mrz.number-mismatch");

    [Fact]
    public void The_same_printed_number_is_no_finding() => Assert.False(Mismatch(Read("C4821937")));

    [Fact]
    public void A_look_alike_the_check_digit_tells_apart_is_a_misread_of_the_visual_zone()
    {
        // B (11) for 8 at position 2 (weight 1): the check digit would be 5, not the printed 2.
        var reading = Read("C4B21937");
        Assert.False(Mismatch(reading));
        Assert.Equal("C4821937", reading.Fields[FieldNames.PassportNumber]);
    }

    [Fact]
    public void A_look_alike_the_check_digit_cannot_see_goes_to_a_person()
    {
        // I for 1 at position 4: the MRZ's 1 could also be an L (21 = 1 + 20, weight 3), which has the same check digit.
        Assert.True(Mismatch(Read("C482I937")));
        // The MRZ holds L where the page prints 1: every check digit passes, only the visual zone shows it.
        var line2 = L2.Replace("C4821937", "C482L937", StringComparison.Ordinal);
        Assert.True(Mrz.ParseTd3(L1, line2, Today)!.IsValid);
        Assert.True(Mismatch(Read("C4821937", line2)));
    }

    [Fact]
    public void A_printed_number_differing_by_other_characters_goes_to_a_person()
    {
        Assert.True(Mismatch(Read("C4821936")));
        Assert.True(Mismatch(Read("C48219370")));
    }

    [Theory]
    [InlineData("I8166227", "18166227", true)]   // I (18) vs 1: 17 apart, seen by the check digit
    [InlineData("C4821937", "C4B21937", true)]
    [InlineData("C4821937", "C482I937", false)]  // the MRZ's 1 could be L (20 apart at weight 3)
    [InlineData("C4861937", "C48G1937", false)]  // 6 and G are 10 apart: never told apart
    [InlineData("C4801937", "C48O1937", false)]  // 0 could also be U (30 apart)
    [InlineData("C4821937", "C4821936", false)]  // not a look-alike
    [InlineData("C4821937", "C482193", false)]   // other length
    public void Check_digit_singles_out_the_mrz_number(string mrzNumber, string printed, bool expected) =>
        Assert.Equal(expected, DocumentReader.CheckDigitSinglesOut(printed, mrzNumber));
}
