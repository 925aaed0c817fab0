using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Domain;

namespace Pulang.Web.Handlers;

/// <summary>
/// Sends a command built from a form through <see cref="CaseCommands"/>, the same host-neutral path as the API (the role
/// table, the decider's pre-check, the case, refusals audited). The rules are the decider's: the web app only builds the
/// command from the form's fields.
/// </summary>
static class WebCommands
{
    /// <summary>What happened to <paramref name="command"/> (its actor and command ID set); a repeated form post keeps one audit entry per refusal.</summary>
    public static Task<CommandOutcome> SendAsync(HttpContext http, string caseId, CaseCommand command) =>
        http.RequestServices.GetRequiredService<CaseCommands>().SendAsync(caseId, command, http.RequestAborted, auditKey: command.CommandId);

    /// <summary>The command ID of a form post: the actor and the form's one-time <c>commandId</c> (so a form sent twice acts once), else new.</summary>
    public static string CommandId(Actor actor, IFormCollection form) => $"{actor.Id}:web-{Key(form)}";

    /// <summary>The form's one-time key (32 hex digits, lower case): the posted <c>commandId</c>, or a new one.</summary>
    public static string Key(IFormCollection form)
    {
        var key = form["commandId"].ToString();
        return key.Length == 32 && key.All(char.IsAsciiHexDigit) ? key.ToLowerInvariant() : Guid.NewGuid().ToString("N");
    }
}
