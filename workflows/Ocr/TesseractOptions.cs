namespace Pulang.Workflows.Ocr;

/// <summary>
/// Settings of <see cref="TesseractOcrEngine"/>. Binaries are found on PATH unless given as absolute paths
/// (Debian packages <c>tesseract-ocr</c>, <c>tesseract-ocr-ind</c>, <c>poppler-utils</c>).
/// </summary>
public sealed class TesseractOptions
{
    /// <summary>The <c>tesseract</c> executable (5.x). Default <c>tesseract</c>.</summary>
    public string TesseractPath { get; set; } = "tesseract";

    /// <summary>Poppler's <c>pdftoppm</c>, used to rasterize PDF pages. Default <c>pdftoppm</c>.</summary>
    public string PdftoppmPath { get; set; } = "pdftoppm";

    /// <summary>Poppler's <c>pdfinfo</c>, used to count PDF pages before rasterizing. Default <c>pdfinfo</c>.</summary>
    public string PdfinfoPath { get; set; } = "pdfinfo";

    /// <summary>Tesseract language models, <c>+</c>-separated. Default <c>ind+eng</c>.</summary>
    public string Languages { get; set; } = "ind+eng";

    /// <summary>Language model of the MRZ pass (there is no OCR-B model installed; <c>eng</c> with a whitelist works). Default <c>eng</c>.</summary>
    public string MrzLanguage { get; set; } = "eng";

    /// <summary>PDFs with more pages are refused with a permanent <see cref="OcrException"/>. Default 20.</summary>
    public int MaxPages { get; set; } = 20;

    /// <summary>
    /// How many OCR processes (tesseract, pdftoppm, pdfinfo) run at once in this process. Default: processor count. The hosts
    /// set it from <c>Pulang:MaxConcurrentOcrJobs</c> (see <see cref="PulangServices.CreateOcrEngine"/>).
    /// </summary>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>Resolution in dots per inch at which PDF pages are rasterized. Default 300.</summary>
    public int Dpi { get; set; } = 300;

    /// <summary>Longest time one external process may run before it is killed (transient <see cref="OcrException"/>). Default 2 minutes.</summary>
    public TimeSpan ProcessTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Where per-call temporary folders are made (and always deleted). Default: the system temp folder.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>Run the extra MRZ pass for <see cref="Domain.DocumentKind.Passport"/>. Default true.</summary>
    public bool MrzPass { get; set; } = true;
}
