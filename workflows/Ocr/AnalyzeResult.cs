namespace Pulang.Workflows.Ocr;

/// <summary>
/// An OCR result with the shape of Azure AI Document Intelligence's <c>analyzeResult</c>
/// (REST API <c>2024-11-30</c>): the whole text, pages with lines and words (polygons in
/// <see cref="AnalyzedPage.Unit"/>, confidences 0..1), and key fields of recognized documents.
/// Every OCR engine maps into this one shape.
/// </summary>
/// <param name="ApiVersion">The API version or engine version that produced it, e.g. <c>2024-11-30</c> or <c>tesseract 5.3.0</c>.</param>
/// <param name="ModelId">The model, e.g. <c>prebuilt-read</c>, <c>prebuilt-idDocument</c>, or <c>tesseract:ind+eng</c>.</param>
/// <param name="Content">All text in reading order, lines separated by '\n', pages by '\f'... as the engine gives it.</param>
/// <param name="Pages">One entry per page, 1-based <see cref="AnalyzedPage.PageNumber"/>.</param>
/// <param name="Documents">Recognized documents with key fields (e.g. <c>MachineReadableZone</c>); may be empty.</param>
public sealed record AnalyzeResult(
    string ApiVersion,
    string ModelId,
    string Content,
    IReadOnlyList<AnalyzedPage> Pages,
    IReadOnlyList<AnalyzedDocument> Documents);

/// <summary>One page of an <see cref="AnalyzeResult"/>.</summary>
/// <param name="PageNumber">1-based.</param>
/// <param name="Width">Page width in <paramref name="Unit"/>.</param>
/// <param name="Height">Page height in <paramref name="Unit"/>.</param>
/// <param name="Unit"><c>pixel</c> for images, <c>inch</c> for PDFs (as Document Intelligence reports).</param>
/// <param name="Lines">Text lines in reading order.</param>
/// <param name="Words">Words with confidences.</param>
/// <param name="Angle">Orientation of the text, degrees clockwise in (-180, 180] as Document Intelligence's page <c>angle</c> (a text
/// line runs along (cos, sin) of it with y pointing down); the Tesseract engine estimates it from its text lines; null when unknown
/// (the reader then estimates it from the words).</param>
public sealed record AnalyzedPage(
    int PageNumber,
    double Width,
    double Height,
    string Unit,
    IReadOnlyList<AnalyzedLine> Lines,
    IReadOnlyList<AnalyzedWord> Words,
    double? Angle = null);

/// <summary>A text line; <paramref name="Polygon"/> is x1,y1,...,x4,y4 clockwise from top-left.</summary>
public sealed record AnalyzedLine(string Content, IReadOnlyList<double> Polygon);

/// <summary>A word; <paramref name="Confidence"/> in 0..1.</summary>
public sealed record AnalyzedWord(string Content, IReadOnlyList<double> Polygon, double Confidence);

/// <summary>A recognized document (Document Intelligence's <c>documents[]</c>), e.g. <c>idDocument.passport</c>.</summary>
/// <param name="DocType">e.g. <c>idDocument.passport</c>, <c>mrz.td3</c>.</param>
/// <param name="Fields">Key fields by Document Intelligence's names (<c>MachineReadableZone</c>, <c>DocumentNumber</c>, ...).</param>
/// <param name="Confidence">0..1.</param>
public sealed record AnalyzedDocument(string DocType, IReadOnlyDictionary<string, DocumentField> Fields, double Confidence);

/// <summary>A key field: <paramref name="Type"/> is Document Intelligence's field type (<c>string</c>, <c>date</c>, ...).</summary>
/// <param name="Type">Field type.</param>
/// <param name="Content">The text as printed, for display (e.g. <c>01 JAN 7JAN 85</c>); for an MRZ the lines joined by '\n'.</param>
/// <param name="Confidence">0..1; a sub-field the service gives none (MRZ parts under <c>valueObject</c>) has its parent's.</param>
/// <param name="Value">The service's typed value as text, when it gives one: <c>valueDate</c> as <c>yyyy-MM-dd</c>,
/// <c>valueCountryRegion</c> as ISO 3166-1 alpha-3 (<c>CAN</c>), <c>valueString</c>, <c>valueNumber</c>...; null otherwise. Use it first.</param>
public sealed record DocumentField(string Type, string? Content, double Confidence, string? Value = null);
