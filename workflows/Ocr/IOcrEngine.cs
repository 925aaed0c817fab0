namespace Pulang.Workflows.Ocr;

/// <summary>
/// Reads a scanned document. Implementations: Tesseract 5 (offline default) and Azure AI Document
/// Intelligence REST v4. The result always has the shape of <see cref="AnalyzeResult"/>.
/// </summary>
public interface IOcrEngine
{
    /// <summary>
    /// Analyzes one scan (JPEG, PNG, TIFF or PDF; a PDF may have many pages).
    /// </summary>
    /// <param name="content">The scan bytes; read to the end, not disposed.</param>
    /// <param name="contentType">The scan's media type, e.g. <c>image/jpeg</c>, <c>application/pdf</c>.</param>
    /// <param name="hint">What the scan is said to be; engines use it to pick a model or an extra pass (MRZ band for passports).</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <exception cref="OcrException">The scan cannot be read (corrupt, unsupported, too many pages) or the engine failed.</exception>
    Task<AnalyzeResult> AnalyzeAsync(Stream content, string contentType, OcrHint hint, CancellationToken cancellationToken);
}

/// <summary>OCR failed. <see cref="IsPermanent"/> is true when retrying the same bytes cannot help (corrupt file, too many pages).</summary>
public sealed class OcrException(string message, bool isPermanent, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the input itself is at fault.</summary>
    public bool IsPermanent { get; } = isPermanent;
}
