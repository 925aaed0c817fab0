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

    /// <summary>Run the extra MRZ pass for <see cref="ScanLayout.PassportMrz"/> scans. Default true.</summary>
    public bool MrzPass { get; set; } = true;

    /// <summary>The OCR-B font file of the MRZ cell reader; null: found by <see cref="OcrBFont.Locate"/> (Debian <c>fonts-ocr-b</c>).</summary>
    public string? MrzFontPath { get; set; }

    /// <summary>
    /// The MRZ cell reader's answer is used when every cell's best match scores at least this (normalized cross-correlation, -1..1);
    /// below, the page is taken to have no readable MRZ grid and Tesseract reads the band instead. Default 0.5.
    /// </summary>
    public double MrzMinCellScore { get; set; } = 0.5;

    /// <summary>
    /// A line 2 cell whose best glyph beats the runner-up by less than this (correlation difference) is unclear: the runner-up may
    /// replace it where the check digits prove it. Default 0.06.
    /// </summary>
    public double MrzAmbiguityMargin { get; set; } = 0.06;

    /// <summary>
    /// A line 2 cell whose best glyph scores below this (correlation; clean cells score about 0.92-0.97) holds no character
    /// allowed at its position (a wrong character printed there, a blot): it is never replaced by its runner-up, so its check
    /// digits fail and the passport goes to review. Found by a generated passport with an <c>X</c> printed at line 2 position
    /// 42 (a check digit): best reading 7 at 0.53, runner-up '&lt;' 0.06 behind, which the check digits then "proved". Default 0.8.
    /// </summary>
    public double MrzMinRepairScore { get; set; } = 0.8;

    /// <summary>
    /// A name cell (line 1 positions 6-44; no check digit) whose best glyph beats the runner-up by less than this makes the names unclear: the
    /// passport goes to review (<c>mrz.name-unclear</c>). Names are also compared with the visual zone. Default 0.01.
    /// </summary>
    public double MrzNameMargin { get; set; } = 0.01;

    /// <summary>
    /// The document code, issuing state, nationality and sex cells (TD3 line 1 positions 1-5, line 2 positions 11-13 and 21) are covered
    /// by no check digit: one whose best glyph scores below this, or beats the runner-up by less than <see cref="MrzNameMargin"/>, sends
    /// the passport to review (<c>mrz.field-unclear</c>): a smudged or overprinted sex cell would otherwise pass as F or M. Clean sample
    /// scans score 0.80-0.93 in these cells (the sex cell's runner-up 0.43 or more behind; D and O of <c>IDN</c> only 0.03 apart), the
    /// generated set 0.91 or more. Default 0.7.
    /// </summary>
    public double MrzUncheckedMinScore { get; set; } = 0.7;

    /// <summary>
    /// The sex cell (TD3 line 2 position 21; F, M or '&lt;'; no check digit) whose best glyph beats the runner-up by less than this sends
    /// the passport to review (<c>mrz.field-unclear</c>). The three glyphs differ much: clean sample scans put the runner-up 0.43-0.49
    /// behind, the generated set 0.48 or more; an N printed over an F (generated) is read as M at about 0.70 with F 0.03-0.08
    /// behind, a W over an F as F with M 0.01 behind. Default 0.2.
    /// </summary>
    public double MrzSexMargin { get; set; } = 0.2;
}
