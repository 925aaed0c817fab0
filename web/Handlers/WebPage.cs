using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Web.Hosting;
using Pulang.Web.Pages;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;

namespace Pulang.Web.Handlers;

/// <summary>What the page handlers share: the session check, the case as the reader may see it, the refusal pages.</summary>
static class WebPage
{
    /// <summary>
    /// Runs <paramref name="page"/> for a signed-in person; anyone else goes to the sign-in page. A person without a Pulang
    /// role for people (<see cref="WebRequest.IsPerson"/>) gets 403 with what to ask for (the same rule as the API: every role
    /// may read, nobody without one).
    /// </summary>
    public static async Task<IResult> SignedInAsync(HttpContext http, Func<Actor, Task<IResult>> page)
    {
        if (WebRequest.Who(http) is not { } actor)
        {
            return WebRequest.ToSignIn(http);
        }

        if (!WebRequest.IsPerson(actor.Roles))
        {
            return await MessagePage.RenderAsync(http, 403, "signin.no-role.title", "signin.no-role.text");
        }

        return await page(actor);
    }

    /// <summary>The case as <paramref name="actor"/> may see it (<see cref="CaseView.For"/>), with the whole state for checks; null when unknown.</summary>
    public static async Task<(CaseState Whole, CaseState View)?> CaseAsync(HttpContext http, string caseId, Actor actor)
    {
        var state = await http.RequestServices.GetRequiredService<CaseService>().GetAsync(caseId, http.RequestAborted);
        return state is null ? null : (state, CaseView.For(state, actor));
    }

    /// <summary>404 page for an unknown case (or one given in a malformed ID).</summary>
    public static Task<IResult> CaseNotFound(HttpContext http) => MessagePage.RenderAsync(http, 404, "error.case-not-found.title", "error.case-not-found.text");

    /// <summary>404 page for an unknown document, or one hidden from the reader (the same answer, as in the API).</summary>
    public static Task<IResult> DocumentNotFound(HttpContext http) => MessagePage.RenderAsync(http, 404, "error.document-not-found.title", "error.document-not-found.text");

    /// <summary>400 page for a post without a valid anti-forgery token (nothing changed).</summary>
    public static Task<IResult> CsrfRefused(HttpContext http) => MessagePage.RenderAsync(http, 400, "error.csrf.title", "error.csrf.text");

    /// <summary>The HTTP status of a decider refusal, as the API answers it (<see cref="Problems.Refused"/>).</summary>
    public static int StatusOf(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.Forbidden => 403,
        RefusalKind.NotFound => 404,
        RefusalKind.Invalid => 400,
        RefusalKind.Unprocessable => 422,
        _ => 409,
    };
}
