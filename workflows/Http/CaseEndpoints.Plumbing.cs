using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Http;

/// <summary>What every handler shares: the caller as an actor, role checks, JSON bodies, the command path, RFC 7240 preferences.</summary>
public static partial class CaseEndpoints
{
    /// <summary>
    /// The caller as an <see cref="Actor"/>: <c>oid</c> or <c>sub</c> claim, and the <c>roles</c> claims that are Pulang
    /// roles; an app-only token (<c>idtyp</c> = <c>app</c>) keeps only <see cref="Roles.Intake"/>. Null when not authenticated.
    /// </summary>
    public static Actor? ActorOf(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var id = user.FindFirst("oid")?.Value ?? user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(id) || id.StartsWith("system:", StringComparison.Ordinal) || id == Actor.Anonymous.Id)
        {
            return null;
        }

        var roles = user.FindAll("roles").Concat(user.FindAll(ClaimTypes.Role)).Select(c => c.Value).Where(Roles.All.Contains).Distinct().ToList();
        if (user.FindFirst("idtyp")?.Value == "app")
        {
            // A machine caller (Entra app-only token, optional claim idtyp): the intake role only, whatever else it holds.
            roles.RemoveAll(r => r != Roles.Intake);
        }

        return new Actor(id, roles);
    }

    static IResult? Authorize(HttpContext http, out Actor? actor, params string[] roles)
    {
        actor = ActorOf(http.User);
        if (actor is null) return Problems.Unauthenticated();
        var a = actor;
        return roles.Any(a.Has) ? null : Problems.Forbidden(roles);
    }

    static IResult Json(object? value, int status = 200) => Results.Json(value, PulangJson.Options, statusCode: status);

    static CaseService Service(HttpContext http) => http.RequestServices.GetRequiredService<CaseService>();

    static AuditLog Audit(HttpContext http) => http.RequestServices.GetRequiredService<AuditLog>();

    /// <summary>Audits a refusal that never reaches the case orchestration (see <see cref="RefusalAudit.AppendAsync"/>).</summary>
    static Task AuditRefusalAsync(HttpContext http, string caseId, Actor? actor, string action, string code, string? entryKey = null, string? target = null) =>
        http.RequestServices.GetRequiredService<RefusalAudit>().AppendAsync(caseId, actor, action, code, entryKey, target, http.RequestAborted);

    /// <summary>The stable <c>code</c> of a problem answer (<see cref="Problems"/>), or <c>request.body</c>.</summary>
    static string CodeOf(IResult problem) =>
        problem is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult p && p.ProblemDetails.Extensions.TryGetValue("code", out var c) && c is string code ? code : "request.body";

    /// <summary>
    /// The path of every command endpoint: the early 403 (<see cref="CommandPolicy"/>), the Idempotency-Key, the JSON body,
    /// then <paramref name="build"/> (parsing only: the decider checks the fields) and <see cref="CaseCommands.SendAsync"/>;
    /// refusals are mapped by <see cref="Problems.Refused"/>.
    /// </summary>
    static async Task<IResult> CommandAsync<TRequest, TCommand>(HttpContext http, string caseId, Func<TRequest, string, TCommand> build, bool bodyOptional = false)
        where TRequest : class
        where TCommand : CaseCommand
    {
        var action = CommandPolicy.NameOf<TCommand>();
        string[] roles = [.. CommandPolicy.RolesFor<TCommand>()];
        if (Authorize(http, out var actor, roles) is { } denied)
        {
            await AuditRefusalAsync(http, caseId, actor, action, "role.required");
            return denied;
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 100 || key.Any(char.IsControl))
        {
            await AuditRefusalAsync(http, caseId, actor, action, "request.invalid");
            return Problems.Invalid(new Dictionary<string, string[]> { ["Idempotency-Key"] = ["The Idempotency-Key header must be at most 100 printable characters."] });
        }

        var commandId = key.Length > 0 ? $"{actor!.Id}:{key}" : Guid.NewGuid().ToString("N");
        TRequest? request;
        if (bodyOptional && (http.Request.ContentLength ?? 0) == 0 && !http.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            request = JsonSerializer.Deserialize<TRequest>("{}", PulangJson.Options);
        }
        else
        {
            var (r, bad) = await ReadJsonAsync<TRequest>(http);
            if (bad is not null)
            {
                // Body refusals (400, 413, 415) are audited like the case's own refusals; a re-sent request with
                // the same Idempotency-Key and the same fault writes one entry.
                var code = CodeOf(bad);
                await AuditRefusalAsync(http, caseId, actor, action, code, key.Length > 0 ? $"{commandId}:{code}" : null);
                return bad;
            }

            request = r;
        }

        CaseCommand command = build(request!, commandId) with { CommandId = commandId, Actor = actor! };
        var wait = PreferredWait(http);
        var outcome = await http.RequestServices.GetRequiredService<CaseCommands>().SendAsync(caseId, command, http.RequestAborted, wait, key.Length > 0 ? commandId : null);

        return outcome.Status switch
        {
            CommandStatus.NotFound => Problems.CaseNotFound(caseId),
            CommandStatus.Refused => Problems.Refused(outcome.Refusal!),
            CommandStatus.Pending => Pending(http, caseId, commandId, respondAsync: wait == TimeSpan.Zero && HasPreference(http, "respond-async")),
            _ => Json(CaseView.For(outcome.State!, actor!)),
        };
    }

    /// <summary>
    /// The caller's wait preference (RFC 7240 <c>Prefer</c>): <c>respond-async</c> answers 202 as soon as the command
    /// is pre-checked and raised to the case; <c>wait=N</c> waits at most N seconds (capped by
    /// <see cref="PulangOptions.CommandWaitTimeout"/>). Null (the configured wait) when neither is given.
    /// </summary>
    static TimeSpan? PreferredWait(HttpContext http)
    {
        if (!NameValueHeaderValue.TryParseList(http.Request.Headers["Prefer"], out var preferences))
        {
            return null;
        }

        if (preferences.Any(p => p.Name.Equals("respond-async", StringComparison.OrdinalIgnoreCase)))
        {
            return TimeSpan.Zero;
        }

        var max = http.RequestServices.GetRequiredService<IOptions<PulangOptions>>().Value.CommandWaitTimeout;
        return preferences.FirstOrDefault(p => p.Name.Equals("wait", StringComparison.OrdinalIgnoreCase)) is { } w
            && int.TryParse(w.Value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, max.TotalSeconds))
            : null;
    }

    /// <summary>True when the request's RFC 7240 <c>Prefer</c> header names <paramref name="preference"/>.</summary>
    static bool HasPreference(HttpContext http, string preference) =>
        NameValueHeaderValue.TryParseList(http.Request.Headers["Prefer"], out var preferences)
        && preferences.Any(p => p.Name.Equals(preference, StringComparison.OrdinalIgnoreCase));

    /// <summary>202 for a command raised to the case but not yet decided: where to look, and whether respond-async applied.</summary>
    static IResult Pending(HttpContext http, string caseId, string commandId, bool respondAsync)
    {
        if (respondAsync)
        {
            http.Response.Headers["Preference-Applied"] = "respond-async";
        }

        http.Response.Headers.Location = $"/api/cases/{caseId}";
        return Json(new CommandPending(commandId, "pending", $"/api/cases/{caseId}"), 202);
    }

    /// <summary>Reads a JSON body: 415 unless <c>application/json</c>, 413 over <see cref="MaxJsonBytes"/>, 400 if unreadable.</summary>
    static async Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Problems.Of(415, "request.media-type", "JSON expected", "Send the body as application/json."));
        }

        if (http.Request.ContentLength > MaxJsonBytes)
        {
            return (null, Problems.Of(413, "request.too-large", "Body too large", $"JSON bodies are limited to {MaxJsonBytes} bytes."));
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int n;
            while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxJsonBytes)
                {
                    return (null, Problems.Of(413, "request.too-large", "Body too large", $"JSON bodies are limited to {MaxJsonBytes} bytes."));
                }
            }

            if (buffer.Length == 0)
            {
                return (null, Problems.BadBody("The body is empty; send a JSON object."));
            }

            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), PulangJson.Options);
            return value is null ? (null, Problems.BadBody("The body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadBody($"The body is not valid JSON for this request{(e.Path is { } p ? $" (at {p})" : "")}: {FirstLine(e.Message)}"));
        }
    }

    static string FirstLine(string s) => s.Split('\n')[0].Split(" Path:")[0];
}
