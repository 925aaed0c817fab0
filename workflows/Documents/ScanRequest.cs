namespace Pulang.Workflows.Documents;

/// <summary>One uploaded scan to read. Passes blob names, never bytes or OCR text.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="DocumentId">Document ID (the scan blob is <c>{caseId}/{documentId}</c> in <c>scans</c>).</param>
/// <param name="Kind">What the uploader said it is.</param>
/// <param name="BlobName">Scan blob name.</param>
/// <param name="ContentType">Media type.</param>
/// <param name="Sha256">Lower-case hex SHA-256 computed while uploading.</param>
/// <param name="Length">Bytes.</param>
/// <param name="UploadedBy">Actor ID of the uploader.</param>
/// <param name="Subject">The person the case is about, for the checks.</param>
/// <param name="TraceParent">W3C <c>traceparent</c> of the upload (or blob) that asked for the reading: the reading and the case's <c>DocumentScanned</c> command join its trace.</param>
public sealed record ScanRequest(string CaseId, string DocumentId, DocumentKind Kind, string BlobName, string ContentType, string Sha256, long Length, string UploadedBy, Subject Subject, string? TraceParent = null);

/// <summary>What reading a scan produced (small).</summary>
/// <param name="Pages">Pages read.</param>
/// <param name="Fields">Extracted fields.</param>
/// <param name="Findings">Reasons for review.</param>
/// <param name="AnalysisBlobName">Blob with the full analysis JSON, <c>{caseId}/{documentId}.analysis.json</c>.</param>
public sealed record ScanResult(int Pages, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<Finding> Findings, string? AnalysisBlobName);
