using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>
/// Who may send each command: the one table that the <see cref="Decider"/>, the HTTP API's early 403 and the web
/// app's actions all read. A command's own guards (separation of duties, stage, digest) stay in the decider; this
/// table says only which roles may try.
/// </summary>
public static class CommandPolicy
{
    /// <summary>
    /// Roles that may send a command of type <typeparamref name="T"/>. Empty for commands only Pulang's own workflows
    /// send (<see cref="DocumentScanned"/>, <see cref="ReminderDue"/>). For <see cref="SignOff"/> either signer role may
    /// try; the decider then requires the signer role of the command's own ministry (<see cref="Roles.SignerFor"/>).
    /// </summary>
    public static IReadOnlyList<string> RolesFor<T>() where T : CaseCommand => RolesFor(typeof(T));

    /// <summary>Roles that may send a command of <paramref name="commandType"/> (a <see cref="CaseCommand"/> subtype); see <see cref="RolesFor{T}"/>.</summary>
    /// <exception cref="ArgumentException">The type is not a known command.</exception>
    public static IReadOnlyList<string> RolesFor(Type commandType) =>
        Table.TryGetValue(commandType, out var roles) ? roles : throw new ArgumentException($"{commandType.Name} is not a case command.", nameof(commandType));

    /// <summary>Roles that may upload a scan of <paramref name="kind"/>: investigators and admins for restricted papers, else uploaders and admins.</summary>
    public static IReadOnlyList<string> UploadRoles(DocumentKind kind) => kind.IsRestricted() ? RestrictedUpload : Upload;

    /// <summary>True when <paramref name="actor"/> holds a role that may send <paramref name="command"/> (for a sign-off: its ministry's signer role).</summary>
    public static bool MayIssue(Actor actor, CaseCommand command) => command switch
    {
        DocumentScanned or ReminderDue => actor.IsSystem,
        SignOff s => actor.Has(Roles.SignerFor(s.Ministry)),
        _ => RolesFor(command.GetType()).Any(actor.Has),
    };

    /// <summary>The name of a command type as in history and audit (<see cref="CaseCommand.Name"/>, its JSON type discriminator), e.g. <c>signOff</c>.</summary>
    public static string NameOf<T>() where T : CaseCommand =>
        typeof(CaseCommand).GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().Single(a => a.DerivedType == typeof(T)).TypeDiscriminator as string
        ?? throw new ArgumentException($"{typeof(T).Name} has no type name.");

    /// <summary>True when <paramref name="commandType"/> is a case command this table knows.</summary>
    public static bool IsCommand(Type commandType) => Table.ContainsKey(commandType);

    /// <summary>Who may send <paramref name="command"/>, in words (the message of a <c>role.required</c> refusal).</summary>
    public static string Describe(CaseCommand command) => command switch
    {
        DocumentScanned => "Only Pulang's scan workflow reports scanned documents.",
        ReminderDue => "Reminders come from the case's own timers.",
        SignOff s => $"Only a {Roles.SignerFor(s.Ministry)} can sign for {s.Ministry}.",
        _ => $"{command.Name} needs one of the roles {string.Join(", ", RolesFor(command.GetType()))}.",
    };

    /// <summary>True when <paramref name="actor"/> holds any role that may send a <typeparamref name="T"/> (what the web app shows as an action).</summary>
    public static bool MayTry<T>(Actor actor) where T : CaseCommand => RolesFor<T>().Any(actor.Has);

    static readonly IReadOnlyList<string> Upload = [Roles.Uploader, Roles.Admin];
    static readonly IReadOnlyList<string> RestrictedUpload = [Roles.Investigator, Roles.Admin];

    static readonly Dictionary<Type, IReadOnlyList<string>> Table = new()
    {
        [typeof(DocumentScanned)] = [],
        [typeof(ReminderDue)] = [],
        [typeof(VerifyDocument)] = [Roles.Verifier],
        [typeof(RejectDocument)] = [Roles.Uploader, Roles.Verifier],
        [typeof(ClassifyDocument)] = [Roles.Verifier],
        [typeof(SubmitAssessment)] = [Roles.Assessor],
        [typeof(DecideAssessment)] = [Roles.AssessmentApprover],
        [typeof(SignOff)] = [Roles.P2miSigner, Roles.KemensosSigner],
        [typeof(PlaceHold)] = [Roles.Investigator],
        [typeof(LiftHold)] = [Roles.Investigator],
        [typeof(Withdraw)] = [Roles.Admin],
    };
}
