using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>Why the decider refused a command; maps to an HTTP status.</summary>
public enum RefusalKind
{
    /// <summary>The actor may not do this (403).</summary>
    Forbidden,
    /// <summary>The case is not in a state that allows it, or the command is stale (409).</summary>
    Conflict,
    /// <summary>The command names something the case does not have (404).</summary>
    NotFound,
    /// <summary>The command itself is malformed (400).</summary>
    Invalid,
    /// <summary>The command is well-formed but its content breaks a rule of the case, e.g. a verifier's correction that is not a valid value (422).</summary>
    Unprocessable,
}

/// <summary>
/// A refusal: <paramref name="Code"/> is stable (e.g. <c>signoff.stale-digest</c>), <paramref name="Message"/> for people, and
/// <paramref name="Errors"/> the individual problems when there are several (e.g. each refused correction of a verification), else null.
/// </summary>
public sealed record Refusal(RefusalKind Kind, string Code, string Message, IReadOnlyList<RefusalError>? Errors = null)
{
    /// <summary>True for a refusal of a command's fields (<see cref="CommandFields.Check"/>): invalid, and every error names its field.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool NamesFields => Kind == RefusalKind.Invalid && Errors is { Count: > 0 } errors && errors.All(e => e.Field is not null);

    /// <summary>The code the API answers and the audit trail records: <see cref="CommandFields.InvalidCode"/> for a refusal of fields, else <see cref="Code"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string PublicCode => NamesFields ? CommandFields.InvalidCode : Code;
}

/// <summary>
/// One problem behind a <see cref="Refusal"/>: a field's error or a finding that was not acknowledged.
/// </summary>
/// <param name="Code">Stable code, e.g. <c>correction.date</c>, <c>nik.serial</c>, <c>cross.passport-number-mismatch</c>.</param>
/// <param name="Field">The field concerned (a <see cref="FieldNames"/> value, or the name the caller sent), if any.</param>
/// <param name="Message">For people; names no personal data.</param>
/// <param name="Expected">What the other source says (the MRZ, the case, another document as <c>"{kind} {documentId}: {value}"</c>), if any.</param>
/// <param name="Actual">What the corrected document says, if any.</param>
public sealed record RefusalError(string Code, string? Field, string Message, string? Expected = null, string? Actual = null);

/// <summary>
/// The decider's answer: the new state, what happened (<see cref="DomainEvent"/>s, in order; none for a repeat or a refusal), and
/// the refusal if the command was refused (state then only gains a history entry).
/// </summary>
public sealed record Decision(CaseState State, ImmutableList<DomainEvent> Events, Refusal? Refusal)
{
    /// <summary>True when the command took effect (or was a harmless repeat).</summary>
    public bool Accepted => Refusal is null;

    /// <summary>The outgoing effects of <see cref="Events"/> (<see cref="CaseEffects.Of"/>; audit entries come from <see cref="CaseEffects.For"/>).</summary>
    public ImmutableList<Effect> Effects => CaseEffects.Of(State, Events);
}

// The case's policy. Every command is checked in this order: a repeat (same command ID) gets its first answer; a finished case
// (Released, Withdrawn) refuses everything (case.finished); the sender's roles (CommandPolicy, role.required, 403); the command's
// fields (CommandFields, 400 request.invalid with errors by field); then the row below. A hold is not a stage: the case keeps
// a set of holds beside its stage, keeps working while one is open (documents, asesmen, sign-offs), and only its release waits
// until every hold is lifted. What happened comes back as typed events (DomainEvents.cs); CaseEffects turns them into effects.
//
// command              who (CommandPolicy)        stage               guard (refusal code)                                     next stage
// -------------------  -------------------------  ------------------  -------------------------------------------------------  ------------------------------------------
// DocumentScanned      Pulang's scan workflow     any open            same document: repeat; same bytes and kind: duplicate   DocumentsPending -> AssessmentPending when the
//                                                                     (not added); disagrees with a counting one: review       checklist completes (SignOffPending if the
//                                                                                                                              asesmen is approved); SignOffPending: new digest
// VerifyDocument       verifier                   any open            visible (document.unknown), in review                    as DocumentScanned
//                                                                     (document.not-in-review), not own upload
//                                                                     (duty.verify-own-upload), Verification's rules
// RejectDocument       uploader, verifier         any open            visible (document.unknown), not rejected yet             checklist incomplete again: DocumentsPending;
//                                                                     (document.rejected)                                      else as DocumentScanned (dossier revision + 1)
// ClassifyDocument     verifier                   any open            as RejectDocument; another kind, not an investigation    as RejectDocument; the scan is read again as
//                                                                     paper (classification.same-kind)                         a new document of the new kind
// SubmitAssessment     assessor                   AssessmentPending   (stage.not-assessment); none waiting                     (stays)
//                                                                     (assessment.awaiting-decision)
// DecideAssessment     assessment-approver        AssessmentPending   one submitted (assessment.not-submitted); not own        approve: SignOffPending with a new digest;
//                                                                     (duty.approve-own-assessment)                            send back: (stays)
// SignOff              the ministry's signer      SignOffPending      (stage.not-signoff); not for both ministries             both approved the current digest and no open
//                                                                     (duty.both-ministries); current digest                   hold: Released; a rejection: AssessmentPending
//                                                                     (signoff.stale-digest); once per ministry and digest
//                                                                     (signoff.already-decided)
// PlaceHold            investigator               any open            new hold ID (hold.exists)                                (stays); the hold joins the open holds
// LiftHold             investigator               any open            known (hold.unknown), open (hold.lifted)                 (stays); the last open hold: Released if
//                                                                                                                              both ministries had approved
// Withdraw             admin                      any open            a reason                                                 Withdrawn (final); every open hold
//                                                                                                                              is closed (lifted by the admin)
// ReminderDue          the case's own timers      the timer's stage   a stage already left: nothing. The stage is the working  (stays); the OverdueAfter-th reminder
//                                                                     stage, held or not (CaseState.ReminderStage: OnHold     in the stage makes the case overdue
//                                                                     only when the hold is all it waits for)                  (once; a new stage clears it)

/// <summary>
/// The one place that holds the case rules: <c>(CaseState, Command) -> (CaseState, what happened)</c> (<see cref="DomainEvent"/>s; <see cref="CaseEffects"/> turns them into effects); the table above this class is the
/// policy at a glance. Pure: no I/O, no clock (time is passed in), deterministic, so it runs inside the orchestration and, as a
/// pre-check, in the HTTP handlers and the web app.
/// </summary>
/// <remarks>
/// Required documents: the case's checklist (<see cref="CaseState.RequiredDocuments"/>, by default passport or SPLP, KTP or a
/// verified KK, assessment form; accepted or verified); a scanned document that disagrees with a counting one (name, birth date,
/// sex, NIK, passport number: <see cref="CrossDocumentChecks"/>) needs review; a verification's corrections must be valid values for
/// the kind, and the verified document's disagreements with the case and the counting documents must be acknowledged
/// (<see cref="Verification"/>). A sign-off names the dossier digest; one for an older digest is refused.
/// </remarks>
public static class Decider
{
    /// <summary>Opens a case: the first state (DocumentsPending) and its effects.</summary>
    /// <param name="caseId">Case ID (= instance ID).</param>
    /// <param name="intake">What intake declared.</param>
    /// <param name="now">Orchestration time (UTC).</param>
    /// <param name="requiredDocuments">The checklist's items (<see cref="CaseState.RequiredDocuments"/>); null: today's list.</param>
    public static Decision Open(string caseId, CaseIntake intake, DateTimeOffset now, IReadOnlyList<string>? requiredDocuments = null)
    {
        var state = new CaseState
        {
            RequiredDocuments = requiredDocuments is null ? null : [.. requiredDocuments],
            CaseId = caseId,
            Intake = intake,
            Stage = Stage.DocumentsPending,
            OpenedAt = now,
            UpdatedAt = now,
        };
        return new(state, [], null);
    }

    /// <summary>
    /// Decides one command. Never throws for a bad command: refusals come back in <see cref="Decision.Refusal"/>
    /// with the state unchanged but for a history entry. A command whose <see cref="CaseCommand.CommandId"/> is
    /// already in the history is a repeat: it changes nothing and gets the first outcome.
    /// </summary>
    public static Decision Decide(CaseState state, CaseCommand command, DateTimeOffset now)
    {
        var key = $"{command.CommandId}|{command.Name}";
        if (state.ProcessedCommands.Contains(key))
        {
            // A repeat: the first outcome stands, nothing changes.
            var seen = state.History.LastOrDefault(h => h.CommandId == command.CommandId);
            return new(state, [], seen?.Refusal);
        }

        if (command.CommandId.Length > 0 && state.ProcessedCommands.Any(k => k.StartsWith(command.CommandId + "|", StringComparison.Ordinal)))
        {
            return new(state, [], new Refusal(RefusalKind.Invalid, "command.id-reused", $"Command ID {command.CommandId} was already used for a different command; use a new Idempotency-Key."));
        }

        if (state.IsFinished)
        {
            return Refuse(state, command, now, new Refusal(RefusalKind.Conflict, "case.finished", $"The case is {state.Stage}; it takes no more commands."));
        }

        if (!CommandPolicy.IsCommand(command.GetType()))
        {
            return Refuse(state, command, now, new Refusal(RefusalKind.Invalid, "command.unknown", $"Unknown command {command.GetType().Name}."));
        }

        // Who may send it (CommandPolicy), then its fields (CommandFields), then the rules of the case's state.
        if (!CommandPolicy.MayIssue(command.Actor, command))
        {
            return Refuse(state, command, now, new Refusal(RefusalKind.Forbidden, "role.required", CommandPolicy.Describe(command)));
        }

        if (CommandFields.Check(command) is { } invalid)
        {
            return Refuse(state, command, now, invalid);
        }

        var result = command switch
        {
            DocumentScanned c => OnDocumentScanned(state, c, now),
            VerifyDocument c => OnDocumentVerified(state, c, now),
            RejectDocument c => OnDocumentRejected(state, c, now),
            ClassifyDocument c => OnDocumentClassified(state, c, now),
            SubmitAssessment c => OnAssessmentSubmitted(state, c, now),
            DecideAssessment c => OnAssessmentDecided(state, c, now),
            SignOff c => OnSignOff(state, c, now),
            PlaceHold c => OnHoldPlaced(state, c, now),
            LiftHold c => OnHoldLifted(state, c, now),
            Withdraw c => OnWithdraw(state, c, now),
            ReminderDue c => OnReminderDue(state, c, now),
            _ => Outcome.Refused(RefusalKind.Invalid, "command.unknown", $"Unknown command {command.GetType().Name}."),
        };

        if (result.Refusal is { } refusal)
        {
            return Refuse(state, command, now, refusal);
        }

        var next = result.State!;
        var events = result.Events;
        if (next.Stage != state.Stage)
        {
            events = events.Add(new StageEntered(state.Stage, next.Stage));
        }

        if (next.DossierDigest != state.DossierDigest)
        {
            events = events.Add(new DossierChanged(next.DossierDigest));
        }

        next = next with
        {
            Version = state.Version + 1,
            UpdatedAt = next == state ? state.UpdatedAt : now,
            StageSince = next.Stage != state.Stage ? now : state.StageSince,
            History = Append(next.History, new(now, command.CommandId, command.Name, command.Actor.Id, result.Detail)),
            ProcessedCommands = Remember(next.ProcessedCommands, key),
        };
        if (next.Stage != state.Stage || next.ReminderStage != state.ReminderStage)
        {
            // A new stage to wait in: its reminder clock starts now, and it is not overdue (yet).
            next = next with { ReminderStageSince = now, RemindersInStage = 0, OverdueSince = null };
        }

        return new(next, events, null);
    }

    /// <summary>
    /// The dossier digest: lower-case hex SHA-256 over the case (<c>case:{caseId}\n</c>), the revision (<c>revision:{n}\n</c>), the counting
    /// documents except restricted ones (investigation papers are not part of the dossier) (sorted by kind then hash, as <c>doc:{kind}:{sha256}\n</c>) and the approved asesmen
    /// (<c>assessment:{submittedBy}:{decidedBy}:{sha256(summary\nrecommendation)}\n</c>). The revision makes a
    /// dossier approved again after a rejection a new dossier, even with the same documents and text.
    /// </summary>
    public static string DossierDigest(string caseId, IEnumerable<CaseDocument> documents, Assessment assessment, int revision)
    {
        var text = new StringBuilder();
        text.Append("case:").Append(caseId).Append('\n');
        text.Append("revision:").Append(revision).Append('\n');
        foreach (var d in documents.Where(d => d.Counts && !d.Kind.IsRestricted()).OrderBy(d => d.Kind).ThenBy(d => d.Sha256, StringComparer.Ordinal))
        {
            text.Append("doc:").Append(d.Kind.ToRoute()).Append(':').Append(d.Sha256).Append('\n');
        }

        text.Append("assessment:").Append(assessment.SubmittedBy).Append(':').Append(assessment.DecidedBy).Append(':')
            .Append(Identifiers.Sha256Hex(assessment.Summary + "\n" + assessment.Recommendation)).Append('\n');
        return Identifiers.Sha256Hex(text.ToString());
    }

    static Outcome OnDocumentScanned(CaseState state, DocumentScanned c, DateTimeOffset now)
    {
        if (state.Documents.Any(d => d.DocumentId == c.DocumentId))
        {
            return Outcome.Ok(state, "repeat: document already recorded");
        }

        if (state.Documents.FirstOrDefault(d => d.Sha256 == c.Sha256 && d.Kind == c.Kind && d.Status != DocumentStatus.Rejected) is { } twin)
        {
            return Outcome.Ok(state, $"duplicate of {twin.DocumentId}: same bytes, not added again", new DocumentDuplicateIgnored(c.DocumentId, twin.DocumentId));
        }

        // The same person across documents: a disagreement with a document that already counts needs a person too.
        var read = new CaseDocument(c.DocumentId, c.Kind, c.BlobName, c.Sha256, c.ContentType, c.Length, c.Pages, c.UploadedBy, now,
            DocumentStatus.NeedsReview, c.Fields, c.Findings, c.AnalysisBlobName);
        // Restricted papers (investigation) are never compared nor sent to review: nothing the case decides rests on
        // them (not in the checklist, not in the dossier), and a review would put them before verifiers, who may not
        // see them. They are filed as read, with any findings (an OCR failure) kept for the investigators.
        var findings = c.Kind.IsRestricted()
            ? [.. c.Findings]
            : c.Findings.Concat(CrossDocumentChecks.Check(read, state.ComparableDocuments)).ToList();
        var status = findings.Count == 0 || c.Kind.IsRestricted() ? DocumentStatus.Accepted : DocumentStatus.NeedsReview;
        var doc = read with { Status = status, Findings = findings };
        var next = state with { Documents = state.Documents.Add(doc) };
        return Advance(next, $"{c.Kind.ToRoute()} {c.DocumentId}: {status}" + (findings.Count > 0 ? $" ({string.Join(", ", findings.Select(f => f.Code).Distinct())})" : ""))
            .After(new DocumentAdded(c.DocumentId, c.Kind, status));
    }

    static Outcome OnDocumentVerified(CaseState state, VerifyDocument c, DateTimeOffset now)
    {
        var doc = state.Documents.FirstOrDefault(d => d.DocumentId == c.DocumentId);
        if (doc is null || !doc.Kind.VisibleTo(c.Actor))
        {
            return Outcome.Refused(RefusalKind.NotFound, "document.unknown", $"The case has no document {c.DocumentId}.");
        }

        if (doc.Status != DocumentStatus.NeedsReview)
        {
            return Outcome.Refused(RefusalKind.Conflict, "document.not-in-review", $"Document {c.DocumentId} is {doc.Status}; only documents that need review can be verified.");
        }

        if (doc.UploadedBy == c.Actor.Id)
        {
            return Outcome.Refused(RefusalKind.Forbidden, "duty.verify-own-upload", "A verifier cannot verify a document they uploaded.");
        }

        // Corrections are checked per kind, then the corrected document against the case and the counting documents
        // (Verification). The reading stays as read; corrections are kept beside it (see CaseDocument.EffectiveFields).
        var (verified, refusal) = Verification.Decide(state, doc, c, now);
        if (refusal is not null)
        {
            return Outcome.Refused(refusal);
        }

        var next = state with { Documents = state.Documents.Replace(doc, verified!) };
        return Advance(next, $"{doc.Kind.ToRoute()} {doc.DocumentId}: verified"
            + (verified!.Corrections is { Count: > 0 } corrected ? $", corrected {string.Join(", ", corrected.Keys.Order(StringComparer.Ordinal))}" : "")
            + (verified.AcknowledgedFindings is { Count: > 0 } acknowledged ? $", acknowledged {string.Join(", ", acknowledged.Select(f => f.Code).Distinct())}" : "")
            + (verified.VerificationNote is not null ? ", with a note" : ""))
            .After(new DocumentVerified(doc.DocumentId));
    }

    static Outcome OnDocumentRejected(CaseState state, RejectDocument c, DateTimeOffset now)
    {
        if (FindOpenDocument(state, c.DocumentId, c.Actor) is { Refusal: { } refusal })
        {
            return Outcome.Refused(refusal);
        }

        var doc = state.Documents.First(d => d.DocumentId == c.DocumentId);
        var next = TakeOut(state, doc, new DocumentRejection(c.Reason!.Value, Trimmed(c.Note), c.Actor.Id, now));
        return Advance(next, $"{doc.Kind.ToRoute()} {doc.DocumentId}: rejected ({c.Reason.Value.ToName()})")
            .After(new DocumentRejected(doc.DocumentId, c.Reason.Value));
    }

    static Outcome OnDocumentClassified(CaseState state, ClassifyDocument c, DateTimeOffset now)
    {
        if (FindOpenDocument(state, c.DocumentId, c.Actor) is { Refusal: { } refusal })
        {
            return Outcome.Refused(refusal);
        }

        var doc = state.Documents.First(d => d.DocumentId == c.DocumentId);
        var kind = c.Kind!.Value;
        if (doc.Kind == kind || doc.Kind.IsRestricted())
        {
            return Outcome.Refused(RefusalKind.Conflict, "classification.same-kind", doc.Kind == kind
                ? $"Document {doc.DocumentId} is already a {kind.ToRoute()}."
                : "An investigation paper is not re-classified; upload the paper again as its kind.");
        }

        var newId = ClassifyDocument.NewDocumentId(state.CaseId, doc.DocumentId, kind);
        var next = TakeOut(state, doc, new DocumentRejection(RejectionReason.WrongKind, Trimmed(c.Note), c.Actor.Id, now, newId, kind));
        return Advance(next, $"{doc.Kind.ToRoute()} {doc.DocumentId}: re-classified as {kind.ToRoute()}, read again as {newId}")
            .After(new DocumentReclassified(doc.DocumentId, newId, kind));
    }

    /// <summary>The document <paramref name="documentId"/> if <paramref name="actor"/> may see it and it is not rejected yet, else the refusal.</summary>
    static Outcome FindOpenDocument(CaseState state, string documentId, Actor actor)
    {
        var doc = state.Documents.FirstOrDefault(d => d.DocumentId == documentId);
        if (doc is null || !doc.Kind.VisibleTo(actor))
        {
            return Outcome.Refused(RefusalKind.NotFound, "document.unknown", $"The case has no document {documentId}.");
        }

        return doc.Status == DocumentStatus.Rejected
            ? Outcome.Refused(RefusalKind.Conflict, "document.rejected", $"Document {documentId} was already rejected.")
            : Outcome.Ok(state, "");
    }

    /// <summary>
    /// Takes <paramref name="doc"/> out of the case (status Rejected). When it was part of an approved dossier, the dossier
    /// gets a new revision, so sign-offs on the old one no longer count even if the same paper comes back.
    /// </summary>
    static CaseState TakeOut(CaseState state, CaseDocument doc, DocumentRejection rejection)
    {
        var next = state with { Documents = state.Documents.Replace(doc, doc with { Status = DocumentStatus.Rejected, Rejection = rejection }) };
        return doc.Counts && !doc.Kind.IsRestricted() && state.Assessment is { Status: AssessmentStatus.Approved }
            ? next with { DossierRevision = state.DossierRevision + 1 }
            : next;
    }

    static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    static Outcome OnAssessmentSubmitted(CaseState state, SubmitAssessment c, DateTimeOffset now)
    {
        if (state.Stage != Stage.AssessmentPending)
        {
            return Outcome.Refused(RefusalKind.Conflict, "stage.not-assessment", $"The case is {StageText(state)}; the asesmen is submitted in AssessmentPending.");
        }

        if (state.Assessment is { Status: AssessmentStatus.Submitted })
        {
            return Outcome.Refused(RefusalKind.Conflict, "assessment.awaiting-decision", "An asesmen is already waiting for the supervisor's decision.");
        }

        var next = state with { Assessment = new Assessment(c.Summary, c.Recommendation, c.Actor.Id, now, AssessmentStatus.Submitted) };
        return Outcome.Ok(next, "asesmen submitted", new AssessmentSubmitted(c.Actor.Id));
    }

    static Outcome OnAssessmentDecided(CaseState state, DecideAssessment c, DateTimeOffset now)
    {
        if (state.Assessment is not { Status: AssessmentStatus.Submitted } assessment || state.Stage != Stage.AssessmentPending)
        {
            return Outcome.Refused(RefusalKind.Conflict, "assessment.not-submitted", "There is no submitted asesmen waiting for a decision.");
        }

        if (assessment.SubmittedBy == c.Actor.Id)
        {
            return Outcome.Refused(RefusalKind.Forbidden, "duty.approve-own-assessment", "The assessor cannot approve their own asesmen.");
        }

        var decided = assessment with
        {
            Status = c.Approve == true ? AssessmentStatus.Approved : AssessmentStatus.SentBack,
            DecidedBy = c.Actor.Id,
            DecidedAt = now,
            Reason = c.Reason,
        };
        var next = state with { Assessment = decided };
        if (c.Approve != true)
        {
            return Outcome.Ok(next, $"asesmen sent back: {c.Reason}", new AssessmentDecided(false));
        }

        var revision = state.DossierRevision + 1;
        next = WithStage(next with { DossierRevision = revision, DossierDigest = DossierDigest(next.CaseId, next.Documents, decided, revision) }, Stage.SignOffPending);
        return Outcome.Ok(next, $"asesmen approved; dossier {next.DossierDigest![..12]}", new AssessmentDecided(true));
    }

    static Outcome OnSignOff(CaseState state, SignOff c, DateTimeOffset now)
    {
        var other = c.Ministry == Ministry.KemenP2MI ? Ministry.Kemensos : Ministry.KemenP2MI;
        if (state.SignOffs.Any(s => s.Ministry == other && s.SignedBy == c.Actor.Id))
        {
            return Outcome.Refused(RefusalKind.Forbidden, "duty.both-ministries", "One person cannot sign for both ministries.");
        }

        if (state.Stage != Stage.SignOffPending || state.DossierDigest is null)
        {
            return Outcome.Refused(RefusalKind.Conflict, "stage.not-signoff", $"The case is {StageText(state)}; sign-off happens in SignOffPending.");
        }

        if (!string.Equals(c.DossierDigest, state.DossierDigest, StringComparison.Ordinal))
        {
            return Outcome.Refused(RefusalKind.Conflict, "signoff.stale-digest", $"The sign-off names dossier {Short(c.DossierDigest)}, but the current dossier is {Short(state.DossierDigest)}. Review the current dossier and sign again.");
        }

        if (state.SignOffs.Any(s => s.Ministry == c.Ministry && s.DossierDigest == state.DossierDigest))
        {
            return Outcome.Refused(RefusalKind.Conflict, "signoff.already-decided", $"{c.Ministry} has already decided on this dossier.");
        }

        var record = new SignOffRecord(c.Ministry, c.Approve == true, c.DossierDigest, c.Actor.Id, now, c.Reason);
        var next = state with { SignOffs = state.SignOffs.Add(record) };
        if (c.Approve != true)
        {
            next = next with
            {
                Assessment = next.Assessment! with { Status = AssessmentStatus.SentBack, Reason = $"{c.Ministry} rejected the dossier: {c.Reason}" },
                DossierDigest = null,
            };
            return Outcome.Ok(WithStage(next, Stage.AssessmentPending), $"{c.Ministry} rejected: {c.Reason}; back to assessment", new SignedOff(c.Ministry, false, c.DossierDigest));
        }

        return TryRelease(next, now, $"{c.Ministry} approved").After(new SignedOff(c.Ministry, true, c.DossierDigest));
    }

    static Outcome OnHoldPlaced(CaseState state, PlaceHold c, DateTimeOffset now)
    {
        if (state.Holds.Any(h => h.HoldId == c.HoldId))
        {
            return Outcome.Refused(RefusalKind.Conflict, "hold.exists", $"Hold {c.HoldId} already exists.");
        }

        var next = state with { Holds = state.Holds.Add(new Hold(c.HoldId, c.Reason, c.Actor.Id, now)) };
        var first = !state.OnHold;
        return Outcome.Ok(next, $"hold {c.HoldId} placed", new HoldPlaced(c.HoldId, first));
    }

    static Outcome OnHoldLifted(CaseState state, LiftHold c, DateTimeOffset now)
    {
        var hold = state.Holds.FirstOrDefault(h => h.HoldId == c.HoldId);
        if (hold is null)
        {
            return Outcome.Refused(RefusalKind.NotFound, "hold.unknown", $"The case has no hold {c.HoldId}.");
        }

        if (!hold.IsOpen)
        {
            return Outcome.Refused(RefusalKind.Conflict, "hold.lifted", $"Hold {c.HoldId} was already lifted.");
        }

        var next = state with { Holds = state.Holds.Replace(hold, hold with { LiftedBy = c.Actor.Id, LiftedAt = now, LiftReason = c.Reason }) };
        if (next.OpenHolds.Any())
        {
            return Outcome.Ok(next, $"hold {c.HoldId} lifted; other holds remain", new HoldLifted(c.HoldId, false));
        }

        var outcome = next.Stage == Stage.SignOffPending
            ? TryRelease(next, now, $"hold {c.HoldId} lifted")
            : Advance(next, $"hold {c.HoldId} lifted");
        return outcome.After(new HoldLifted(c.HoldId, true));
    }

    static Outcome OnWithdraw(CaseState state, Withdraw c, DateTimeOffset now)
    {
        // The reason is kept in the state for investigators and admins only (CaseView), like a hold's: never in the history
        // every role reads, nor in the event. A withdrawn case has no open hold: the withdrawal closes each one (lifted by
        // the admin at the withdrawal, marked ClosedByWithdrawal, no lift reason of its own), each closing audited.
        var open = state.OpenHolds.ToList();
        var holds = open.Aggregate(state.Holds, (all, h) => all.Replace(h, h with { LiftedBy = c.Actor.Id, LiftedAt = now, ClosedByWithdrawal = true }));
        var next = state with { Stage = Stage.Withdrawn, Holds = holds, Withdrawal = new Withdrawal(c.Reason.Trim(), c.Actor.Id, now) };
        var detail = open.Count == 0 ? "withdrawn" : $"withdrawn; hold {string.Join(", ", open.Select(h => h.HoldId))} closed";
        return Outcome.Ok(next, detail, [new CaseWithdrawn(state.Stage), .. open.Select(h => new HoldClosedByWithdrawal(h.HoldId))]);
    }

    /// <summary>
    /// A reminder for the stage the case waits in (<see cref="CaseState.ReminderStage"/>), naming what is missing now (the state's
    /// checklist when the timer fires). The <see cref="ReminderDue.OverdueAfter"/>-th one in the stage makes the case overdue.
    /// </summary>
    static Outcome OnReminderDue(CaseState state, ReminderDue c, DateTimeOffset now)
    {
        if (state.ReminderStage != c.Stage)
        {
            return Outcome.Ok(state, "reminder for a stage already left");
        }

        var n = state.RemindersSent + 1;
        var inStage = state.RemindersInStage + 1;
        var next = state with { RemindersSent = n, RemindersInStage = inStage };
        var reminded = new ReminderSent(c.Stage, n, state.Checklist.Missing);
        if (state.OverdueSince is null && c.OverdueAfter is { } after && inStage >= after)
        {
            return Outcome.Ok(next with { OverdueSince = now }, $"reminder: {c.Stage}; overdue after {inStage} reminders",
                reminded, new CaseOverdue(c.Stage, ReminderSchedule.ClockStart(state), inStage, n));
        }

        return Outcome.Ok(next, $"reminder: {c.Stage}", reminded);
    }

    /// <summary>DocumentsPending moves on when the checklist completes; a changed dossier in SignOffPending gets a new digest.</summary>
    static Outcome Advance(CaseState next, string detail)
    {
        if (next.Stage is Stage.AssessmentPending or Stage.SignOffPending && !next.Checklist.Complete)
        {
            // A required document was taken out: the case waits for its replacement.
            return Outcome.Ok(WithStage(next with { DossierDigest = null }, Stage.DocumentsPending), detail + $"; documents incomplete again ({string.Join(", ", next.Checklist.Missing)})");
        }

        if (next.Stage == Stage.DocumentsPending && next.Checklist.Complete)
        {
            if (next.Assessment is { Status: AssessmentStatus.Approved } approved)
            {
                // Complete again after a rejection, with the asesmen already approved: the new dossier goes to sign-off.
                var digest = DossierDigest(next.CaseId, next.Documents, approved, next.DossierRevision);
                return Outcome.Ok(WithStage(next with { DossierDigest = digest }, Stage.SignOffPending), detail + $"; documents complete, dossier {digest[..12]}");
            }

            return Outcome.Ok(WithStage(next, Stage.AssessmentPending), detail + "; documents complete");
        }

        if (next.Stage == Stage.SignOffPending && next.Assessment is { Status: AssessmentStatus.Approved } a)
        {
            var digest = DossierDigest(next.CaseId, next.Documents, a, next.DossierRevision);
            if (digest != next.DossierDigest)
            {
                return Outcome.Ok(next with { DossierDigest = digest }, detail + $"; dossier changed to {digest[..12]}, earlier sign-offs no longer count");
            }
        }

        return Outcome.Ok(next, detail);
    }

    static Outcome TryRelease(CaseState next, DateTimeOffset now, string detail)
    {
        bool Approved(Ministry m) => next.SignOffs.Any(s => s.Ministry == m && s.Approve && s.DossierDigest == next.DossierDigest);
        if (next.Stage != Stage.SignOffPending || !Approved(Ministry.KemenP2MI) || !Approved(Ministry.Kemensos))
        {
            return Outcome.Ok(next, detail);
        }

        if (next.OnHold)
        {
            return Outcome.Ok(next, detail + "; release waits for the hold");
        }

        var released = next with { Stage = Stage.Released, ReleasedAt = now };
        return Outcome.Ok(released, detail + "; released", new CaseReleased(next.DossierDigest!));
    }

    static CaseState WithStage(CaseState s, Stage stage) => s with { Stage = stage };

    static Decision Refuse(CaseState state, CaseCommand command, DateTimeOffset now, Refusal refusal)
    {
        var next = state with
        {
            Version = state.Version + 1,
            History = Append(state.History, new(now, command.CommandId, command.Name, command.Actor.Id, refusal.Message, refusal)),
            ProcessedCommands = Remember(state.ProcessedCommands, $"{command.CommandId}|{command.Name}"),
        };
        return new(next, [], refusal);
    }

    static ImmutableList<string> Remember(ImmutableList<string> ids, string key)
    {
        ids = ids.Add(key);
        return ids.Count > CaseState.CommandIdLimit ? ids.RemoveRange(0, ids.Count - CaseState.CommandIdLimit) : ids;
    }

    static ImmutableList<HistoryEntry> Append(ImmutableList<HistoryEntry> history, HistoryEntry entry)
    {
        history = history.Add(entry);
        return history.Count > CaseState.HistoryLimit ? history.RemoveRange(0, history.Count - CaseState.HistoryLimit) : history;
    }

    static string StageText(CaseState s) => s.OnHold ? $"{s.Stage} (on hold)" : s.Stage.ToString();

    static string Short(string? digest) => digest is { Length: >= 12 } ? digest[..12] : digest ?? "(none)";

    readonly record struct Outcome(CaseState? State, ImmutableList<DomainEvent> Events, Refusal? Refusal, string Detail)
    {
        public static Outcome Ok(CaseState state, string detail, params DomainEvent[] events) => new(state, [.. events], null, detail);

        /// <summary>This outcome with <paramref name="e"/> as what happened first.</summary>
        public Outcome After(DomainEvent e) => this with { Events = Events.Insert(0, e) };

        public static Outcome Refused(RefusalKind kind, string code, string message) => new(null, [], new Refusal(kind, code, message), "");

        public static Outcome Refused(Refusal refusal) => new(null, [], refusal, "");
    }
}
