using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Web.Hosting;
using Pulang.Web.Pages;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Web.Handlers;

/// <summary>The inbox: the home page after sign-in.</summary>
public static class InboxHandlers
{
    /// <summary>How many inbox rows the page shows at most.</summary>
    public const int MaxRows = 200;

    /// <summary>
    /// <c>GET /</c>: what waits for the reader's roles (<see cref="CaseIndex.ListAwaitingAsync"/>, the API's inbox), oldest
    /// change first, with reference, stage, time since the last change (marked when overdue) and what to do; counts per kind of
    /// task. Admins find the overdue cases here (<see cref="Workflows.Domain.Inbox.AwaitingRoles"/>). Uploaders and admins also see
    /// the cases still waiting for documents (stage DocumentsPending). Not signed in: to the sign-in page.
    /// </summary>
    public static Task<IResult> Inbox(HttpContext http) => WebPage.SignedInAsync(http, async actor =>
    {
        var index = http.RequestServices.GetRequiredService<CaseIndex>();
        var rows = await index.ListAwaitingAsync([.. actor.Roles], MaxRows, http.RequestAborted);
        IReadOnlyList<CaseIndexEntry> waitingForDocuments = [];
        if (CommandPolicy.UploadRoles(DocumentKind.Passport).Any(actor.Has))
        {
            waitingForDocuments = [.. (await index.ListAsync(Stage.DocumentsPending, MaxRows, http.RequestAborted)).OrderBy(r => r.UpdatedAt)];
        }

        return await PageRenderer.PageAsync<InboxPage>(http, new Dictionary<string, object?>
        {
            ["Ui"] = WebRequest.UiFor(http, actor),
            ["Rows"] = rows,
            ["WaitingForDocuments"] = waitingForDocuments,
        });
    });
}
