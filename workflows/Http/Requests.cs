using System.Globalization;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Http;

/// <summary>Body of <c>POST .../assessment</c>.</summary>
/// <param name="Summary">The asesmen's findings on the PMI's situation (required).</param>
/// <param name="Recommendation">What should happen next, e.g. referral to BP3MI for reintegration (required).</param>
public sealed record AssessmentRequest(string? Summary, string? Recommendation);

/// <summary>Body of <c>POST .../assessment/decision</c>: <c>approve</c> true, or false with a <c>reason</c>.</summary>
/// <param name="Approve"><c>true</c> approves the asesmen, <c>false</c> sends it back to the assessor (required).</param>
/// <param name="Reason">Why it is sent back (required when <paramref name="Approve"/> is <c>false</c>).</param>
public sealed record AssessmentDecisionRequest(bool? Approve, string? Reason);

/// <summary>Body of <c>POST .../signoffs/{ministry}</c>: the dossier digest the signer reviewed.</summary>
/// <param name="Approve"><c>true</c> signs the dossier off, <c>false</c> rejects it (required).</param>
/// <param name="DossierDigest">The case's <c>dossierDigest</c> from <c>GET /api/cases/{id}</c> (SHA-256, 64 hex characters):
/// a sign-off counts only for the dossier the signer saw (required).</param>
/// <param name="Reason">Why the dossier is rejected (required when <paramref name="Approve"/> is <c>false</c>).</param>
public sealed record SignOffRequest(bool? Approve, string? DossierDigest, string? Reason);

/// <summary>Body of <c>POST .../holds</c>.</summary>
/// <param name="Reason">Why the case is held, e.g. a trafficking investigation (required).</param>
public sealed record HoldRequest(string? Reason);

/// <summary>Body of <c>POST .../withdraw</c> and optional body of <c>DELETE .../holds/{holdId}</c>.</summary>
/// <param name="Reason">Why the case is withdrawn (required) or the hold lifted (optional).</param>
public sealed record ReasonRequest(string? Reason);

/// <summary>
/// Body of <c>POST .../documents/{documentId}/verification</c>: corrections by field name (<see cref="Verification.CorrectableFields"/>),
/// a note, and the finding codes the verifier acknowledges (a note is then required). Example:
/// <c>{"corrections":{"passportNumber":"X1234567"},"note":"checked against the paper","acknowledge":["cross.name-mismatch"]}</c>.
/// </summary>
/// <param name="Corrections">Field name (one of the document kind's correctable fields, e.g. <c>nik</c>, <c>passportNumber</c>) to the
/// corrected value; null or empty confirms the reading as it is. Each value is checked (422 <c>verification.invalid-correction</c>); the
/// OCR reading is kept beside the correction.</param>
/// <param name="Note">The verifier's note (optional; required with <paramref name="Acknowledge"/>).</param>
/// <param name="Acknowledge">Finding codes of the document's conflicts with the case or other documents that the verifier accepts
/// knowingly (otherwise 409 <c>verification.conflict</c>).</param>
public sealed record VerificationRequest(Dictionary<string, string>? Corrections, string? Note, List<string>? Acknowledge = null);

/// <summary>Body of <c>POST .../documents/{documentId}/rejection</c>: <c>{"reason":"wrong-person","note":"..."}</c>.</summary>
/// <param name="Reason">One of <c>wrong-person</c>, <c>wrong-kind</c>, <c>unreadable</c>, <c>duplicate</c> (required).</param>
/// <param name="Note">Optional note, e.g. which document it duplicates (at most 2000 characters).</param>
public sealed record RejectionRequest(string? Reason, string? Note);

/// <summary>Body of <c>POST .../documents/{documentId}/classification</c>: <c>{"kind":"ktp","note":"..."}</c>.</summary>
/// <param name="Kind">The document kind's route name (e.g. <c>ktp</c>, <c>kk</c>; not <c>investigation</c>; required).</param>
/// <param name="Note">Optional note.</param>
public sealed record ClassificationRequest(string? Kind, string? Note);
