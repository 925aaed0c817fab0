using System.Text.Json.Serialization;
using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>
/// Every input from people and systems arrives at the case orchestration as a command (the external event
/// <see cref="CaseEvents.Command"/>). <see cref="CommandId"/> makes re-sends idempotent: a command whose ID the
/// case has seen is answered with the first outcome and changes nothing.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(DocumentScanned), "documentScanned")]
[JsonDerivedType(typeof(VerifyDocument), "documentVerified")]
[JsonDerivedType(typeof(RejectDocument), "documentRejected")]
[JsonDerivedType(typeof(ClassifyDocument), "documentClassified")]
[JsonDerivedType(typeof(SubmitAssessment), "assessmentSubmitted")]
[JsonDerivedType(typeof(DecideAssessment), "assessmentDecided")]
[JsonDerivedType(typeof(SignOff), "signOff")]
[JsonDerivedType(typeof(PlaceHold), "holdPlaced")]
[JsonDerivedType(typeof(LiftHold), "holdLifted")]
[JsonDerivedType(typeof(Withdraw), "withdraw")]
[JsonDerivedType(typeof(ReminderDue), "reminderDue")]
public abstract record CaseCommand
{
    /// <summary>Unique per intended action (the HTTP <c>Idempotency-Key</c> header, or generated).</summary>
    public string CommandId { get; init; } = "";

    /// <summary>Who issued it (an anonymous actor without roles until set).</summary>
    public Actor Actor { get; init; } = Actor.Anonymous;

    /// <summary>
    /// The W3C <c>traceparent</c> of the request, queue message or blob that sent it (set by <see cref="Telemetry.CommandTrace.Stamp"/>),
    /// so the case's decision and the activities that carry it out join the sender's trace; null when nothing traced it.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// The external-event payload: the command as JSON of its base type, so the <c>type</c> discriminator is
    /// always written (serializing the runtime type would leave it out and the case could not read it).
    /// </summary>
    public System.Text.Json.JsonElement ToEventPayload() => System.Text.Json.JsonSerializer.SerializeToElement(this, PulangJson.Options);

    /// <summary>Short name used in history and audit, e.g. <c>signOff</c>.</summary>
    [JsonIgnore]
    public abstract string Name { get; }
}

/// <summary>A scan orchestration finished reading one uploaded document (small: fields and findings only, never OCR text).</summary>
/// <param name="DocumentId">ID given at upload.</param>
/// <param name="Kind">Document kind.</param>
/// <param name="BlobName">Scan blob name in the <c>scans</c> container: <c>{caseId}/{documentId}</c>.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the scan bytes.</param>
/// <param name="ContentType">Media type of the scan.</param>
/// <param name="Length">Bytes.</param>
/// <param name="Pages">Pages read.</param>
/// <param name="UploadedBy">Actor ID of the uploader.</param>
/// <param name="Fields">Extracted fields (see <see cref="FieldNames"/>).</param>
/// <param name="Findings">Reasons for review; empty means every check passed.</param>
/// <param name="AnalysisBlobName">Blob holding the full analysis JSON.</param>
public sealed record DocumentScanned(
    string DocumentId,
    DocumentKind Kind,
    string BlobName,
    string Sha256,
    string ContentType,
    long Length,
    int Pages,
    string UploadedBy,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<Finding> Findings,
    string? AnalysisBlobName) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "documentScanned";
}

/// <summary>A verifier confirmed a document that needed review, optionally correcting fields (rules: <see cref="Verification"/>).</summary>
/// <param name="DocumentId">The document.</param>
/// <param name="Corrections">Field name to corrected value (<see cref="Verification.CorrectableFields"/>); the original reading is
/// kept. Values that come from JSON may be null despite the annotation; they are refused (<c>correction.empty</c>).</param>
/// <param name="Note">Why the verifier accepted it; required when <paramref name="Acknowledge"/> is not empty.</param>
/// <param name="Acknowledge">Finding codes (e.g. <c>cross.passport-number-mismatch</c>) the verifier acknowledges: the document
/// counts although it disagrees with the case or another document in these ways.</param>
public sealed record VerifyDocument(string DocumentId, IReadOnlyDictionary<string, string>? Corrections, string? Note, IReadOnlyList<string>? Acknowledge = null) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "documentVerified";
}

/// <summary>
/// An uploader or verifier takes a document out of the case: it stops counting (checklist, dossier, comparisons) and
/// leaves every inbox, but stays stored and listed as rejected, with who, when and why. A replacement is an ordinary upload.
/// </summary>
/// <param name="DocumentId">The document.</param>
/// <param name="Reason">Why (required; null is refused as <c>rejection.reason-invalid</c>).</param>
/// <param name="Note">The person's note (optional, at most <see cref="CommandFields.MaxTextLength"/> characters), e.g. which document it duplicates.</param>
public sealed record RejectDocument(string DocumentId, RejectionReason? Reason, string? Note) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "documentRejected";
}

/// <summary>
/// A verifier says a document is of another kind: the document is rejected as <see cref="RejectionReason.WrongKind"/> and its
/// scan is read again, with that kind's reader, as a new document (<see cref="DocumentRejection.ReclassifiedAs"/>, ID from
/// <see cref="ClassifyDocument.NewDocumentId"/>) that counts like an upload once read.
/// </summary>
/// <param name="DocumentId">The document.</param>
/// <param name="Kind">The kind it really is (required; not a restricted kind).</param>
/// <param name="Note">The verifier's note (optional).</param>
public sealed record ClassifyDocument(string DocumentId, DocumentKind? Kind, string? Note) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "documentClassified";

    /// <summary>The ID of the document read again as <paramref name="kind"/>: <c>DOC-</c> and 12 characters derived from the case, the document and the kind.</summary>
    public static string NewDocumentId(string caseId, string documentId, DocumentKind kind) =>
        Identifiers.Derived("DOC-", $"{caseId}\n{documentId}\nclassified:{kind.ToRoute()}", 12);
}

/// <summary>The assessor submits the asesmen.</summary>
/// <param name="Summary">Findings of the social assessment.</param>
/// <param name="Recommendation">e.g. referral to BP3MI for reintegration.</param>
public sealed record SubmitAssessment(string Summary, string Recommendation) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "assessmentSubmitted";
}

/// <summary>The assessment supervisor approves the asesmen or sends it back with a reason.</summary>
/// <param name="Approve">True approves, false sends back (a <paramref name="Reason"/> is then required); null is refused (<c>approve.required</c>).</param>
/// <param name="Reason">Why it is sent back.</param>
public sealed record DecideAssessment(bool? Approve, string? Reason) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "assessmentDecided";
}

/// <summary>A ministry's official approves or rejects the dossier identified by <paramref name="DossierDigest"/>.</summary>
/// <param name="Ministry">The ministry signed for.</param>
/// <param name="Approve">True approves, false rejects (a <paramref name="Reason"/> is then required); null is refused (<c>approve.required</c>).</param>
/// <param name="DossierDigest">The digest the signer reviewed (64 characters, lower-case hex).</param>
/// <param name="Reason">Why the dossier is rejected.</param>
public sealed record SignOff(Ministry Ministry, bool? Approve, string DossierDigest, string? Reason) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "signOff";
}

/// <summary>An investigator places an investigation hold (blocks release).</summary>
public sealed record PlaceHold(string HoldId, string Reason) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "holdPlaced";
}

/// <summary>An investigator lifts a hold.</summary>
public sealed record LiftHold(string HoldId, string? Reason) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "holdLifted";
}

/// <summary>The case is withdrawn (e.g. duplicate registration, person left the centre).</summary>
public sealed record Withdraw(string Reason) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "withdraw";
}

/// <summary>A stage's reminder timer fired (raised by the orchestration itself, never by callers; <see cref="ReminderSchedule"/>).</summary>
/// <param name="Stage">The stage the timer was set for (<see cref="CaseState.ReminderStage"/>).</param>
/// <param name="OverdueAfter">The case is overdue at this many reminders in the stage (<see cref="ReminderOptions.OverdueAfter"/>); null: never.</param>
public sealed record ReminderDue(Stage Stage, int? OverdueAfter = null) : CaseCommand
{
    /// <inheritdoc/>
    public override string Name => "reminderDue";
}

/// <summary>Names of external events and orchestrations.</summary>
public static class CaseEvents
{
    /// <summary>The one external event name that carries every <see cref="CaseCommand"/>.</summary>
    public const string Command = "command";
}
