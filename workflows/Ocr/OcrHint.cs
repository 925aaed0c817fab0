namespace Pulang.Workflows.Ocr;

/// <summary>
/// What the caller says about a scan before it is read: a <paramref name="Name"/> for the engine's model choice and the
/// trace (Document Intelligence's <c>ModelIds</c> are keyed by it, e.g. <c>passport</c>, <c>ktp</c>), and the page's
/// <paramref name="Layout"/>, which picks extra passes. The OCR layer knows nothing more of what a paper is.
/// </summary>
/// <param name="Name">Lower-case name of what the scan is said to be (a document kind's route name); never personal data.</param>
/// <param name="Layout">The page's layout.</param>
public readonly record struct OcrHint(string Name, ScanLayout Layout);

/// <summary>The layout of a scanned page, as far as an OCR engine cares.</summary>
public enum ScanLayout
{
    /// <summary>Printed text, read as it comes.</summary>
    Plain,
    /// <summary>A passport data page with an ICAO 9303 TD3 machine readable zone: an extra pass reads the MRZ band.</summary>
    PassportMrz,
    /// <summary>A page that is mostly a ruled table (a family card's member table): rules removed, read as one block of rows.</summary>
    RuledTable,
}
