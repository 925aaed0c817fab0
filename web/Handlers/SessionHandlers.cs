using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulang.Web.Hosting;
using Pulang.Web.Localization;
using Pulang.Web.Pages;
using Pulang.Workflows.Domain;

namespace Pulang.Web.Handlers;

/// <summary>Sign-in, sign-out and the language switch.</summary>
public static class SessionHandlers
{
    /// <summary>
    /// <c>GET /signin</c>: locally, the demo users to pick from (one button each, with their roles; system accounts such as the
    /// intake client are not offered: they are for other systems, not people); with an identity provider
    /// (<see cref="IExternalSignIn"/>), one button to it; with neither, what the host needs. <c>?expired=1</c> says the session
    /// ended, <c>?signedout=1</c> that the person signed out. A signed-in person is sent to the inbox.
    /// </summary>
    public static async Task<IResult> SignInPage(HttpContext http)
    {
        if (WebRequest.Who(http) is not null)
        {
            return Results.Redirect(WebRoutes.Home);
        }

        var ui = WebRequest.UiFor(http, null);
        return await PageRenderer.PageAsync<SignIn>(http, new Dictionary<string, object?>
        {
            ["Ui"] = ui,
            ["Users"] = PeopleOf(http.RequestServices.GetService<IDemoSignIn>()),
            ["External"] = http.RequestServices.GetService<IExternalSignIn>()?.ProviderName,
            ["Expired"] = http.Request.Query["expired"] == "1",
            ["SignedOut"] = http.Request.Query["signedout"] == "1",
        });
    }

    /// <summary>
    /// <c>POST /signin</c> (form: <c>user</c>, anti-forgery token): mints a local token for the demo user and stores it in the
    /// session cookie (HttpOnly, SameSite=Strict, Secure on https, expiring with the token), then 303 to the inbox. 400 for a
    /// missing anti-forgery token, 404 when there is no local sign-in (Entra ID), 400 for an unknown user or a system account.
    /// </summary>
    public static async Task<IResult> SignIn(HttpContext http)
    {
        if (!await WebRequest.ValidCsrfAsync(http))
        {
            return await MessagePage.RenderAsync(http, 400, "error.csrf.title", "error.csrf.text");
        }

        var demo = http.RequestServices.GetService<IDemoSignIn>();
        if (demo is null)
        {
            return await MessagePage.RenderAsync(http, 404, "signin.entra.title", "signin.entra.missing");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var user = form["user"].ToString();
        if (PeopleOf(demo)?.ContainsKey(user) != true)
        {
            return await MessagePage.RenderAsync(http, 400, "signin.unknown.title", "signin.unknown.text");
        }

        var lifetime = http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.SessionLifetime;
        var token = demo.Mint(user, lifetime);
        http.Response.Cookies.Append(WebRequest.SessionCookie, token, WebRequest.SessionCookieOptions(http, DateTimeOffset.UtcNow + lifetime));
        return WebRequest.SeeOther(http, WebRoutes.Home);
    }

    /// <summary>
    /// <c>POST /signin/external</c> (anti-forgery token): starts the sign-in at the identity provider
    /// (<see cref="IExternalSignIn.SignIn"/>), which comes back to the inbox. 400 without the token, 404 when the host has no
    /// identity provider for browsers.
    /// </summary>
    public static async Task<IResult> SignInExternal(HttpContext http)
    {
        if (!await WebRequest.ValidCsrfAsync(http))
        {
            return await MessagePage.RenderAsync(http, 400, "error.csrf.title", "error.csrf.text");
        }

        return http.RequestServices.GetService<IExternalSignIn>() is { } external
            ? external.SignIn(http, WebRoutes.Home)
            : await MessagePage.RenderAsync(http, 404, "signin.entra.title", "signin.entra.missing");
    }

    /// <summary>
    /// <c>POST /signout</c> (anti-forgery token): deletes the session cookie; with an identity provider, also ends its session
    /// (<see cref="IExternalSignIn.SignOut"/>: its end-session endpoint, then back to <c>/signin?signedout=1</c>); else 303 to
    /// <c>/signin?signedout=1</c>.
    /// </summary>
    public static async Task<IResult> SignOut(HttpContext http)
    {
        if (!await WebRequest.ValidCsrfAsync(http))
        {
            return await MessagePage.RenderAsync(http, 400, "error.csrf.title", "error.csrf.text");
        }

        http.Response.Cookies.Delete(WebRequest.SessionCookie, WebRequest.SessionCookieOptions(http, null));
        return http.RequestServices.GetService<IExternalSignIn>() is { } external
            ? external.SignOut(http)
            : WebRequest.SeeOther(http, WebRoutes.SignedOut);
    }

    /// <summary>The demo users a person may pick: those holding a role for people (not only <see cref="Roles.Intake"/>, a system's role).</summary>
    static IReadOnlyDictionary<string, string[]>? PeopleOf(IDemoSignIn? demo) =>
        demo?.Users.Where(u => WebRequest.IsPerson(u.Value)).ToDictionary(u => u.Key, u => u.Value);

    /// <summary>
    /// <c>POST /language</c> (form: <c>lang</c> = <c>id</c> | <c>en</c>, <c>return</c> = the page to go back to, a local path):
    /// sets the language cookie (a year, SameSite=Lax) and goes back. No anti-forgery check: it changes only how pages read.
    /// </summary>
    public static async Task<IResult> SetLanguage(HttpContext http)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var language = Text.Parse(form?["lang"].ToString());
        http.Response.Cookies.Append(WebRequest.LanguageCookie, language.Code(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = DateTimeOffset.UtcNow.AddYears(1),
            IsEssential = true,
        });
        var back = form?["return"].ToString();
        return WebRequest.SeeOther(http, IsLocalPath(back) ? back! : WebRoutes.Home);
    }

    /// <summary>True for a path on this site (<c>/x</c>, never <c>//host</c> or <c>/\host</c>).</summary>
    public static bool IsLocalPath(string? path) =>
        !string.IsNullOrEmpty(path) && path[0] == '/' && (path.Length == 1 || (path[1] != '/' && path[1] != '\\')) && !path.Any(char.IsControl);
}
