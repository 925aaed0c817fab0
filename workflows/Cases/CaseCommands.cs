using Pulang.Workflows.Audit;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Telemetry;

namespace Pulang.Workflows.Cases;

/// <summary>
/// The one path by which a person's command reaches a case, for the HTTP API and the web app alike: who may send it
/// (<see cref="CommandPolicy"/>), then <see cref="CaseService.SendAsync"/> (the decider's pre-check, the external event,
/// the wait for the decision); refusals that never reach the case are audited here (<see cref="RefusalAudit"/>). A re-classified
/// document's scan is read again here once the case took it (<see cref="DocumentUploads.ReadAgainAsync"/>); a command still pending
/// when the wait ends is read again when it is sent once more (same Idempotency-Key).
/// </summary>
public sealed class CaseCommands(CaseService cases, RefusalAudit refusals, DocumentUploads uploads)
{
    /// <summary>
    /// Sends <paramref name="command"/> (with its <see cref="CaseCommand.Actor"/> and <see cref="CaseCommand.CommandId"/> set) to
    /// the case. A caller without a role that may send it gets a Refused outcome with a <see cref="RefusalKind.Forbidden"/>
    /// <c>role.required</c> refusal, a command with bad fields one with the decider's field errors (<see cref="CommandFields"/>),
    /// both before the case is read (pre-checked; audited when the case exists). <paramref name="auditKey"/> keeps a
    /// repeated request's refusal to one audit entry (see <see cref="RefusalAudit.AppendAsync"/>).
    /// </summary>
    /// <param name="caseId">The case (= instance ID).</param>
    /// <param name="command">The command.</param>
    /// <param name="ct">Cancels the wait, not the command once raised.</param>
    /// <param name="wait">How long to wait for the decision (null: <see cref="PulangOptions.CommandWaitTimeout"/>; zero: answer Pending once raised).</param>
    /// <param name="auditKey">Stable key for audit entries of a repeated request, or null.</param>
    public async Task<CommandOutcome> SendAsync(string caseId, CaseCommand command, CancellationToken ct, TimeSpan? wait = null, string? auditKey = null)
    {
        using var span = PulangTelemetry.Source.StartActivity($"command {command.Name}");
        span?.SetTag(PulangTelemetry.CaseId, caseId);
        span?.SetTag(PulangTelemetry.Command, command.Name);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await DecideAsync(caseId, command, ct, wait, auditKey);
        var result = outcome.Status switch
        {
            CommandStatus.Accepted => "accepted",
            CommandStatus.Refused => "refused",
            CommandStatus.Pending => "pending",
            _ => "not-found",
        };
        span?.SetTag(PulangTelemetry.Outcome, result);
        if (outcome.Refusal is { } refused)
        {
            span?.SetTag(PulangTelemetry.RefusalCode, refused.Code);
        }

        PulangTelemetry.CommandDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
            new(PulangTelemetry.Command, command.Name), new(PulangTelemetry.Outcome, result));
        return outcome;
    }

    async Task<CommandOutcome> DecideAsync(string caseId, CaseCommand command, CancellationToken ct, TimeSpan? wait, string? auditKey)
    {
        var roles = CommandPolicy.RolesFor(command.GetType());
        if (!roles.Any(command.Actor.Has))
        {
            await refusals.AppendAsync(caseId, command.Actor, command.Name, "role.required", auditKey, ct: ct);
            return new(CommandStatus.Refused, null, new Refusal(RefusalKind.Forbidden, "role.required",
                $"This needs one of the roles {string.Join(", ", roles)}."), PreChecked: true);
        }

        // The fields need no case: a bad command is a 400 even for a case that does not exist.
        if (CommandFields.Check(command) is { } invalid)
        {
            await refusals.AppendAsync(caseId, command.Actor, command.Name, invalid.PublicCode, auditKey is null ? null : $"{auditKey}:{invalid.PublicCode}", ct: ct);
            return new(CommandStatus.Refused, null, invalid, PreChecked: true);
        }

        var outcome = await cases.SendAsync(caseId, command, ct, wait);
        if (outcome is { Status: CommandStatus.Refused, PreChecked: true, Refusal: { } refusal })
        {
            await refusals.AppendAsync(caseId, command.Actor, command.Name, refusal.PublicCode, auditKey, AuditTrail.TargetOf(command), ct);
        }

        if (command is ClassifyDocument classify && outcome is { Status: CommandStatus.Accepted, State: { } state })
        {
            // The case recorded the new kind; its scan is read again with that kind's reader (once, whoever asks again).
            await uploads.ReadAgainAsync(state, classify.DocumentId, CancellationToken.None);
        }

        return outcome;
    }
}
