using System.Globalization;
using Pulang.DevTools;
using Pulang.SelfHost;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>Generated fictional KTP, SPLP and KK scans (<see cref="SyntheticIdentityPapers"/>) read with real Tesseract.</summary>
public class GeneratedPapersTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_set_is_the_same_for_a_seed_and_differs_between_seeds()
    {
        var a = SyntheticIdentityPapers.Generate(DocumentKind.Ktp, 5, seed: 7, alter: false);
        var b = SyntheticIdentityPapers.Generate(DocumentKind.Ktp, 5, seed: 7, alter: false);
        var c = SyntheticIdentityPapers.Generate(DocumentKind.Ktp, 5, seed: 8, alter: false);

        Assert.Equal(a.Jpeg, b.Jpeg);
        Assert.Equal(a.Fields, b.Fields);
        Assert.NotEqual(a.Fields["NIK"], c.Fields["NIK"]);
        Assert.InRange(a.Scan.RotationDegrees, -3, 3);
        Assert.InRange(a.Scan.JpegQuality, 50, 90);
        // The NIK agrees with the case's person on a paper that is not altered.
        var nik = Nik.Decode(a.Fields["NIK"], new DateOnly(2026, 12, 6));
        Assert.True(nik.IsValid);
        Assert.Equal(a.Case["birth_date"], DocumentDates.ToIso(nik.BirthDate!.Value));
        Assert.Equal(a.Case["sex"], nik.Sex.ToString());
    }

    [Fact]
    public void Altered_papers_disagree_with_the_nik_or_the_case()
    {
        for (var i = 0; i < 12; i++)
        {
            var p = SyntheticIdentityPapers.Generate(DocumentKind.Splp, i, seed: 3, alter: true);
            Assert.NotNull(p.Altered);
            Assert.True(DocumentDates.TryFind(p.Fields["Tempat/Tanggal Lahir"], out var birth));
            var differs = p.Altered switch
            {
                "sex" => (p.Fields["Jenis Kelamin"] == "Perempuan" ? "F" : "M") != p.Case["sex"],
                "birthDate" => DocumentDates.ToIso(birth) != p.Case["birth_date"],
                "name" => p.Fields["Nama Lengkap"] != p.Case["name"],
                "nik" => p.Fields["NIK"] != p.Case["nik"],
                _ => false,
            };
            Assert.True(differs, p.Altered);
        }
    }

    /// <summary>
    /// Every kind, clean and altered, tilted either way: an altered paper never comes out clean, and a clean reading has the fields of
    /// the truth (a clean reading with a wrong field would be a false accept).
    /// </summary>
    [Theory]
    [InlineData(DocumentKind.Ktp, 2)] [InlineData(DocumentKind.Ktp, 3)]
    [InlineData(DocumentKind.Splp, 1)] [InlineData(DocumentKind.Splp, 3)]
    [InlineData(DocumentKind.Kk, 1)] [InlineData(DocumentKind.Kk, 3)]
    public async Task A_generated_paper_is_never_accepted_with_a_wrong_or_altered_field(DocumentKind kind, int index)
    {
        var paper = SyntheticIdentityPapers.Generate(kind, index, seed: 1, alter: index % 4 == 3);
        using var engine = new TesseractOcrEngine();
        var result = await engine.AnalyzeAsync(new MemoryStream(paper.Jpeg), "image/jpeg", kind.ToOcrHint(), Ct);
        var subject = new Subject(paper.Case["name"], paper.Case["sex"][0],
            DateOnly.ParseExact(paper.Case["birth_date"], "yyyy-MM-dd", CultureInfo.InvariantCulture), paper.Case["nik"]);

        var reading = DocumentReader.Read(kind, result, subject, new DateOnly(2026, 12, 6));

        if (paper.Altered is not null) Assert.False(reading.Clean, $"altered {paper.Altered} accepted");
        if (reading.Clean)
        {
            Assert.Equal(paper.Case["nik"], reading.Fields[FieldNames.Nik]);
            Assert.Equal(paper.Case["name"], reading.Fields[FieldNames.FullName]);
            Assert.Equal(paper.Case["birth_date"], reading.Fields[FieldNames.BirthDate]);
            Assert.Equal(paper.Case["sex"], reading.Fields[FieldNames.Sex]);
        }
        if (kind == DocumentKind.Kk && reading.Fields.ContainsKey(FieldNames.KkNumber))
            Assert.Equal(paper.Fields["No. KK"], reading.Fields[FieldNames.KkNumber]);
    }
}
