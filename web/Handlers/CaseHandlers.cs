using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Web.Hosting;
using Pulang.Web.Pages;
using Pulang.Web.Shared;
using Pulang.Workflows;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;
using Pulang.Workflows.Storage;

namespace Pulang.Web.Handlers;

/// <summary>What a posted form came back with, to show on the page again: which action, why it was refused, what was typed.</summary>
/// <param name="Action">The form: <c>verify</c>, <c>assessment</c>, <c>decision</c>, <c>signoff</c>, <c>hold</c>, <c>lift</c>, <c>withdraw</c>.</param>
/// <param name="Refusal">The decider's refusal (or the early role refusal), shown with its message and per-field errors.</param>
/// <param name="Values">The form's values as posted (refilled; never put in a URL).</param>
/// <param name="Target">The document, hold or ministry the form was about, if any.</param>
public sealed record FormOutcome(string Action, Refusal? Refusal, IReadOnlyDictionary<string, string> Values, string? Target = null)
{
    /// <summary>A posted value, or empty.</summary>
    public string Value(string name) => Values.TryGetValue(name, out var v) ? v : "";

    /// <summary>The refusal's errors for <paramref name="field"/>.</summary>
    public IEnumerable<RefusalError> ErrorsFor(string field) => Refusal?.Errors?.Where(e => e.Field == field) ?? [];
}

/// <summary>The case page, a document's verification page and the sign-off page.</summary>
public static class CaseHandlers
{
    /// <summary>
    /// <c>GET /cases/{caseId}</c> (any role): stage and who acts next, checklist, documents with page thumbnails, fields and
    /// findings in words, asesmen, sign-offs, holds, history and release record, as the reader may see them
    /// (<see cref="CaseView.For"/>); the forms the reader's roles may use (<see cref="CommandPolicy"/>). <c>?done=</c> names
    /// the action that just took effect.
    /// </summary>
    public static Task<IResult> Case(HttpContext http, string caseId) => WebPage.SignedInAsync(http, async actor =>
    {
        var found = await WebPage.CaseAsync(http, caseId, actor);
        return found is null ? await WebPage.CaseNotFound(http) : await RenderCaseAsync(http, actor, found.Value.Whole, null, Done(http), 200);
    });

    /// <summary>Renders the case page (after a GET, or again after a refused form with <paramref name="form"/> and the refusal's status).</summary>
    internal static async Task<IResult> RenderCaseAsync(HttpContext http, Actor actor, CaseState whole, FormOutcome? form, string? done, int status)
    {
        ReleaseRecord? release = null;
        if (whole.Stage == Stage.Released)
        {
            try
            {
                var blob = await http.RequestServices.GetRequiredService<PulangStorage>().Releases.GetBlobClient($"{whole.CaseId}.json").DownloadContentAsync(http.RequestAborted);
                release = blob.Value.Content.ToObjectFromJson<ReleaseRecord>(PulangJson.Options);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
        }

        return await PageRenderer.PageAsync<CasePage>(http, new Dictionary<string, object?>
        {
            ["Ui"] = WebRequest.UiFor(http, actor),
            ["Case"] = CaseView.For(whole, actor),
            ["Awaiting"] = Inbox.AwaitingRoles(whole),
            ["Form"] = form,
            ["Done"] = done,
            ["PendingKey"] = done == "pending" && IsKey(http.Request.Query["key"].ToString()) ? http.Request.Query["key"].ToString() : null,
            ["PendingAction"] = Action(http),
            ["Release"] = release,
        }, status);
    }

    /// <summary>
    /// <c>GET /cases/{caseId}/documents/{documentId}</c> (any role that may see the document; others get 404 as in the API):
    /// the page images beside the fields as read, corrections and findings; for verifiers of a document in review, the form to
    /// correct fields and acknowledge findings with a note.
    /// </summary>
    public static Task<IResult> Document(HttpContext http, string caseId, string documentId) => WebPage.SignedInAsync(http, async actor =>
    {
        var found = await WebPage.CaseAsync(http, caseId, actor);
        if (found is null) return await WebPage.CaseNotFound(http);
        return await RenderDocumentAsync(http, actor, found.Value.Whole, documentId, null, 200);
    });

    /// <summary>Renders the verification page (again after a refusal, with the per-field errors).</summary>
    internal static async Task<IResult> RenderDocumentAsync(HttpContext http, Actor actor, CaseState whole, string documentId, FormOutcome? form, int status)
    {
        if (!CaseView.CanSee(whole, actor, documentId))
        {
            return await WebPage.DocumentNotFound(http);
        }

        var view = CaseView.For(whole, actor);
        return await PageRenderer.PageAsync<DocumentPage>(http, new Dictionary<string, object?>
        {
            ["Ui"] = WebRequest.UiFor(http, actor),
            ["Case"] = view,
            ["Document"] = view.Documents.First(d => d.DocumentId == documentId),
            ["Form"] = form,
        }, status);
    }

    /// <summary>
    /// <c>GET /cases/{caseId}/signoff</c> (any role; the form for p2mi-signer and kemensos-signer): the dossier (documents that
    /// count, their fields, the asesmen), its digest shown short, and approve / reject with a reason. The digest travels in a
    /// hidden field.
    /// </summary>
    public static Task<IResult> SignOffPage(HttpContext http, string caseId) => WebPage.SignedInAsync(http, async actor =>
    {
        var found = await WebPage.CaseAsync(http, caseId, actor);
        if (found is null) return await WebPage.CaseNotFound(http);
        return await RenderSignOffAsync(http, actor, found.Value.Whole, null, 200);
    });

    /// <summary>Renders the sign-off page (again after a refusal: a stale dossier shows the message and the new dossier).</summary>
    internal static async Task<IResult> RenderSignOffAsync(HttpContext http, Actor actor, CaseState whole, FormOutcome? form, int status) =>
        await PageRenderer.PageAsync<SignOffPage>(http, new Dictionary<string, object?>
        {
            ["Ui"] = WebRequest.UiFor(http, actor),
            ["Case"] = CaseView.For(whole, actor),
            ["Awaiting"] = Inbox.AwaitingRoles(whole),
            ["Form"] = form,
        }, status);

    /// <summary>
    /// <c>GET /cases/{caseId}/commands/{key}?action=</c> (htmx fragment, any role): while the case has not recorded the command
    /// sent with the form key <paramref name="key"/>, the "being processed" notice again (htmx keeps polling); once recorded,
    /// <c>HX-Redirect</c> to the case page saying it took effect (<c>?done={action}</c>), or to the plain case page when it was
    /// refused (the history says why). 404 for an unknown case.
    /// </summary>
    public static Task<IResult> CommandStatus(HttpContext http, string caseId, string key) => WebPage.SignedInAsync(http, async actor =>
    {
        var found = await WebPage.CaseAsync(http, caseId, actor);
        if (found is null || !IsKey(key))
        {
            return await WebPage.CaseNotFound(http);
        }

        var action = Action(http) ?? "default";
        var entry = found.Value.Whole.History.LastOrDefault(h => h.CommandId.EndsWith($":web-{key}", StringComparison.Ordinal));
        if (entry is not null)
        {
            return WebRequest.SeeOther(http, WebRoutes.Case(caseId) + (entry.Accepted ? $"?done={action}" : ""));
        }

        return await PageRenderer.PageAsync<PendingNotice>(http, new Dictionary<string, object?>
        {
            ["Ui"] = WebRequest.UiFor(http, actor),
            ["CaseId"] = caseId,
            ["Command"] = key,
            ["Action"] = action,
        });
    });

    static bool IsKey(string key) => key.Length == 32 && key.All(char.IsAsciiHexDigit);

    static string? Action(HttpContext http) => http.Request.Query["action"].ToString() is { Length: > 0 and <= 20 } a && a.All(char.IsAsciiLetterLower) ? a : null;

    static string? Done(HttpContext http) => http.Request.Query["done"].ToString() is { Length: > 0 and <= 40 } d && d.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? d : null;
}
