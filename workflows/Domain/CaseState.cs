using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>
/// What intake tells Pulang about a new case (from <c>POST /api/cases</c> or the <c>case-intake</c> queue).
/// </summary>
/// <param name="ExternalReference">The starting system's reference (e.g. the embassy manifest line); one case per reference.</param>
/// <param name="FullName">Full name as on the manifest.</param>
/// <param name="Sex">'F' or 'M'.</param>
/// <param name="BirthDate">Date of birth.</param>
/// <param name="OriginRegion">Region of origin (kabupaten/kota), e.g. <c>Kabupaten Malang</c>.</param>
/// <param name="PlacementCountry">Country of placement, e.g. <c>Malaysia</c> or ISO alpha-3.</param>
/// <param name="ArrivalDate">Date the person arrived back in Indonesia.</param>
/// <param name="Nik">NIK if known.</param>
public sealed record CaseIntake(
    string ExternalReference,
    string FullName,
    char Sex,
    DateOnly BirthDate,
    string OriginRegion,
    string PlacementCountry,
    DateOnly ArrivalDate,
    string? Nik = null)
{
    /// <summary>The person, for document checks.</summary>
    [JsonIgnore]
    public Subject Subject => new(FullName, Sex, BirthDate, Nik);
}

/// <summary>Review status of a document.</summary>
public enum DocumentStatus
{
    /// <summary>Every check passed; or a restricted document (investigation paper), which is never reviewed (its findings are kept).</summary>
    Accepted,
    /// <summary>Findings or doubts: waits for a verifier.</summary>
    NeedsReview,
    /// <summary>A verifier confirmed it (with or without corrections).</summary>
    Verified,
    /// <summary>Taken out of the case by a person (<see cref="CaseDocument.Rejection"/> says who and why): kept, listed, never counted.</summary>
    Rejected,
}

/// <summary>Why a document was taken out of a case. Route and JSON names: <c>wrong-person</c>, <c>wrong-kind</c>, <c>unreadable</c>, <c>duplicate</c>.</summary>
public enum RejectionReason
{
    /// <summary>The paper is someone else's.</summary>
    WrongPerson,
    /// <summary>Uploaded as the wrong kind (a re-classification records this too).</summary>
    WrongKind,
    /// <summary>The scan cannot be read (blurred, cut off); scan it again.</summary>
    Unreadable,
    /// <summary>The same paper is already in the case.</summary>
    Duplicate,
}

/// <summary>Names of <see cref="RejectionReason"/> in requests.</summary>
public static class RejectionReasons
{
    static readonly Dictionary<string, RejectionReason> ByName = new(StringComparer.Ordinal)
    {
        ["wrong-person"] = RejectionReason.WrongPerson,
        ["wrong-kind"] = RejectionReason.WrongKind,
        ["unreadable"] = RejectionReason.Unreadable,
        ["duplicate"] = RejectionReason.Duplicate,
    };

    /// <summary>All names, e.g. for an error message.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>Parses a name (exact, lower case); null for anything else.</summary>
    public static RejectionReason? Parse(string? name) => name is not null && ByName.TryGetValue(name, out var r) ? r : null;

    /// <summary>The name of <paramref name="reason"/>.</summary>
    public static string ToName(this RejectionReason reason) => ByName.First(p => p.Value == reason).Key;
}

/// <summary>Who took a document out of the case, when and why.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Note">The person's note, if any.</param>
/// <param name="RejectedBy">Actor ID.</param>
/// <param name="RejectedAt">UTC, orchestration clock.</param>
/// <param name="ReclassifiedAs">For a re-classification: the ID of the document its scan is read again as.</param>
/// <param name="ReclassifiedKind">For a re-classification: the kind it is read again as.</param>
public sealed record DocumentRejection(RejectionReason Reason, string? Note, string RejectedBy, DateTimeOffset RejectedAt, string? ReclassifiedAs = null, DocumentKind? ReclassifiedKind = null);

/// <summary>One scanned document of a case.</summary>
/// <remarks>
/// <see cref="Fields"/> and <see cref="Findings"/> stay as read. A verification (see <see cref="Verification"/>) adds
/// <see cref="VerifiedBy"/>, <see cref="VerifiedAt"/> (the command's orchestration time), <see cref="Corrections"/> (field to value,
/// trimmed), <see cref="VerificationNote"/> and <see cref="AcknowledgedFindings"/> (the cross-document and case findings the
/// verifier acknowledged, with both values and their sources), all null before. A rejection sets <see cref="Status"/> to
/// <see cref="DocumentStatus.Rejected"/> and <see cref="Rejection"/>; everything else stays as it was.
/// </remarks>
public sealed record CaseDocument(
    string DocumentId,
    DocumentKind Kind,
    string BlobName,
    string Sha256,
    string ContentType,
    long Length,
    int Pages,
    string UploadedBy,
    DateTimeOffset ScannedAt,
    DocumentStatus Status,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<Finding> Findings,
    string? AnalysisBlobName,
    string? VerifiedBy = null,
    IReadOnlyDictionary<string, string>? Corrections = null,
    DateTimeOffset? VerifiedAt = null,
    string? VerificationNote = null,
    IReadOnlyList<Finding>? AcknowledgedFindings = null,
    DocumentRejection? Rejection = null)
{
    /// <summary>The fields as they count: what was read (<see cref="Fields"/>, kept as read) with the verifier's corrections over it.</summary>
    public IReadOnlyDictionary<string, string> EffectiveFields =>
        Corrections is not { Count: > 0 } ? Fields : Fields.Concat(Corrections).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    /// <summary>True when the document counts for the checklist and the dossier.</summary>
    public bool Counts => Status is DocumentStatus.Accepted or DocumentStatus.Verified;
}

/// <summary>Status of the asesmen.</summary>
public enum AssessmentStatus
{
    /// <summary>Waiting for the supervisor.</summary>
    Submitted,
    /// <summary>Approved: part of the dossier.</summary>
    Approved,
    /// <summary>Sent back (by the supervisor, or by a ministry's rejection).</summary>
    SentBack,
}

/// <summary>The social assessment (asesmen).</summary>
public sealed record Assessment(
    string Summary,
    string Recommendation,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    AssessmentStatus Status,
    string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null,
    string? Reason = null);

/// <summary>One ministry decision, bound to the dossier digest it was made on.</summary>
public sealed record SignOffRecord(Ministry Ministry, bool Approve, string DossierDigest, string SignedBy, DateTimeOffset SignedAt, string? Reason);

/// <summary>
/// An investigation hold. <paramref name="Reason"/> and <paramref name="LiftReason"/> are the investigator's free text:
/// only investigators and admins see them (<see cref="WithoutReasons"/> is what everyone else sees, and what the
/// release record keeps). <paramref name="Reason"/> is always set in the case's own state.
/// </summary>
/// <param name="HoldId">Hold ID (the investigator's, or generated at the HTTP layer).</param>
/// <param name="Reason">Why the hold was placed; null only in a view without reasons.</param>
/// <param name="PlacedBy">Actor ID of the investigator.</param>
/// <param name="PlacedAt">UTC, orchestration clock.</param>
/// <param name="LiftedBy">Actor ID of the investigator who lifted it (or of the admin whose withdrawal closed it), or null while open.</param>
/// <param name="LiftedAt">UTC, or null while open.</param>
/// <param name="LiftReason">Why it was lifted (optional free text).</param>
/// <param name="ClosedByWithdrawal">True when it was still open when the case was withdrawn, and the withdrawal closed it (a
/// withdrawn case has no open hold); the case's data is then kept from retention like a held case's.</param>
public sealed record Hold(string HoldId, string? Reason, string PlacedBy, DateTimeOffset PlacedAt, string? LiftedBy = null, DateTimeOffset? LiftedAt = null, string? LiftReason = null, bool ClosedByWithdrawal = false)
{
    /// <summary>True while the hold blocks release.</summary>
    public bool IsOpen => LiftedAt is null;

    /// <summary>The hold without the investigator's free text: that a hold exists, who placed and lifted it and when.</summary>
    public Hold WithoutReasons() => this with { Reason = null, LiftReason = null };
}

/// <summary>
/// Why and by whom a case was withdrawn. <paramref name="Reason"/> is the admin's free text: like a hold's reason, only
/// investigators and admins see it (<see cref="WithoutReason"/> is what everyone else sees); it is never in an event.
/// </summary>
/// <param name="Reason">Why; null only in a view without reasons.</param>
/// <param name="WithdrawnBy">Actor ID.</param>
/// <param name="WithdrawnAt">UTC, orchestration clock.</param>
public sealed record Withdrawal(string? Reason, string WithdrawnBy, DateTimeOffset WithdrawnAt)
{
    /// <summary>The withdrawal without the free text.</summary>
    public Withdrawal WithoutReason() => this with { Reason = null };
}

/// <summary>One processed command: what it did, or why it was refused.</summary>
public sealed record HistoryEntry(DateTimeOffset At, string CommandId, string Command, string ActorId, string Detail, Refusal? Refusal = null)
{
    /// <summary>True when the command took effect.</summary>
    public bool Accepted => Refusal is null;
}

/// <summary>
/// The whole state of one case. Immutable: the <see cref="Decider"/> returns a new one for every command.
/// Carried as the orchestration's custom status, so readers see it without replaying history.
/// </summary>
public sealed record CaseState
{
    /// <summary>How many history entries the state keeps (older ones stay in the orchestration history and the audit trail).</summary>
    public const int HistoryLimit = 100;

    /// <summary>How many processed command IDs the state keeps for repeat detection.</summary>
    public const int CommandIdLimit = 1000;

    /// <summary>Case ID = orchestration instance ID.</summary>
    public required string CaseId { get; init; }
    /// <summary>What intake declared.</summary>
    public required CaseIntake Intake { get; init; }
    readonly Stage stage;
    readonly Stage? legacyStageBeforeHold;

    /// <summary>
    /// The stage the case works in. Never <see cref="Stage.OnHold"/>: holds are a set beside the stage (<see cref="OpenHolds"/>,
    /// <see cref="OnHold"/>). State written before that (stage <c>OnHold</c> with <c>stageBeforeHold</c>) reads as the stage it
    /// worked in.
    /// </summary>
    public required Stage Stage
    {
        get => stage == Stage.OnHold ? legacyStageBeforeHold ?? Stage.DocumentsPending : stage;
        init => stage = value;
    }

    /// <summary>Read only from state written while a hold was a stage (with the stage OnHold, the stage it worked in); never written.</summary>
    [JsonInclude]
    [JsonPropertyName("stageBeforeHold")]
    Stage? LegacyStageBeforeHold
    {
        get => null;
        init => legacyStageBeforeHold = value;
    }
    /// <summary>When intake was accepted.</summary>
    public required DateTimeOffset OpenedAt { get; init; }
    /// <summary>When the case entered its current <see cref="Stage"/> (null before this was recorded: read as <see cref="OpenedAt"/>).</summary>
    public DateTimeOffset? StageSince { get; init; }
    /// <summary>When the last command changed anything.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Scanned documents in scan order.</summary>
    public ImmutableList<CaseDocument> Documents { get; init; } = [];
    /// <summary>
    /// The documents others are compared with and the dossier holds: those that count (accepted or verified) and are not
    /// restricted (investigation papers, which only investigators and admins may see, are never compared nor in the dossier).
    /// </summary>
    public IEnumerable<CaseDocument> ComparableDocuments => Documents.Where(d => d.Counts && !d.Kind.IsRestricted());
    /// <summary>The current asesmen, if any.</summary>
    public Assessment? Assessment { get; init; }
    /// <summary>All sign-off decisions, oldest first.</summary>
    public ImmutableList<SignOffRecord> SignOffs { get; init; } = [];
    /// <summary>All holds, oldest first.</summary>
    public ImmutableList<Hold> Holds { get; init; } = [];
    /// <summary>The digest that sign-offs must name (set while the asesmen is approved), else null.</summary>
    public string? DossierDigest { get; init; }
    /// <summary>Commands decided so far (accepted or refused; repeats do not count).</summary>
    public int Version { get; init; }
    /// <summary>How many times an asesmen was approved; part of the dossier digest, so a dossier re-approved after a rejection is a new dossier.</summary>
    public int DossierRevision { get; init; }
    /// <summary>Reminders sent so far, in all stages (numbers the reminder events).</summary>
    public int RemindersSent { get; init; }
    /// <summary>
    /// When the case began waiting in its <see cref="ReminderStage"/>, the start of the reminder clock (null: <see cref="StageSince"/>,
    /// for state written before this was recorded). Set by the decider when the stage or the reminder stage changes.
    /// </summary>
    public DateTimeOffset? ReminderStageSince { get; init; }
    /// <summary>Reminders sent since the case began waiting in its <see cref="ReminderStage"/> (0 again in a new stage).</summary>
    public int RemindersInStage { get; init; }
    /// <summary>
    /// When the case became overdue in its <see cref="ReminderStage"/> (its <see cref="ReminderOptions.OverdueAfter"/>-th reminder
    /// there), else null; cleared when it moves to another stage.
    /// </summary>
    public DateTimeOffset? OverdueSince { get; init; }
    /// <summary>IDs and names of the last <see cref="CommandIdLimit"/> processed commands (repeat detection outlives the shorter history).</summary>
    public ImmutableList<string> ProcessedCommands { get; init; } = [];
    /// <summary>Who withdrew the case, when and why, once withdrawn (the reason only for investigators and admins: <see cref="Withdrawal"/>).</summary>
    public Withdrawal? Withdrawal { get; init; }
    /// <summary>Release time, once released.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }
    /// <summary>Last <see cref="HistoryLimit"/> processed commands, oldest first.</summary>
    public ImmutableList<HistoryEntry> History { get; init; } = [];

    /// <summary>Released or Withdrawn: no command changes it any more.</summary>
    public bool IsFinished => Stage is Stage.Released or Stage.Withdrawn;

    /// <summary>Open holds.</summary>
    [JsonIgnore]
    public IEnumerable<Hold> OpenHolds => Holds.Where(h => h.IsOpen);

    /// <summary>True while the case is open and at least one hold is open: its release waits (written in the view as <c>onHold</c>).</summary>
    public bool OnHold => !IsFinished && Holds.Any(h => h.IsOpen);

    /// <summary>
    /// The stage lists show (the case index, the custom status, a stage filter): <see cref="Stage.OnHold"/> while <see cref="OnHold"/>,
    /// else <see cref="Stage"/>. Not the stage reminders count for (<see cref="ReminderStage"/>).
    /// </summary>
    [JsonIgnore]
    public Stage ShownStage => OnHold ? Stage.OnHold : Stage;

    /// <summary>
    /// The stage whose reminder clock runs (<see cref="ReminderSchedule"/>): <see cref="Stage"/>, also while a hold is open, since a
    /// hold stops only the release and the stage's work goes on; <see cref="Stage.OnHold"/> only when the hold is all the case
    /// waits for (SignOffPending, both ministries approved the current dossier, a hold open: the release waits for its lift).
    /// </summary>
    [JsonIgnore]
    public Stage ReminderStage => OnHold && Stage == Stage.SignOffPending && DossierDigest is { } digest
        && SignOffs.Any(s => s.Ministry == Ministry.KemenP2MI && s.Approve && s.DossierDigest == digest)
        && SignOffs.Any(s => s.Ministry == Ministry.Kemensos && s.Approve && s.DossierDigest == digest)
        ? Stage.OnHold
        : Stage;

    /// <summary>True while the case is open and overdue in its stage (<see cref="OverdueSince"/>; written in the view as <c>overdue</c>).</summary>
    public bool Overdue => !IsFinished && OverdueSince is not null;

    /// <summary>
    /// The checklist's items by name (<see cref="DocumentRequirement"/>), fixed when the case opened from the deployment's
    /// <see cref="PulangOptions.RequiredDocuments"/>; null means <see cref="DocumentRequirement.DefaultNames"/> (cases opened before
    /// the list was configurable).
    /// </summary>
    public ImmutableList<string>? RequiredDocuments { get; init; }

    /// <summary>What the case still needs, computed from its documents and <see cref="RequiredDocuments"/>.</summary>
    public Checklist Checklist => Checklist.For(Documents, (RequiredDocuments ?? [.. DocumentRequirement.DefaultNames]).Select(n => DocumentRequirement.Parse(n)).OfType<DocumentRequirement>());
}

/// <summary>
/// One item of the checklist: a name (its route names joined with <c>-or-</c>, e.g. <c>passport-or-splp</c>) and the kinds any of
/// which satisfies it. Where a KTP is asked for, a family card (KK) counts too (DESIGN.md: "KTP or KK"): a verified KK, since a
/// person has checked that it holds the person (an accepted one once the KK reader checks that itself).
/// </summary>
/// <param name="Name">e.g. <c>passport-or-splp</c>, <c>ktp</c>, <c>assessment-form</c>, <c>health-screening</c>, <c>pickup-letter</c>.</param>
/// <param name="Kinds">The kinds that satisfy it (never a restricted kind).</param>
public sealed record DocumentRequirement(string Name, IReadOnlyList<DocumentKind> Kinds)
{
    /// <summary>Today's list, the default of every deployment: passport or SPLP, KTP (or KK), the social assessment form.</summary>
    public static readonly IReadOnlyList<string> DefaultNames = ["passport-or-splp", "ktp", "assessment-form"];

    /// <summary>Parses a requirement name (route names of <see cref="DocumentKind"/> joined with <c>-or-</c>); null when a part is not a kind or is restricted.</summary>
    public static DocumentRequirement? Parse(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var kinds = new List<DocumentKind>();
        foreach (var part in name.Trim().Split("-or-"))
        {
            if (!DocumentKinds.TryParse(part, out var kind) || kind.IsRestricted() || kinds.Contains(kind))
            {
                return null;
            }

            kinds.Add(kind);
        }

        return new(name.Trim(), kinds);
    }

    /// <summary>True when <paramref name="document"/> satisfies this item: it counts and is of one of <see cref="Kinds"/>, or is a verified KK where a KTP is asked for.</summary>
    public bool SatisfiedBy(CaseDocument document) =>
        document.Counts && (document.Kind == DocumentKind.Kk
            ? (Kinds.Contains(DocumentKind.Kk) || Kinds.Contains(DocumentKind.Ktp)) && document.Status == DocumentStatus.Verified
            : Kinds.Contains(document.Kind));

    /// <summary>The item in words for people, Indonesian first, e.g. <c>Paspor atau SPLP (passport or SPLP)</c>.</summary>
    public string Words =>
        $"{string.Join(" atau ", Kinds.Select(k => Indonesian(k)))}{(Kinds.Contains(DocumentKind.Ktp) && !Kinds.Contains(DocumentKind.Kk) ? " atau KK" : "")}"
        + $" ({string.Join(" or ", Kinds.Select(k => English(k)))}{(Kinds.Contains(DocumentKind.Ktp) && !Kinds.Contains(DocumentKind.Kk) ? " or KK" : "")})";

    static string Indonesian(DocumentKind kind) => kind switch
    {
        DocumentKind.Passport => "Paspor",
        DocumentKind.Splp => "SPLP",
        DocumentKind.Ktp => "KTP",
        DocumentKind.Kk => "KK",
        DocumentKind.HealthScreening => "Hasil pemeriksaan kesehatan",
        DocumentKind.AssessmentForm => "Formulir asesmen sosial",
        DocumentKind.PickupLetter => "Surat penjemputan keluarga",
        _ => "Dokumen lain",
    };

    static string English(DocumentKind kind) => kind switch
    {
        DocumentKind.Passport => "passport",
        DocumentKind.Splp => "SPLP",
        DocumentKind.Ktp => "KTP",
        DocumentKind.Kk => "family card",
        DocumentKind.HealthScreening => "health screening",
        DocumentKind.AssessmentForm => "social assessment form",
        DocumentKind.PickupLetter => "family pick-up letter",
        _ => "other document",
    };
}

/// <summary>
/// What the case still needs: each required item (<see cref="DocumentRequirement"/>; the deployment's list, fixed when the case
/// opened) and whether an accepted or verified document satisfies it. <see cref="IdentityDocument"/>, <see cref="Ktp"/> and
/// <see cref="AssessmentForm"/> say the same for today's three items, whatever the list.
/// </summary>
public sealed record Checklist(bool IdentityDocument, bool Ktp, bool AssessmentForm)
{
    /// <summary>True when all required documents are in.</summary>
    public bool Complete => Missing.Count == 0;

    /// <summary>Names of the missing items in list order, e.g. <c>passport-or-splp</c>, <c>ktp</c>, <c>assessment-form</c>.</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>The missing items in words for people (<see cref="DocumentRequirement.Words"/>), in the order of <see cref="Missing"/>.</summary>
    public IReadOnlyList<string> MissingInWords { get; init; } = [];

    /// <summary>Computes the checklist of <paramref name="documents"/> against <paramref name="requirements"/> (null: <see cref="DocumentRequirement.DefaultNames"/>).</summary>
    public static Checklist For(IEnumerable<CaseDocument> documents, IEnumerable<DocumentRequirement>? requirements = null)
    {
        var docs = documents.ToList();
        var items = (requirements ?? Default).ToList();
        var missing = items.Where(r => !docs.Any(r.SatisfiedBy)).ToList();
        bool Has(string name) => Default.First(r => r.Name == name) is var r && docs.Any(r.SatisfiedBy);
        return new(Has("passport-or-splp"), Has("ktp"), Has("assessment-form"))
        {
            Missing = [.. missing.Select(r => r.Name)],
            MissingInWords = [.. missing.Select(r => r.Words)],
        };
    }

    static readonly IReadOnlyList<DocumentRequirement> Default = [.. DocumentRequirement.DefaultNames.Select(n => DocumentRequirement.Parse(n)!)];
}
