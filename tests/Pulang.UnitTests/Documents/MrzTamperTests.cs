using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>
/// Every single-character change of the fictional sample MRZ (each position of both lines, each character of <c>A-Z0-9&lt;</c>), fed to
/// the document reader as OCR text beside the unchanged visual zone: the passport is never accepted with an MRZ that differs from
/// the truth. It is either repaired back to the truth by check digits and format, or flagged. (The one equivalent reading: '0'
/// for '&lt;' as the check digit of the empty optional data field, which ICAO 9303 allows.)
/// </summary>
public class MrzTamperTests
{
    static readonly DateOnly Today = new(2026, 11, 30);
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    const string Line1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string Line2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";
    const string Charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

    static readonly string[] VisualZone =
    [
        "REPUBLIK INDONESIA PASPOR",
        "Jenis / Type Kode Negara / Country Code No. Paspor / Passport No.",
        "P IDN C4821937",
        "Nama Lengkap / Full Name",
        "SRI RAHAYU WULANDARI",
        "Kewarganegaraan / Nationality INDONESIA",
        "Tanggal Lahir / Date of Birth 14 AUG 1992 Jenis Kelamin / Sex P/F",
    ];

    static DocumentReading Read(string line1, string line2) =>
        DocumentReader.Read(DocumentKind.Passport, DocumentReaderTests.Page(VisualZone) with
        {
            Documents = [new AnalyzedDocument("mrz.td3", new Dictionary<string, DocumentField> { ["MachineReadableZone"] = new("mrz", line1 + "\n" + line2, 1) }, 1)],
        }, Sri, Today);

    [Fact]
    public void The_untouched_mrz_is_accepted()
    {
        Assert.Empty(Read(Line1, Line2).Findings);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void No_single_character_change_is_accepted_as_a_different_mrz(int line)
    {
        var original = line == 1 ? Line1 : Line2;
        var violations = new List<string>();
        for (var i = 0; i < original.Length; i++)
        foreach (var c in Charset)
        {
            if (c == original[i]) continue;
            var changed = original[..i] + c + original[(i + 1)..];
            var reading = line == 1 ? Read(changed, Line2) : Read(Line1, changed);
            if (!reading.Clean) continue;
            var read1 = reading.Fields.GetValueOrDefault(FieldNames.MrzLine1);
            var read2 = reading.Fields.GetValueOrDefault(FieldNames.MrzLine2);
            // ICAO 9303 allows '0' or '<' as the check digit of an empty optional data field: the same MRZ.
            if (read2 is not null && read2[..42] == Line2[..42] && read2[42] == '0' && read2[43] == Line2[43]) read2 = Line2;
            if (read1 != Line1 || read2 != Line2) violations.Add($"line {line} position {i}: '{original[i]}' -> '{c}'");
        }
        Assert.True(violations.Count == 0, $"{violations.Count} accepted changes:\n" + string.Join('\n', violations));
    }
}
