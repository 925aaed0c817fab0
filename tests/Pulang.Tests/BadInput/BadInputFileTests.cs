using Pulang.Workflows.Cases;

namespace Pulang.Tests.BadInput;

/// <summary>
/// The corpus files are exactly what <see cref="CorpusFiles"/> makes, and <see cref="ScanInspection"/> judges each one
/// as expected without a host (the end-to-end corpus in <see cref="BadInputCorpusTests"/> checks the same over HTTP).
/// </summary>
public sealed class BadInputFileTests
{
    [Fact]
    public void Committed_files_are_what_the_generator_makes()
    {
        if (Environment.GetEnvironmentVariable("PULANG_WRITE_CORPUS") == "1")
        {
            CorpusFiles.Write(CorpusFiles.Folder);
        }

        var differing = new List<string>();
        foreach (var (name, bytes) in CorpusFiles.All())
        {
            var path = Path.Combine(CorpusFiles.Folder, "files", name);
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            {
                differing.Add(name);
            }
        }

        Assert.True(differing.Count == 0, "Regenerate with PULANG_WRITE_CORPUS=1: " + string.Join(", ", differing));
        Assert.True(new FileInfo(Path.Combine(CorpusFiles.Folder, "files", "png-bomb-50000x50000.png")).Length < 1024, "the bomb must be small on disk");
    }

    /// <summary>Limits as in the corpus host: 4,000,000 pixels, 3 pages.</summary>
    [Theory]
    [InlineData("valid.jpg", "image/jpeg", null)]
    [InlineData("valid-2.jpg", "image/jpeg", null)]
    [InlineData("valid.png", "image/png", null)]
    [InlineData("valid.tif", "image/tiff", null)]
    [InlineData("valid-1-page.pdf", "application/pdf", null)]
    [InlineData("valid-3-pages.pdf", "application/pdf", null)]
    [InlineData("valid-4-pages.pdf", "application/pdf", "upload.too-many-pages")]
    [InlineData("png-2100x2100.png", "image/png", "upload.too-many-pixels")]
    [InlineData("jpeg-truncated-half.jpg", "image/jpeg", "upload.unreadable")]
    [InlineData("jpeg-truncated-after-header.jpg", "image/jpeg", "upload.unreadable")]
    [InlineData("jpeg-soi-only.jpg", "image/jpeg", "upload.unreadable")]
    [InlineData("jpeg-soi-eoi.jpg", "image/jpeg", "upload.unreadable")]
    [InlineData("jpeg-garbage-after-soi.jpg", "image/jpeg", "upload.unreadable")]
    [InlineData("jpeg-bomb-50000x50000.jpg", "image/jpeg", "upload.too-many-pixels")]
    [InlineData("jpeg-65535x65535.jpg", "image/jpeg", "upload.unreadable")]
    [InlineData("png-truncated-half.png", "image/png", "upload.unreadable")]
    [InlineData("png-signature-only.png", "image/png", "upload.unreadable")]
    [InlineData("png-ihdr-only.png", "image/png", "upload.unreadable")]
    [InlineData("png-corrupt-idat.png", "image/png", "upload.unreadable")]
    [InlineData("png-zero-width.png", "image/png", "upload.unreadable")]
    [InlineData("png-bomb-50000x50000.png", "image/png", "upload.too-many-pixels")]
    [InlineData("tiff-truncated-half.tif", "image/tiff", "upload.unreadable")]
    [InlineData("tiff-header-only.tif", "image/tiff", "upload.unreadable")]
    [InlineData("tiff-bad-ifd-offset.tif", "image/tiff", "upload.unreadable")]
    [InlineData("tiff-bomb-50000x50000.tif", "image/tiff", "upload.too-many-pixels")]
    [InlineData("tiff-40-pages.tif", "image/tiff", "upload.too-many-pages")]
    [InlineData("pdf-truncated-header.pdf", "application/pdf", "upload.unreadable")]
    [InlineData("pdf-truncated-half.pdf", "application/pdf", "upload.unreadable")]
    [InlineData("pdf-garbage.pdf", "application/pdf", "upload.unreadable")]
    [InlineData("pdf-no-pages.pdf", "application/pdf", "upload.unreadable")]
    [InlineData("pdf-2000-pages.pdf", "application/pdf", "upload.too-many-pages")]
    [InlineData("pdf-huge-page.pdf", "application/pdf", "upload.too-many-pixels")]
    public void Inspection_refuses_what_it_must_before_decoding(string file, string mediaType, string? code)
    {
        var path = Path.Combine(CorpusFiles.Folder, "files", file);
        if (code is null)
        {
            var facts = ScanInspection.Inspect(path, mediaType, 4_000_000, 3);
            Assert.InRange(facts.Pages, 1, 3);
            return;
        }

        var refused = Assert.Throws<UploadRejectedException>(() => ScanInspection.Inspect(path, mediaType, 4_000_000, 3));
        Assert.Equal(code, refused.Code);
        Assert.Equal(code == "upload.unreadable" ? 400 : 422, refused.Status);
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    [Fact]
    public void The_pixel_and_page_limits_are_the_configured_ones()
    {
        var png = Path.Combine(CorpusFiles.Folder, "files", "png-2100x2100.png");
        Assert.Equal(2100L * 2100, ScanInspection.Inspect(png, "image/png", 2100L * 2100, 1).MaxPagePixels);
        Assert.Contains("4409999", Assert.Throws<UploadRejectedException>(() => ScanInspection.Inspect(png, "image/png", 2100L * 2100 - 1, 1)).Message);

        var pdf = Path.Combine(CorpusFiles.Folder, "files", "valid-4-pages.pdf");
        Assert.Equal(4, ScanInspection.Inspect(pdf, "application/pdf", 100_000_000, 4).Pages);
        var refused = Assert.Throws<UploadRejectedException>(() => ScanInspection.Inspect(pdf, "application/pdf", 100_000_000, 3));
        Assert.Contains("4 pages", refused.Message);
        Assert.Contains("at most 3", refused.Message);
    }
}
