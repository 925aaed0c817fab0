using System.Text.Json.Nodes;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>
/// Analyze responses in the shapes the service really sends (recorded responses of Microsoft's SDK tests had them: spaces inside
/// MRZ lines, typed values next to printed content, MRZ parts without confidences, rotated word polygons and a page angle, handwritten
/// styles), replayed through <see cref="DocumentIntelligenceOcrEngine"/> from <see cref="FakeDocumentIntelligence"/>. Fictional data.
/// </summary>
public class DocumentIntelligenceMappingTests
{
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    static readonly DateOnly Today = new(2026, 12, 6);
    const string Line1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string Line2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";
    const string Line1Short = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<";

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<AnalyzeResult> Replay(JsonObject analyzeResult, DocumentKind kind)
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.FinalResult = FakeDocumentIntelligence.Operation("succeeded", analyzeResult);
        var engine = new DocumentIntelligenceOcrEngine(new DocumentIntelligenceOptions
        {
            Endpoint = fake.Endpoint, Key = "test-key-not-a-secret", PollInterval = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromSeconds(2), MaxWait = TimeSpan.FromSeconds(20),
        });
        return await engine.AnalyzeAsync(new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4]), "image/jpeg", kind.ToOcrHint(), Ct);
    }

    [Theory]
    // Spaces inside the lines, as the service's content has them.
    [InlineData("P<IDNWULANDARI<<SRI<RAHAYU<<<<< <<<<<<<<<<<<<\nC4821937<2IDN9208142F3103038 <<<<<<<<<<<<<<<4", Line1 + "\n" + Line2)]
    // One filler missing in line 1: still two lines, not the last two space-separated fragments.
    [InlineData("P<IDNWULANDARI<<SRI<RAHAYU<<<< <<<<<<<<<<<<<\nC4821937<2IDN9208142F3103038 <<<<<<<<<<<<<<<4", Line1Short + "\n" + Line2)]
    [InlineData("P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<\r\nC4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4\r\n", Line1 + "\n" + Line2)]
    public void Mrz_lines_split_on_line_breaks_first_then_spaces_dropped(string content, string expected) =>
        Assert.Equal(expected, DocumentIntelligenceOcrEngine.NormalizeMrz(content));

    [Fact]
    public async Task A_passport_mrz_with_spaces_and_a_missing_filler_is_read_not_lost()
    {
        var result = FakeDocumentIntelligence.ReadResult("prebuilt-idDocument", ["PASPOR PASSPORT", "SRI RAHAYU WULANDARI"], new JsonArray(new JsonObject
        {
            ["docType"] = "idDocument.passport", ["confidence"] = 0.99,
            ["fields"] = new JsonObject
            {
                ["MachineReadableZone"] = new JsonObject
                {
                    ["type"] = "object", ["confidence"] = 0.96,
                    ["content"] = "P<IDNWULANDARI<<SRI<RAHAYU<<<< <<<<<<<<<<<<<\nC4821937<2IDN9208142F3103038 <<<<<<<<<<<<<<<4",
                    ["valueObject"] = new JsonObject
                    {
                        ["DocumentNumber"] = new JsonObject { ["type"] = "string", ["valueString"] = "C4821937", ["content"] = "C4821937" },
                        ["DateOfBirth"] = new JsonObject { ["type"] = "date", ["valueDate"] = "1992-08-14", ["content"] = "920814" },
                    },
                },
            },
        }));

        var analyzed = await Replay(result, DocumentKind.Passport);
        var reading = DocumentReader.Read(DocumentKind.Passport, analyzed, Sri, Today);

        Assert.DoesNotContain(reading.Findings, f => f.Code is "mrz.invalid" or "field.missing");
        Assert.Equal("C4821937", reading.Fields[FieldNames.PassportNumber]);
        Assert.Equal(Line1, reading.Fields[FieldNames.MrzLine1]);
        // MRZ parts carry no confidence of their own: the MRZ field's, not 0.
        var fields = analyzed.Documents[0].Fields;
        Assert.Equal(0.96, fields["MachineReadableZone.DocumentNumber"].Confidence);
        Assert.Equal("1992-08-14", fields["MachineReadableZone.DateOfBirth"].Value);
        Assert.Equal("920814", fields["MachineReadableZone.DateOfBirth"].Content);
    }

    [Fact]
    public async Task Typed_values_come_first_and_the_printed_content_is_kept()
    {
        var result = FakeDocumentIntelligence.ReadResult("prebuilt-idDocument", ["PASSPORT"], new JsonArray(new JsonObject
        {
            ["docType"] = "idDocument.passport", ["confidence"] = 0.99,
            ["fields"] = new JsonObject
            {
                ["DateOfBirth"] = new JsonObject { ["type"] = "date", ["valueDate"] = "1985-01-01", ["content"] = "01 JAN 7JAN 85", ["confidence"] = 0.98 },
                ["Nationality"] = new JsonObject { ["type"] = "countryRegion", ["valueCountryRegion"] = "CAN", ["content"] = "CANADIAN/CANADIENNE", ["confidence"] = 0.97 },
                ["DocumentNumber"] = new JsonObject { ["type"] = "string", ["valueString"] = "AB123456", ["content"] = "AB 123456", ["confidence"] = 0.99 },
            },
        }));

        var fields = (await Replay(result, DocumentKind.Passport)).Documents[0].Fields;

        Assert.Equal("1985-01-01", fields["DateOfBirth"].Value);
        Assert.Equal("01 JAN 7JAN 85", fields["DateOfBirth"].Content);
        Assert.Equal("CAN", fields["Nationality"].Value);
        Assert.Equal("CANADIAN/CANADIENNE", fields["Nationality"].Content);
        Assert.Equal("AB123456", fields["DocumentNumber"].Value);
    }

    /// <summary>A KTP page turned counter-clockwise by <paramref name="degrees"/>: rotated word polygons (top-left corner first, as the
    /// service gives them) and the page angle; a handwritten signature under the name.</summary>
    static JsonObject RotatedKtp(double degrees, bool signature)
    {
        string[] rows = ["NIK : 3507125408920003", "Nama : SRI RAHAYU WULANDARI", "Tempat/Tgl Lahir : MALANG, 14-08-1992", "Jenis Kelamin : PEREMPUAN", "Agama : ISLAM"];
        var rad = degrees * Math.PI / 180;
        double cos = Math.Cos(rad), sin = Math.Sin(rad);
        (double, double) Turn(double x, double y) => (500 + (x - 500) * cos - (y - 300) * sin, 300 + (x - 500) * sin + (y - 300) * cos);
        var words = new JsonArray();
        var content = new List<string>();
        var offset = 0;
        for (var r = 0; r < rows.Length; r++)
        {
            double y = 100 + r * 36, x = 40;
            var tokens = rows[r].Split(' ');
            for (var i = 0; i < tokens.Length; i++)
            {
                if (tokens[i] == ":") x = 262;
                var w = tokens[i].Length * 13.0;
                var c = new[] { Turn(x, y), Turn(x + w, y), Turn(x + w, y + 22), Turn(x, y + 22) };
                words.Add(new JsonObject
                {
                    ["content"] = tokens[i], ["confidence"] = 0.97,
                    ["polygon"] = new JsonArray(c.SelectMany(p => new JsonNode[] { p.Item1, p.Item2 }).ToArray()),
                    ["span"] = new JsonObject { ["offset"] = offset, ["length"] = tokens[i].Length },
                });
                offset += tokens[i].Length + 1;
                x += w + (tokens[i] == ":" ? 0 : 9);
            }
            content.Add(rows[r]);
        }
        var styles = new JsonArray();
        if (signature)
        {
            // "Sri R." handwritten at the right of the name row, as a signature scrawled over the card.
            var sigOffset = offset;
            foreach (var (t, x) in new[] { ("Sri", 620.0), ("R.", 680.0) })
            {
                var c = new[] { Turn(x, 136), Turn(x + 50, 136), Turn(x + 50, 158), Turn(x, 158) };
                words.Add(new JsonObject
                {
                    ["content"] = t, ["confidence"] = 0.6,
                    ["polygon"] = new JsonArray(c.SelectMany(p => new JsonNode[] { p.Item1, p.Item2 }).ToArray()),
                    ["span"] = new JsonObject { ["offset"] = offset, ["length"] = t.Length },
                });
                offset += t.Length + 1;
            }
            styles.Add(new JsonObject { ["isHandwritten"] = true, ["confidence"] = 0.9, ["spans"] = new JsonArray(new JsonObject { ["offset"] = sigOffset, ["length"] = offset - sigOffset }) });
            content.Add("Sri R.");
        }
        return new JsonObject
        {
            ["apiVersion"] = "2024-11-30", ["modelId"] = "prebuilt-idDocument", ["content"] = string.Join('\n', content),
            ["pages"] = new JsonArray(new JsonObject
            {
                ["pageNumber"] = 1, ["angle"] = degrees, ["width"] = 1000, ["height"] = 640, ["unit"] = "pixel", ["words"] = words, ["lines"] = new JsonArray(),
            }),
            ["styles"] = styles, ["documents"] = new JsonArray(),
        };
    }

    [Theory]
    [InlineData(-4.0)] [InlineData(-2.0)] [InlineData(3.0)] [InlineData(5.0)]
    public async Task A_rotated_ktp_is_read_by_the_page_angle_and_the_word_polygons(double degrees)
    {
        var analyzed = await Replay(RotatedKtp(degrees, signature: false), DocumentKind.Ktp);
        Assert.Equal(degrees, analyzed.Pages[0].Angle);

        var reading = DocumentReader.Read(DocumentKind.Ktp, analyzed, Sri, Today);

        Assert.Empty(reading.Findings);
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
    }

    [Fact]
    public async Task Handwriting_is_kept_out_of_printed_fields()
    {
        var analyzed = await Replay(RotatedKtp(1.0, signature: true), DocumentKind.Ktp);

        Assert.DoesNotContain(analyzed.Pages[0].Words, w => w.Content is "Sri" or "R.");
        var reading = DocumentReader.Read(DocumentKind.Ktp, analyzed, Sri, Today);
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
        Assert.Empty(reading.Findings);
    }
}
