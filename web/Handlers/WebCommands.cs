using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Domain;

namespace Pulang.Web.Handlers;

/// <summary>
/// Sends a command from a form the way the API does: the early role check of <see cref="CommandPolicy"/>, then
/// <see cref="CaseService.SendAsync"/> (the decider's pre-check, then the case); refusals that never reach the case are
/// audited. The rules are the decider's: the web app only builds the command from the form's fields.
/// </summary>
static class WebCommands
{
    /// <summary>What happened: the service's outcome, or a role refusal made before anything was sent.</summary>
    public static async Task<CommandOutcome> SendAsync(HttpContext http, Actor actor, string caseId, CaseCommand command)
    {
        if (!CommandPolicy.MayIssue(actor, command))
        {
            await AuditRefusalAsync(http, caseId, actor, command, "role.required");
            var roles = command is SignOff s ? [Roles.SignerFor(s.Ministry)] : CommandPolicy.RolesFor(command.GetType());
            return new CommandOutcome(CommandStatus.Refused, null, new Refusal(RefusalKind.Forbidden, "role.required", $"This needs one of the roles: {string.Join(", ", roles)}."), PreChecked: true);
        }

        var outcome = await http.RequestServices.GetRequiredService<CaseService>().SendAsync(caseId, command, http.RequestAborted);
        if (outcome is { Status: CommandStatus.Refused, PreChecked: true })
        {
            await AuditRefusalAsync(http, caseId, actor, command, outcome.Refusal!.Code);
        }

        return outcome;
    }

    /// <summary>The command ID of a form post: the actor and the form's one-time <c>commandId</c> (so a form sent twice acts once), else new.</summary>
    public static string CommandId(Actor actor, IFormCollection form)
    {
        var key = form["commandId"].ToString();
        return $"{actor.Id}:web-{(key.Length == 32 && key.All(char.IsAsciiHexDigit) ? key.ToLowerInvariant() : Guid.NewGuid().ToString("N"))}";
    }

    static async Task AuditRefusalAsync(HttpContext http, string caseId, Actor actor, CaseCommand command, string code)
    {
        var audit = http.RequestServices.GetRequiredService<AuditLog>();
        var entry = audit.Record($"{caseId}:web:{command.CommandId}:{command.Name}:{code}", actor, command.Name, AuditRecord.Refused, code, AuditTrail.TargetOf(command));
        await audit.AppendAsync(caseId, entry, CancellationToken.None);
    }
}
