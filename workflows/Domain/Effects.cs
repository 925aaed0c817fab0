using System.Text.Json.Serialization;
using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>What the world must do for a decision (<see cref="CaseEffects"/>); the case orchestration commits them in order in one activity.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(PublishCaseEvent), "publishCaseEvent")]
[JsonDerivedType(typeof(WriteReleaseRecord), "writeReleaseRecord")]
[JsonDerivedType(typeof(AppendAudit), "appendAudit")]
public abstract record Effect;

/// <summary>
/// Put an outgoing event on the <c>case-events</c> queue. <paramref name="EventId"/> is stable for the same
/// fact (e.g. <c>{caseId}:released</c>) so consumers can recognize repeats.
/// </summary>
/// <param name="EventId">Stable ID.</param>
/// <param name="EventType">e.g. <c>case.released</c>, <c>case.on-hold</c>, <c>case.reminder</c>, <c>case.overdue</c>, <c>case.withdrawn</c>.</param>
/// <param name="CaseId">The case.</param>
/// <param name="Data">Small event data without personal data (stage, reasons, digests).</param>
public sealed record PublishCaseEvent(string EventId, string EventType, string CaseId, IReadOnlyDictionary<string, string> Data) : Effect
{
    /// <summary>
    /// True for the event of a release (<see cref="CaseEffects"/>): the commit adds the head of the audit trail after the
    /// <c>release</c> entry to its data (<c>auditSequence</c>, <c>auditHead</c>). Written only when true.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool WithAuditHead { get; init; }
}

/// <summary>Write the release record JSON to the <c>releases</c> container as <c>{caseId}.json</c>.</summary>
public sealed record WriteReleaseRecord(ReleaseRecord Record) : Effect;

/// <summary>
/// The proof of release: the dossier that was signed and every decision on it.
/// </summary>
/// <param name="CaseId">Case ID.</param>
/// <param name="ExternalReference">The starting system's reference.</param>
/// <param name="Subject">The person released.</param>
/// <param name="ReleasedAt">UTC, from the orchestration clock.</param>
/// <param name="DossierDigest">Lower-case hex SHA-256 over the accepted documents and the approved asesmen.</param>
/// <param name="Documents">The documents in the dossier.</param>
/// <param name="Assessment">The approved asesmen.</param>
/// <param name="SignOffs">Every sign-off decision on the case (including older digests).</param>
/// <param name="Holds">Every hold ever placed, without the investigator's reasons (<see cref="Hold.WithoutReasons"/>): the record is readable by every role.</param>
/// <param name="AuditHead">
/// The case's audit trail at release: sequence number and <c>hash</c> of its <c>release</c> entry (appended before
/// this record is written). A copy outside the log and the case index: whoever keeps this record (or the
/// <c>case.released</c> event, which carries the same two values) can later check that the log still holds that
/// entry unchanged. Null only for a case whose generation did not write the audit trail.
/// </param>
public sealed record ReleaseRecord(
    string CaseId,
    string ExternalReference,
    Subject Subject,
    DateTimeOffset ReleasedAt,
    string DossierDigest,
    IReadOnlyList<DossierDocument> Documents,
    Assessment Assessment,
    IReadOnlyList<SignOffRecord> SignOffs,
    IReadOnlyList<Hold> Holds,
    AuditHead? AuditHead = null);

/// <summary>A document as it enters the dossier digest.</summary>
public sealed record DossierDocument(string DocumentId, DocumentKind Kind, string Sha256, string? VerifiedBy);
