using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;

namespace Pulang.Tests.Domain;

/// <summary>Fictional actors, commands and states for the decider tests (no real personal data).</summary>
static class Fx
{
    public const string CaseId = "case-test-0001";

    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public static readonly CaseIntake Intake = new(
        "manifest-test-42", "TESTA CONTOH WATI", 'F', new DateOnly(1995, 4, 17), "Kabupaten Contoh", "Malaysia", new DateOnly(2026, 2, 27));

    public static readonly Actor Uploader = new("user:uploader-1", [Roles.Uploader]);
    public static readonly Actor Uploader2 = new("user:uploader-2", [Roles.Uploader]);
    public static readonly Actor Verifier = new("user:verifier-1", [Roles.Verifier]);
    /// <summary>A verifier who also uploads (for the verify-own-upload rule).</summary>
    public static readonly Actor UploaderVerifier = new("user:upver-1", [Roles.Uploader, Roles.Verifier]);
    public static readonly Actor Assessor = new("user:assessor-1", [Roles.Assessor]);
    public static readonly Actor Approver = new("user:supervisor-1", [Roles.AssessmentApprover]);
    /// <summary>Holds both assessor and approver roles (for the approve-own rule).</summary>
    public static readonly Actor AssessorApprover = new("user:both-1", [Roles.Assessor, Roles.AssessmentApprover]);
    public static readonly Actor P2mi = new("user:p2mi-1", [Roles.P2miSigner]);
    public static readonly Actor P2mi2 = new("user:p2mi-2", [Roles.P2miSigner]);
    public static readonly Actor Kemensos = new("user:kemensos-1", [Roles.KemensosSigner]);
    /// <summary>Holds both signer roles (for the both-ministries rule).</summary>
    public static readonly Actor DualSigner = new("user:dual-1", [Roles.P2miSigner, Roles.KemensosSigner]);
    public static readonly Actor Investigator = new("user:investigator-1", [Roles.Investigator]);
    public static readonly Actor Investigator2 = new("user:investigator-2", [Roles.Investigator]);
    public static readonly Actor Admin = new("user:admin-1", [Roles.Admin]);
    public static readonly Actor Reader = new("user:reader-1", [Roles.Reader]);

    static int next;
    static long clock;

    public static string NewId(string prefix) => $"{prefix}-{Interlocked.Increment(ref next)}";

    /// <summary>A strictly increasing time, so every decision has its own timestamp.</summary>
    public static DateTimeOffset Now() => T0.AddMinutes(Interlocked.Increment(ref clock));

    public static string Sha(string label) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(label)));

    public static Finding Finding(string code = "mrz.check-digit") => new(code, "Fictional finding for a test.");

    public static DocumentScanned Scanned(DocumentKind kind, string? documentId = null, string? sha = null, Actor? actor = null,
        IReadOnlyList<Finding>? findings = null, IReadOnlyDictionary<string, string>? fields = null, string? uploadedBy = null, string? commandId = null)
    {
        var id = documentId ?? NewId("doc");
        return new DocumentScanned(id, kind, $"{CaseId}/{id}", sha ?? Sha(id), "image/png", 1234, 1, uploadedBy ?? Uploader.Id,
            fields ?? new Dictionary<string, string> { [FieldNames.FullName] = "TESTA CONTOH WATI" }, findings ?? [], $"{CaseId}/{id}.analysis.json")
        {
            CommandId = commandId ?? NewId("cmd"),
            Actor = actor ?? Actor.System,
        };
    }

    public static VerifyDocument Verified(string documentId, Actor? actor = null, IReadOnlyDictionary<string, string>? corrections = null,
        IReadOnlyList<string>? acknowledge = null, string? note = "checked against the paper") =>
        new(documentId, corrections, note, acknowledge) { CommandId = NewId("cmd"), Actor = actor ?? Verifier };

    public static SubmitAssessment Submitted(string summary = "Fictional summary of the asesmen.", string recommendation = "Refer to BP3MI for reintegration.", Actor? actor = null) =>
        new(summary, recommendation) { CommandId = NewId("cmd"), Actor = actor ?? Assessor };

    public static DecideAssessment Decided(bool approve, string? reason = null, Actor? actor = null) =>
        new(approve, reason) { CommandId = NewId("cmd"), Actor = actor ?? Approver };

    public static SignOff Sign(Ministry ministry, string digest, bool approve = true, string? reason = null, Actor? actor = null) =>
        new(ministry, approve, digest, reason) { CommandId = NewId("cmd"), Actor = actor ?? (ministry == Ministry.KemenP2MI ? P2mi : Kemensos) };

    public static PlaceHold Hold(string holdId, string reason = "TPPO investigation (fictional)", Actor? actor = null) =>
        new(holdId, reason) { CommandId = NewId("cmd"), Actor = actor ?? Investigator };

    public static LiftHold Lift(string holdId, string? reason = "cleared", Actor? actor = null) =>
        new(holdId, reason) { CommandId = NewId("cmd"), Actor = actor ?? Investigator };

    public static Withdraw Withdraw(string reason = "duplicate registration", Actor? actor = null) =>
        new(reason) { CommandId = NewId("cmd"), Actor = actor ?? Admin };

    public static ReminderDue Reminder(Stage stage, Actor? actor = null, int? overdueAfter = null) =>
        new(stage, overdueAfter) { CommandId = NewId("reminder"), Actor = actor ?? Actor.System };

    /// <summary>A freshly opened case (DocumentsPending).</summary>
    public static CaseState Opened() => Decider.Open(CaseId, Intake, T0).State;

    /// <summary>Decides and asserts the command was accepted.</summary>
    public static Decision Ok(CaseState state, CaseCommand command)
    {
        var d = Decider.Decide(state, command, Now());
        Assert.True(d.Accepted, $"{command.Name} was refused: {d.Refusal?.Code} {d.Refusal?.Message}");
        return d;
    }

    /// <summary>Applies commands that must all be accepted.</summary>
    public static CaseState Apply(CaseState state, params CaseCommand[] commands)
    {
        foreach (var c in commands)
        {
            state = Ok(state, c).State;
        }

        return state;
    }

    /// <summary>Passport, KTP and assessment form, all clean: AssessmentPending.</summary>
    public static CaseState WithDocuments(CaseState? state = null) =>
        Apply(state ?? Opened(),
            Scanned(DocumentKind.Passport, "doc-passport"),
            Scanned(DocumentKind.Ktp, "doc-ktp"),
            Scanned(DocumentKind.AssessmentForm, "doc-form"));

    public static CaseState WithSubmitted(CaseState? state = null) => Apply(state ?? WithDocuments(), Submitted());

    /// <summary>Asesmen approved: SignOffPending with a digest.</summary>
    public static CaseState WithApproved(CaseState? state = null) => Apply(state ?? WithSubmitted(), Decided(true));

    /// <summary>Both ministries approved: Released.</summary>
    public static CaseState Released()
    {
        var s = WithApproved();
        return Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!), Sign(Ministry.Kemensos, s.DossierDigest!));
    }

    public static CaseState Withdrawn() => Apply(WithDocuments(), Withdraw());

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, PulangJson.Options);

    /// <summary>
    /// Asserts a refusal of the given kind and code, and that the state is unchanged except for exactly one history
    /// entry that records the refusal.
    /// </summary>
    public static Decision Refused(CaseState before, CaseCommand command, RefusalKind kind, string code)
    {
        var d = Decider.Decide(before, command, Now());
        Assert.False(d.Accepted, $"{command.Name} was accepted but should be refused with {code}");
        Assert.Equal(kind, d.Refusal!.Kind);
        Assert.Equal(code, d.Refusal.Code);
        Assert.False(string.IsNullOrWhiteSpace(d.Refusal.Message));
        Assert.Empty(d.Effects);
        AssertUnchangedButHistory(before, d.State);
        var entry = d.State.History[^1];
        Assert.Equal(command.CommandId, entry.CommandId);
        Assert.Equal(command.Name, entry.Command);
        Assert.Equal(command.Actor.Id, entry.ActorId);
        Assert.False(entry.Accepted);
        Assert.Equal(d.Refusal, entry.Refusal);
        return d;
    }

    /// <summary>Everything but History (and the processed command IDs) is equal, and History grew by exactly one entry (or stayed at the cap).</summary>
    public static void AssertUnchangedButHistory(CaseState before, CaseState after)
    {
        Assert.Equal(Json(before with { History = [], ProcessedCommands = [], Version = 0 }), Json(after with { History = [], ProcessedCommands = [], Version = 0 }));
        var expected = Math.Min(before.History.Count + 1, CaseState.HistoryLimit);
        Assert.Equal(expected, after.History.Count);
        Assert.Equal(before.History.Skip(before.History.Count + 1 - expected), after.History.Take(expected - 1));
    }

    /// <summary>Everything that matters for the case is equal (ignores History, processed command IDs and UpdatedAt).</summary>
    public static void AssertSameCase(CaseState before, CaseState after) =>
        Assert.Equal(Json(before with { History = [], ProcessedCommands = [], Version = 0, UpdatedAt = default }), Json(after with { History = [], ProcessedCommands = [], Version = 0, UpdatedAt = default }));

    public static ImmutableList<Effect> NoEffects => [];
}
