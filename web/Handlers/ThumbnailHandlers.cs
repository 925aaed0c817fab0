using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Web.Hosting;
using Pulang.Workflows.Http;

namespace Pulang.Web.Handlers;

/// <summary>Page images of stored scans.</summary>
public static class ThumbnailHandlers
{
    /// <summary>Width of a thumbnail on the case page, pixels.</summary>
    public const int SmallWidth = 320;

    /// <summary>Width of a page image on the verification page (<c>?size=large</c>), pixels.</summary>
    public const int LargeWidth = 1100;

    /// <summary>
    /// <c>GET /cases/{caseId}/documents/{documentId}/pages/{page}?size=large</c> (any role that may see the document, as for
    /// its download link; else 404): the page as a PNG (<see cref="PageThumbnails"/>), <c>Cache-Control: private, max-age=3600</c>.
    /// </summary>
    public static async Task<IResult> PageImage(HttpContext http, string caseId, string documentId, int page)
    {
        if (WebRequest.Who(http) is not { } actor || actor.Roles.Count == 0)
        {
            return Results.StatusCode(401);
        }

        var found = await WebPage.CaseAsync(http, caseId, actor);
        if (found is null || !CaseView.CanSee(found.Value.Whole, actor, documentId))
        {
            return Results.NotFound();
        }

        var document = found.Value.Whole.Documents.First(d => d.DocumentId == documentId);
        var width = http.Request.Query["size"] == "large" ? LargeWidth : SmallWidth;
        var png = await http.RequestServices.GetRequiredService<PageThumbnails>().GetAsync(document, page, width, http.RequestAborted);
        if (png is null)
        {
            return Results.NotFound();
        }

        WebSecurity.Apply(http.Response);
        http.Response.Headers.CacheControl = "private, max-age=3600";
        return Results.File(png, "image/png");
    }
}
