namespace Pulang.Workflows.Domain;

/// <summary>
/// One fact for the case's audit trail, before it gets its place in the chain (sequence number and
/// <c>prev</c> hash are assigned when it is appended). Never holds personal data: actor IDs, role names,
/// action names, refusal codes and IDs only.
/// </summary>
/// <param name="EntryId">Deterministic ID of the fact (e.g. <c>{caseId}:{commandId}:{command}</c>): appending the same entry ID twice writes it once.</param>
/// <param name="Time">When it happened (UTC; orchestration time for commands decided by the case).</param>
/// <param name="ActorId">Who did it (token subject, or <c>system:pulang</c>).</param>
/// <param name="Roles">The actor's roles at the time.</param>
/// <param name="Action">Command name (<c>signOff</c>, <c>documentVerified</c>, ...), or <c>upload</c>, <c>download</c>, <c>release</c>, <c>overdue</c>, <c>caseOpened</c>.</param>
/// <param name="Outcome"><c>accepted</c> or <c>refused</c>.</param>
/// <param name="Code">Refusal code when refused (e.g. <c>duty.approve-own-assessment</c>), else null.</param>
/// <param name="Target">What the action was about (document ID, hold ID, ministry), or null.</param>
public sealed record AuditRecord(
    string EntryId,
    DateTimeOffset Time,
    string ActorId,
    IReadOnlyList<string> Roles,
    string Action,
    string Outcome,
    string? Code,
    string? Target)
{
    /// <summary>The outcome of an action that took effect.</summary>
    public const string Accepted = "accepted";

    /// <summary>The outcome of an action that was refused.</summary>
    public const string Refused = "refused";
}

/// <summary>Append <paramref name="Record"/> to the case's audit trail (<c>audit/{caseId}.log</c>); idempotent by entry ID.</summary>
public sealed record AppendAudit(string CaseId, AuditRecord Record) : Effect;

/// <summary>
/// Pure rules for what the case orchestration writes to the audit trail: one entry per decided command
/// (accepted or refused; harmless repeats of a processed command write nothing new), one when the case opens,
/// and one more when a command releases the case.
/// </summary>
public static class AuditTrail
{
    /// <summary>The entry for a case that was just opened.</summary>
    public static AppendAudit Opened(string caseId, DateTimeOffset now) =>
        new(caseId, new AuditRecord($"{caseId}:opened", now, Actor.System.Id, [], "caseOpened", AuditRecord.Accepted, null, null));

    /// <summary>
    /// The audit effects for <paramref name="command"/> decided on <paramref name="before"/> with result
    /// <paramref name="decision"/>: empty for a repeat (the first outcome's entry stands), else the command's entry, plus a
    /// <c>holdLifted</c> entry (by the same actor) for each hold a withdrawal closed (<see cref="HoldClosedByWithdrawal"/>),
    /// an <c>overdue</c> entry (target: the stage) when a reminder made the case overdue (<see cref="CaseOverdue"/>) and a
    /// <c>release</c> entry when it released the case (<see cref="CaseReleased"/>).
    /// </summary>
    public static IReadOnlyList<AppendAudit> For(CaseState before, CaseCommand command, Decision decision, DateTimeOffset now)
    {
        if (before.ProcessedCommands.Contains($"{command.CommandId}|{command.Name}"))
        {
            return [];
        }

        var caseId = before.CaseId;
        var entries = new List<AppendAudit>
        {
            new(caseId, new AuditRecord($"{caseId}:{command.CommandId}:{command.Name}", now, command.Actor.Id, [.. command.Actor.Roles], command.Name,
                decision.Accepted ? AuditRecord.Accepted : AuditRecord.Refused, decision.Refusal?.PublicCode, TargetOf(command))),
        };
        foreach (var closed in decision.Events.OfType<HoldClosedByWithdrawal>())
        {
            entries.Add(new(caseId, new AuditRecord($"{caseId}:{command.CommandId}:holdLifted:{closed.HoldId}", now, command.Actor.Id, [.. command.Actor.Roles],
                "holdLifted", AuditRecord.Accepted, null, closed.HoldId)));
        }

        foreach (var overdue in decision.Events.OfType<CaseOverdue>())
        {
            entries.Add(new(caseId, new AuditRecord($"{caseId}:overdue:{overdue.Stage}:{overdue.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)}", now, Actor.System.Id, [], "overdue", AuditRecord.Accepted, null, overdue.Stage.ToString())));
        }

        foreach (var released in decision.Events.OfType<CaseReleased>())
        {
            entries.Add(new(caseId, new AuditRecord($"{caseId}:released", now, Actor.System.Id, [], "release", AuditRecord.Accepted, null, released.DossierDigest)));
        }

        return entries;
    }

    /// <summary>What a command is about, without personal data: document ID, hold ID or ministry.</summary>
    public static string? TargetOf(CaseCommand command) => command switch
    {
        DocumentScanned c => c.DocumentId,
        VerifyDocument c => c.DocumentId,
        RejectDocument c => c.DocumentId,
        ClassifyDocument c => c.DocumentId,
        SignOff c => c.Ministry.ToString(),
        PlaceHold c => c.HoldId,
        LiftHold c => c.HoldId,
        ReminderDue c => c.Stage.ToString(),
        _ => null,
    };
}

/// <summary>
/// The head of a case's audit trail at some point: how many entries the log held and the <c>hash</c> of the last of
/// them (<see cref="AuditRecord"/> once appended). Kept outside the log (the case's index row, the release record,
/// the <c>case.released</c> event), it shows when entries were later removed from the end or the log rewritten.
/// </summary>
/// <param name="Sequence">1-based sequence number of the entry (= number of entries up to and including it).</param>
/// <param name="Hash">That entry's <c>hash</c> field: lower-case hex SHA-256 of its canonical JSON with <c>hash</c> null (it covers <c>prev</c>, so the whole chain before it).</param>
public sealed record AuditHead(long Sequence, string Hash);

/// <summary>
/// What the case index says a case's audit trail must hold: the anchor recorded after the last append, and whether
/// the case has committed its first decision (its case view exists), which means its log holds at least the
/// opening entry.
/// </summary>
/// <param name="CaseId">The case.</param>
/// <param name="Opened">True when the index row has a view version: the case's first commit (which appends <c>caseOpened</c> before it writes the view) is done.</param>
/// <param name="Head">The anchored head, or null when none was recorded yet.</param>
public sealed record AuditAnchor(string CaseId, bool Opened, AuditHead? Head);
