using System.Diagnostics;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>Failure handling of the Tesseract adapter (real processes, no sample scans needed).</summary>
public class TesseractOcrEngineFailureTests : IDisposable
{
    readonly string temp = Path.Combine(Path.GetTempPath(), "pulang-test-" + Guid.NewGuid().ToString("N"));

    public TesseractOcrEngineFailureTests() => Directory.CreateDirectory(temp);

    public void Dispose() => Directory.Delete(temp, recursive: true);

    TesseractOcrEngine Engine(Action<TesseractOptions>? configure = null)
    {
        var o = new TesseractOptions { TempDirectory = temp };
        configure?.Invoke(o);
        return new TesseractOcrEngine(o);
    }

    [Fact]
    public async Task Unsupported_media_type_is_permanent()
    {
        using var engine = Engine();
        var e = await Assert.ThrowsAsync<OcrException>(() => engine.AnalyzeAsync(new MemoryStream([1, 2, 3]), "image/gif", DocumentKind.Other.ToOcrHint(), TestContext.Current.CancellationToken));
        Assert.True(e.IsPermanent);
    }

    [Theory]
    [InlineData("image/jpeg")]
    [InlineData("image/png")]
    [InlineData("application/pdf")]
    public async Task Bytes_that_are_not_the_declared_type_are_permanent_and_leave_no_temp_files(string contentType)
    {
        using var engine = Engine();
        var e = await Assert.ThrowsAsync<OcrException>(() => engine.AnalyzeAsync(new MemoryStream("not an image at all"u8.ToArray()), contentType, DocumentKind.Other.ToOcrHint(), TestContext.Current.CancellationToken));
        Assert.True(e.IsPermanent);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }

    [Fact]
    public async Task A_truncated_jpeg_is_permanent()
    {
        using var engine = Engine();
        byte[] bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1];
        var e = await Assert.ThrowsAsync<OcrException>(() => engine.AnalyzeAsync(new MemoryStream(bytes), "image/jpeg", DocumentKind.Passport.ToOcrHint(), TestContext.Current.CancellationToken));
        Assert.True(e.IsPermanent);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }

    [Fact]
    public async Task A_missing_tesseract_binary_is_transient()
    {
        using var engine = Engine(o => o.TesseractPath = "/nonexistent/tesseract");
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAWk1v8QAAAABJRU5ErkJggg==");
        var e = await Assert.ThrowsAsync<OcrException>(() => engine.AnalyzeAsync(new MemoryStream(png), "image/png", DocumentKind.Other.ToOcrHint(), TestContext.Current.CancellationToken));
        Assert.False(e.IsPermanent);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }

    [Fact]
    public async Task Cancelling_kills_the_processes_and_removes_the_temp_files()
    {
        using var engine = Engine(o => o.MaxConcurrency = 1);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await using var pdf = File.OpenRead(Samples.PathOf("scans/scans_multipage.pdf"));
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.AnalyzeAsync(pdf, "application/pdf", DocumentKind.Passport.ToOcrHint(), cts.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }

    [Fact]
    public void Parses_tesseract_tsv()
    {
        const string tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
            + "1\t1\t0\t0\t0\t0\t0\t0\t1000\t800\t-1\t\n"
            + "4\t1\t1\t1\t1\t0\t10\t20\t300\t30\t-1\t\n"
            + "5\t1\t1\t1\t1\t1\t10\t20\t100\t30\t96.5\tNIK\n"
            + "5\t1\t1\t1\t1\t2\t120\t20\t190\t30\t88\t3507125408920003\n";
        var rows = TesseractOcrEngine.ParseTsv(tsv);
        Assert.Equal(4, rows.Count);
        Assert.Equal(1000, rows[0].Width);
        Assert.Equal("3507125408920003", rows[3].Text);
        Assert.Equal(88, rows[3].Confidence);
        Assert.Equal(2, rows[3].Word);
    }

    [Theory]
    [InlineData("NOISE\nP<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<\nC4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4\n", true)]
    [InlineData("P<IDN WULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<\n\nC4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4\nXX\n", true)]
    [InlineData("ONLY ONE LINE C4821937<2IDN9208142F3103038\n", false)]
    public void Picks_the_two_mrz_lines(string text, bool found)
    {
        var (l1, l2) = TesseractOcrEngine.PickMrzLines(text);
        Assert.Equal(found, l1 is not null && l2 is not null);
        if (found) Assert.True(Mrz.TryRepair(l1, l2, new DateOnly(2026, 11, 30)).IsValid);
    }
}

/// <summary>The Tesseract adapter and DocumentReader on the fictional sample scans (real tesseract and poppler).</summary>
public class TesseractSampleTests
{
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    static readonly TesseractOcrEngine Engine = new();

    static async Task<AnalyzeResult> Analyze(string relative, DocumentKind kind, TesseractOcrEngine? engine = null)
    {
        var path = Samples.PathOf(relative);
        var contentType = Path.GetExtension(path) switch { ".pdf" => "application/pdf", ".png" => "image/png", _ => "image/jpeg" };
        await using var s = File.OpenRead(path);
        var sw = Stopwatch.StartNew();
        var result = await (engine ?? Engine).AnalyzeAsync(s, contentType, kind.ToOcrHint(), TestContext.Current.CancellationToken);
        TestContext.Current.SendDiagnosticMessage($"{relative}: {sw.ElapsedMilliseconds} ms, {result.Pages.Count} page(s)");
        return result;
    }

    [Theory]
    [InlineData("scans/passport_datapage_300dpi.jpg")]
    [InlineData("scans/passport_datapage_200dpi.jpg")]
    public async Task Passport_mrz_is_read_exactly_and_fields_match_the_ground_truth(string file)
    {
        var truth = Samples.GroundTruth.GetProperty("passport_datapage");
        var expectedMrz = truth.GetProperty("mrz").EnumerateArray().Select(e => e.GetString()).ToArray();

        var result = await Analyze(file, DocumentKind.Passport);

        var zone = Assert.Single(result.Documents, d => d.DocType == "mrz.td3").Fields["MachineReadableZone"];
        Assert.Equal($"{expectedMrz[0]}\n{expectedMrz[1]}", zone.Content);
        var reading = DocumentReader.Read(DocumentKind.Passport, result, Sri);
        Assert.Empty(reading.Findings);
        var fields = truth.GetProperty("fields");
        Assert.Equal(fields.GetProperty("Passport No.").GetString(), reading.Fields[FieldNames.PassportNumber]);
        Assert.Equal(fields.GetProperty("Full Name").GetString(), reading.Fields[FieldNames.FullName]);
        Assert.Equal(fields.GetProperty("Country Code").GetString(), reading.Fields[FieldNames.IssuingState]);
        Assert.True(DocumentDates.TryParse(fields.GetProperty("Date of Birth").GetString(), out var birth));
        Assert.Equal(DocumentDates.ToIso(birth), reading.Fields[FieldNames.BirthDate]);
        Assert.True(DocumentDates.TryParse(fields.GetProperty("Date of Expiry").GetString(), out var expiry));
        Assert.Equal(DocumentDates.ToIso(expiry), reading.Fields[FieldNames.ExpiryDate]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
        Assert.Equal("IDN", reading.Fields[FieldNames.Nationality]);
        Assert.True(result.Pages[0].Words.Count > 20);
        Assert.All(result.Pages[0].Words, w => Assert.InRange(w.Confidence, 0, 1));
        Assert.Equal("pixel", result.Pages[0].Unit);
    }

    [Fact]
    public async Task Ktp_nik_and_fields_match_the_ground_truth()
    {
        var fields = Samples.GroundTruth.GetProperty("ktp").GetProperty("fields");
        var result = await Analyze("scans/ktp_300dpi.jpg", DocumentKind.Ktp);
        var reading = DocumentReader.Read(DocumentKind.Ktp, result, Sri);
        Assert.Equal(fields.GetProperty("NIK").GetString(), reading.Fields[FieldNames.Nik]);
        Assert.Equal(fields.GetProperty("Nama").GetString(), reading.Fields[FieldNames.FullName]);
        Assert.Equal("MALANG", reading.Fields[FieldNames.BirthPlace]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
        Assert.Empty(reading.Findings);
    }

    [Fact]
    public async Task Splp_fields_match_the_ground_truth()
    {
        var fields = Samples.GroundTruth.GetProperty("splp").GetProperty("fields");
        var result = await Analyze("scans/splp_200dpi.jpg", DocumentKind.Splp);
        var reading = DocumentReader.Read(DocumentKind.Splp, result, Sri);
        Assert.Equal(fields.GetProperty("Nomor").GetString(), reading.Fields[FieldNames.SplpNumber]);
        Assert.Equal(fields.GetProperty("Nama Lengkap").GetString(), reading.Fields[FieldNames.FullName]);
        Assert.Equal(fields.GetProperty("NIK").GetString(), reading.Fields[FieldNames.Nik]);
        Assert.Equal(fields.GetProperty("Nomor Paspor Terakhir").GetString(), reading.Fields[FieldNames.PassportNumber]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Equal("F", reading.Fields[FieldNames.Sex]);
        Assert.Empty(reading.Findings);
    }

    [Fact]
    public async Task Assessment_form_fields_match_the_ground_truth()
    {
        var fields = Samples.GroundTruth.GetProperty("assessment_form").GetProperty("fields");
        var result = await Analyze("scans/assessment_form_300dpi.jpg", DocumentKind.AssessmentForm);
        var reading = DocumentReader.Read(DocumentKind.AssessmentForm, result, Sri);
        Assert.Equal(fields.GetProperty("Nama Lengkap").GetString(), reading.Fields[FieldNames.FullName]);
        Assert.Equal(fields.GetProperty("NIK").GetString(), reading.Fields[FieldNames.Nik]);
        Assert.Equal(fields.GetProperty("No. Reg").GetString(), reading.Fields[FieldNames.AssessmentNumber]);
        Assert.Equal(fields.GetProperty("Petugas").GetString(), reading.Fields[FieldNames.Assessor]);
        Assert.True(DocumentDates.TryParse(fields.GetProperty("Tanggal Asesmen").GetString(), out var date));
        Assert.Equal(DocumentDates.ToIso(date), reading.Fields[FieldNames.AssessmentDate]);
        Assert.Equal("1992-08-14", reading.Fields[FieldNames.BirthDate]);
        Assert.Empty(reading.Findings);
    }

    [Fact]
    public async Task Multipage_pdf_gives_four_pages_in_inches()
    {
        var result = await Analyze("scans/scans_multipage.pdf", DocumentKind.Other);
        Assert.Equal(4, result.Pages.Count);
        Assert.Equal([1, 2, 3, 4], result.Pages.Select(p => p.PageNumber));
        Assert.All(result.Pages, p => Assert.Equal("inch", p.Unit));
        Assert.All(result.Pages, p => Assert.NotEmpty(p.Words));
        Assert.Equal(4, result.Content.Split('\f').Length);
        Assert.Contains("3507125408920003", result.Content);
        // Page 1 of the PDF: 396.96 x 294.72 pt = 5.51 x 4.09 in.
        Assert.InRange(result.Pages[0].Width, 5.4, 5.6);
    }

    [Fact]
    public async Task Multipage_pdf_read_as_a_passport_finds_the_mrz_on_its_page()
    {
        var expected = Samples.GroundTruth.GetProperty("passport_datapage").GetProperty("mrz").EnumerateArray().Select(e => e.GetString()).ToArray();
        var result = await Analyze("scans/scans_multipage.pdf", DocumentKind.Passport);
        var zone = Assert.Single(result.Documents, d => d.DocType == "mrz.td3");
        Assert.Equal($"{expected[0]}\n{expected[1]}", zone.Fields["MachineReadableZone"].Content);
        Assert.Equal(1.0, zone.Confidence);
    }

    [Fact]
    public async Task Pdf_over_the_page_limit_is_refused_as_permanent()
    {
        using var small = new TesseractOcrEngine(new TesseractOptions { MaxPages = 3 });
        var e = await Assert.ThrowsAsync<OcrException>(() => Analyze("scans/scans_multipage.pdf", DocumentKind.Other, small));
        Assert.True(e.IsPermanent);
    }
}
