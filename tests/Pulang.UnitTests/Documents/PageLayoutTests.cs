using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>
/// Deskewed rows (<see cref="PageLayout"/>): a fictional KTP's words laid out as on the card, the page turned by up to ±5 degrees
/// either way, given as axis-aligned boxes (Tesseract's shape) or as rotated polygons (Document Intelligence's), read by
/// <see cref="DocumentReader"/>. Grouping rows by the boxes' vertical centres, as before, put a label and its value on different rows
/// from about 1.3 degrees counter-clockwise on.
/// </summary>
public class PageLayoutTests
{
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    static readonly DateOnly Today = new(2026, 12, 6);

    /// <summary>The KTP sample's rows at 300 dpi: (x of the label, label words, x of the value, value words), 35 px apart.</summary>
    static readonly (string Label, string Value)[] KtpRows =
    [
        ("NIK", ": 3507125408920003"), ("Nama", ": SRI RAHAYU WULANDARI"), ("Tempat/Tgl Lahir", ": MALANG, 14-08-1992"),
        ("Jenis Kelamin", ": PEREMPUAN Gol. Darah : O"), ("Alamat", ": JL. MAWAR NO. 17"), ("Agama", ": ISLAM"),
    ];

    /// <summary>Words of <see cref="KtpRows"/> turned by <paramref name="degrees"/> (clockwise) about the card's centre.</summary>
    static AnalyzeResult Page(double degrees, bool rotatedPolygons, bool withAngle = false)
    {
        var words = new List<AnalyzedWord>();
        var rad = degrees * Math.PI / 180;
        double cos = Math.Cos(rad), sin = Math.Sin(rad), cx = 500, cy = 320;
        (double, double) Turn(double x, double y) => (cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos);
        for (var r = 0; r < KtpRows.Length; r++)
        {
            var y = 150 + r * 35.0;
            void Put(string text, double x)
            {
                foreach (var t in text.Split(' '))
                {
                    var w = t.Length * 13.0;
                    var corners = new[] { Turn(x, y), Turn(x + w, y), Turn(x + w, y + 22), Turn(x, y + 22) };
                    IReadOnlyList<double> polygon = rotatedPolygons
                        ? corners.SelectMany(c => new[] { c.Item1, c.Item2 }).ToList()
                        : Box(corners);
                    words.Add(new AnalyzedWord(t, polygon, 0.95));
                    x += w + 9;
                }
            }
            Put(KtpRows[r].Label, 36);
            Put(KtpRows[r].Value, 262);
        }
        var page = new AnalyzedPage(1, 1000, 640, "pixel", [], words, withAngle ? degrees : null);
        return new AnalyzeResult("test", "test", "", [page], []);
    }

    static List<double> Box((double X, double Y)[] c)
    {
        double l = c.Min(p => p.X), t = c.Min(p => p.Y), r = c.Max(p => p.X), b = c.Max(p => p.Y);
        return [l, t, r, t, r, b, l, b];
    }

    [Theory]
    [InlineData(-5.0, false)] [InlineData(-3.0, false)] [InlineData(-1.5, false)] [InlineData(0.0, false)] [InlineData(1.5, false)] [InlineData(3.0, false)] [InlineData(5.0, false)]
    [InlineData(-5.0, true)] [InlineData(-2.0, true)] [InlineData(2.0, true)] [InlineData(5.0, true)]
    public void A_tilted_ktp_reads_every_field(double degrees, bool rotatedPolygons)
    {
        var reading = DocumentReader.Read(DocumentKind.Ktp, Page(degrees, rotatedPolygons), Sri, Today);

        Assert.Empty(reading.Findings);
        Assert.Equal("3507125408920003", reading.Fields[FieldNames.Nik]);
        Assert.Equal("SRI RAHAYU WULANDARI", reading.Fields[FieldNames.FullName]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
        Assert.Equal("MALANG", reading.Fields[FieldNames.BirthPlace]);
    }

    [Theory]
    [InlineData(-4.0)] [InlineData(-2.5)] [InlineData(2.5)] [InlineData(4.0)]
    public void The_skew_is_estimated_from_the_words_in_both_directions(double degrees)
    {
        var boxes = PageLayout.EstimateAngle(Page(degrees, rotatedPolygons: false).Pages[0].Words);
        var polygons = PageLayout.EstimateAngle(Page(degrees, rotatedPolygons: true).Pages[0].Words);

        Assert.InRange(boxes, degrees - 0.6, degrees + 0.6);
        Assert.InRange(polygons, degrees - 0.1, degrees + 0.1);
    }

    [Fact]
    public void The_pages_own_angle_is_used_when_given()
    {
        PageLayout.Place(Page(-4, rotatedPolygons: false, withAngle: true).Pages[0], out var angle);
        Assert.Equal(-4, angle);
    }

    [Theory]
    [InlineData("PEREMPUAN", 'F')] [InlineData("EREMPUAN", 'F')] [InlineData("Perempuan Gol. Darah : O", 'F')] [InlineData("PEREMPUANGol.", 'F')]
    [InlineData("WANITA", 'F')] [InlineData("LAKI-LAKI", 'M')] [InlineData("LAKI LAKI", 'M')] [InlineData("Laki-laki", 'M')] [InlineData("LAKFLAKI", 'M')]
    [InlineData("PRIA", 'M')]
    public void Sex_words_are_read_through_ocr_damage(string value, char sex) => Assert.Equal(sex, DocumentReader.SexFromWord(value));

    [Theory]
    [InlineData("")] [InlineData("P")] [InlineData("LAKI")] [InlineData("PEREM")] [InlineData("XXXXXXXX")] [InlineData("PERLAKIAN")]
    public void An_unclear_sex_word_is_not_guessed(string value) => Assert.Null(DocumentReader.SexFromWord(value));
}
