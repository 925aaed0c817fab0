using Microsoft.Extensions.Configuration;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using SkiaSharp;

namespace Pulang.Tests.Ocr;

/// <summary>The benchmark/test engine that returns the text embedded in generated PNG scans.</summary>
public sealed class EmbeddedTextOcrEngineTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A small blank PNG.</summary>
    public static byte[] BlankPng()
    {
        using var bitmap = new SKBitmap(40, 20);
        bitmap.Erase(SKColors.White);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public async Task Embedded_text_comes_back_as_lines_and_words_that_the_document_reader_reads()
    {
        const string text = "PROVINSI JAWA TIMUR\nNIK : 3507125408920003\nNama : SRI RAHAYU WULANDARI\nTempat/Tgl Lahir : MALANG, 14-08-1992\nJenis Kelamin : PEREMPUAN";
        var png = EmbeddedTextOcrEngine.Embed(BlankPng(), text);
        using (var decoded = SKBitmap.Decode(png))
        {
            Assert.Equal(40, decoded.Width); // still a valid PNG
        }

        Assert.Equal(text, EmbeddedTextOcrEngine.ReadEmbedded(png));
        var result = await new EmbeddedTextOcrEngine().AnalyzeAsync(new MemoryStream(png), "image/png", DocumentKind.Ktp.ToOcrHint(), Ct);
        Assert.Equal(5, result.Pages[0].Lines.Count);
        var reading = DocumentReader.Read(DocumentKind.Ktp, result, new Subject("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), null));
        Assert.Empty(reading.Findings);
        Assert.Equal("3507125408920003", reading.Fields[FieldNames.Nik]);
    }

    [Fact]
    public async Task A_scan_without_embedded_text_is_permanently_unreadable_and_the_engine_is_chosen_by_configuration()
    {
        var e = await Assert.ThrowsAsync<OcrException>(() => new EmbeddedTextOcrEngine().AnalyzeAsync(new MemoryStream(BlankPng()), "image/png", DocumentKind.Ktp.ToOcrHint(), Ct));
        Assert.True(e.IsPermanent);
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pulang:Ocr:Engine"] = "embedded-text", ["Pulang:Ocr:AllowTestEngines"] = "true" }).Build();
        Assert.IsType<EmbeddedTextOcrEngine>(Assert.IsType<ConcurrencyLimitedOcrEngine>(PulangServices.CreateOcrEngine(config)).Inner);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    [InlineData("yes-please")]
    public void Outside_a_test_environment_the_embedded_text_engine_is_refused_at_registration_and_creation(string? allow)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pulang:Ocr:Engine"] = "Embedded-Text", ["Pulang:Ocr:AllowTestEngines"] = allow }).Build();
        var created = Assert.Throws<InvalidOperationException>(() => PulangServices.CreateOcrEngine(config));
        Assert.Contains("test-only", created.Message);
        Assert.Contains("Pulang__Ocr__AllowTestEngines=true", created.Message);
        var registered = Assert.ThrowsAny<InvalidOperationException>(() => new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddPulangWorkflows(config));
        Assert.Contains("test-only", registered.Message);
    }
}
