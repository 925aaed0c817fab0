using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>
/// What an accepted command made happen, as the <see cref="Decider"/> names it (<see cref="Decision.Events"/>). Typed, so
/// nothing downstream recognises a fact by comparing stages or strings: <see cref="CaseEffects"/> turns these into effects.
/// Not persisted; a repeat or a refused command has none.
/// </summary>
public abstract record DomainEvent;

/// <summary>A scan was added to the case with the status its checks gave it.</summary>
public sealed record DocumentAdded(string DocumentId, DocumentKind Kind, DocumentStatus Status) : DomainEvent;

/// <summary>A scan with the same bytes and kind as <paramref name="Of"/> was sent again; it was not added.</summary>
public sealed record DocumentDuplicateIgnored(string DocumentId, string Of) : DomainEvent;

/// <summary>A verifier verified a document.</summary>
public sealed record DocumentVerified(string DocumentId) : DomainEvent;

/// <summary>A document was taken out of the case.</summary>
public sealed record DocumentRejected(string DocumentId, RejectionReason Reason) : DomainEvent;

/// <summary>A document was taken out as the wrong kind; its scan is read again as <paramref name="NewDocumentId"/> of <paramref name="Kind"/>.</summary>
public sealed record DocumentReclassified(string DocumentId, string NewDocumentId, DocumentKind Kind) : DomainEvent;

/// <summary>An asesmen was submitted.</summary>
public sealed record AssessmentSubmitted(string SubmittedBy) : DomainEvent;

/// <summary>The supervisor approved (<paramref name="Approved"/>) or sent back the asesmen.</summary>
public sealed record AssessmentDecided(bool Approved) : DomainEvent;

/// <summary>A ministry approved or rejected the dossier <paramref name="DossierDigest"/>.</summary>
public sealed record SignedOff(Ministry Ministry, bool Approved, string DossierDigest) : DomainEvent;

/// <summary>An investigator placed a hold; <paramref name="First"/> when the case had no other open hold (it went on hold).</summary>
public sealed record HoldPlaced(string HoldId, bool First) : DomainEvent;

/// <summary>An investigator lifted a hold; <paramref name="Last"/> when no other hold is open (the case is no longer on hold).</summary>
public sealed record HoldLifted(string HoldId, bool Last) : DomainEvent;

/// <summary>The case's (working) stage changed from <paramref name="From"/> to <paramref name="To"/>.</summary>
public sealed record StageEntered(Stage From, Stage To) : DomainEvent;

/// <summary>The dossier digest sign-offs must name changed (null: no dossier is up for sign-off any more).</summary>
public sealed record DossierChanged(string? DossierDigest) : DomainEvent;

/// <summary>Both ministries approved the current dossier <paramref name="DossierDigest"/> with no hold open: the case is released (final).</summary>
public sealed record CaseReleased(string DossierDigest) : DomainEvent;

/// <summary>An admin withdrew the case while it worked in <paramref name="Stage"/> (final). The reason stays in the state.</summary>
public sealed record CaseWithdrawn(Stage Stage) : DomainEvent;

/// <summary>
/// A withdrawal closed the open hold <paramref name="HoldId"/> (a withdrawn case has no open hold): audited like a lift by the
/// admin; no <c>case.hold-lifted</c> event, since the case does not go on (<c>case.withdrawn</c> is its last event).
/// </summary>
public sealed record HoldClosedByWithdrawal(string HoldId) : DomainEvent;

/// <summary>The stage's reminder timer fired while the case was still in <paramref name="Stage"/>: reminder number <paramref name="Number"/>.</summary>
public sealed record ReminderSent(Stage Stage, int Number, IReadOnlyList<string> Missing) : DomainEvent;

/// <summary>
/// Reminder number <paramref name="Number"/> was the <paramref name="Reminders"/>-th in <paramref name="Stage"/>, the case's overdue threshold:
/// the case is overdue there since now (once per stage). <paramref name="Since"/> is when it began waiting in the stage.
/// </summary>
public sealed record CaseOverdue(Stage Stage, DateTimeOffset Since, int Reminders, int Number) : DomainEvent;
