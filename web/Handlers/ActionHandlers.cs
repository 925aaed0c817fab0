using Microsoft.AspNetCore.Http;
using Pulang.Web.Hosting;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Domain;

namespace Pulang.Web.Handlers;

/// <summary>
/// The forms' posts: each validates the anti-forgery token, builds one <see cref="CaseCommand"/> from the form's fields and
/// sends it (<see cref="WebCommands"/>). Taken: 303 to the case page with <c>?done={action}</c>. Refused: the page again,
/// with the refusal's message and per-field errors, and the refusal's status (403, 404, 400, 422, 409); nothing changed.
/// Not decided within the wait: 303 with <c>?done=pending</c>. Without a valid anti-forgery token: 400, nothing sent.
/// </summary>
public static class ActionHandlers
{
    /// <summary>
    /// <c>POST /cases/{caseId}/documents/{documentId}/verification</c> (verifier): form fields <c>field.{name}</c> (a value
    /// different from the one read is a correction), <c>ack</c> (finding codes acknowledged), <c>note</c>.
    /// </summary>
    public static Task<IResult> Verify(HttpContext http, string caseId, string documentId) =>
        PostAsync(http, caseId, "verify", documentId, (form, state) =>
        {
            var document = state.Documents.FirstOrDefault(d => d.DocumentId == documentId);
            var corrections = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var key in form.Keys.Where(k => k.StartsWith("field.", StringComparison.Ordinal)))
            {
                var name = key["field.".Length..];
                var value = form[key].ToString();
                var read = document?.EffectiveFields.GetValueOrDefault(name) ?? "";
                if (value != read)
                {
                    corrections[name] = value;
                }
            }

            var acknowledged = form["ack"].Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).Distinct().ToList();
            var note = form["note"].ToString();
            return new VerifyDocument(documentId, corrections.Count == 0 ? null : corrections, note.Length == 0 ? null : note, acknowledged.Count == 0 ? null : acknowledged);
        }, (actor, state, outcome, status) => CaseHandlers.RenderDocumentAsync(http, actor, state, documentId, outcome, status));

    /// <summary><c>POST /cases/{caseId}/assessment</c> (assessor): <c>summary</c>, <c>recommendation</c>.</summary>
    public static Task<IResult> SubmitAssessment(HttpContext http, string caseId) =>
        PostAsync(http, caseId, "assessment", null, (form, _) => new SubmitAssessment(form["summary"].ToString(), form["recommendation"].ToString()));

    /// <summary><c>POST /cases/{caseId}/assessment/decision</c> (assessment-approver): <c>decision</c> = <c>approve</c> | <c>sendback</c>, <c>reason</c>.</summary>
    public static Task<IResult> DecideAssessment(HttpContext http, string caseId) =>
        PostAsync(http, caseId, "decision", null, (form, _) => new DecideAssessment(form["decision"] == "approve", Optional(form["reason"])));

    /// <summary>
    /// <c>POST /cases/{caseId}/signoffs/{ministry}</c> (that ministry's signer): <c>decision</c> = <c>approve</c> | <c>reject</c>,
    /// <c>reason</c>, and the hidden <c>dossierDigest</c> of the dossier the page showed. A dossier changed meanwhile is refused
    /// (<c>signoff.stale-digest</c>) and the page shows the new one.
    /// </summary>
    public static Task<IResult> SignOff(HttpContext http, string caseId, string ministry)
    {
        if (!Ministries.TryParse(ministry, out var m))
        {
            return Pages.MessagePage.RenderAsync(http, 404, "error.ministry.title", "error.ministry.text");
        }

        return PostAsync(http, caseId, "signoff", ministry.ToLowerInvariant(),
            (form, _) => new SignOff(m, form["decision"] == "approve", form["dossierDigest"].ToString().Trim().ToLowerInvariant(), Optional(form["reason"])),
            (actor, state, outcome, status) => CaseHandlers.RenderSignOffAsync(http, actor, state, outcome, status));
    }

    /// <summary><c>POST /cases/{caseId}/holds</c> (investigator): <c>reason</c>. The hold ID is derived from the command ID, as the API does.</summary>
    public static Task<IResult> PlaceHold(HttpContext http, string caseId) =>
        PostAsync(http, caseId, "hold", null, (form, _) => new PlaceHold("", form["reason"].ToString()), holdFromCommandId: true);

    /// <summary><c>POST /cases/{caseId}/holds/{holdId}/lift</c> (investigator): <c>reason</c> (optional).</summary>
    public static Task<IResult> LiftHold(HttpContext http, string caseId, string holdId) =>
        PostAsync(http, caseId, "lift", holdId, (form, _) => new LiftHold(holdId, Optional(form["reason"])));

    /// <summary><c>POST /cases/{caseId}/withdraw</c> (admin): <c>reason</c>.</summary>
    public static Task<IResult> Withdraw(HttpContext http, string caseId) =>
        PostAsync(http, caseId, "withdraw", null, (form, _) => new Withdraw(form["reason"].ToString()));

    static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    delegate Task<IResult> RenderRefused(Actor actor, CaseState state, FormOutcome outcome, int status);

    static async Task<IResult> PostAsync(HttpContext http, string caseId, string action, string? target, Func<IFormCollection, CaseState, CaseCommand> build,
        RenderRefused? render = null, bool holdFromCommandId = false)
    {
        if (WebRequest.Who(http) is not { } actor)
        {
            return WebRequest.ToSignIn(http);
        }

        if (!await WebRequest.ValidCsrfAsync(http))
        {
            return await WebPage.CsrfRefused(http);
        }

        var found = await WebPage.CaseAsync(http, caseId, actor);
        if (found is null)
        {
            return await WebPage.CaseNotFound(http);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var key = WebCommands.Key(form);
        var commandId = $"{actor.Id}:web-{key}";
        var command = build(form, found.Value.Whole) with { CommandId = commandId, Actor = actor };
        if (holdFromCommandId && command is PlaceHold hold)
        {
            command = hold with { HoldId = "HOLD-" + Identifiers.Sha256Hex(commandId)[..10].ToUpperInvariant() };
        }

        var outcome = await WebCommands.SendAsync(http, caseId, command);
        switch (outcome.Status)
        {
            case CommandStatus.NotFound:
                return await WebPage.CaseNotFound(http);
            case CommandStatus.Accepted:
                return WebRequest.SeeOther(http, WebRoutes.Case(caseId) + $"?done={action}");
            case CommandStatus.Pending:
                // The page polls until the case has recorded it (CaseHandlers.CommandStatus); the key is no personal data.
                return WebRequest.SeeOther(http, WebRoutes.Case(caseId) + $"?done=pending&action={Uri.EscapeDataString(action)}&key={key}");
        }

        var values = form.Keys.Where(k => k != "__RequestVerificationToken").ToDictionary(k => k, k => string.Join("\n", form[k].ToArray()));
        var formOutcome = new FormOutcome(action, outcome.Refusal, values, target);
        var state = outcome.State ?? found.Value.Whole;
        var status = WebPage.StatusOf(outcome.Refusal!);
        return render is null
            ? await CaseHandlers.RenderCaseAsync(http, actor, state, formOutcome, null, status)
            : await render(actor, state, formOutcome, status);
    }
}
