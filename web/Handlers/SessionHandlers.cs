using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulang.Web.Hosting;
using Pulang.Web.Localization;
using Pulang.Web.Pages;

namespace Pulang.Web.Handlers;

/// <summary>Sign-in, sign-out and the language switch.</summary>
public static class SessionHandlers
{
    /// <summary>
    /// <c>GET /signin</c>: locally, the demo users to pick from (one button each, with their roles); with Entra ID, how to
    /// sign in. <c>?expired=1</c> says the session ended. A signed-in person is sent to the inbox.
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
            ["Users"] = http.RequestServices.GetService<IDemoSignIn>()?.Users,
            ["Expired"] = http.Request.Query["expired"] == "1",
        });
    }

    /// <summary>
    /// <c>POST /signin</c> (form: <c>user</c>, anti-forgery token): mints a local token for the demo user and stores it in the
    /// session cookie (HttpOnly, SameSite=Strict, Secure on https, expiring with the token), then 303 to the inbox. 400 for a
    /// missing anti-forgery token, 404 when there is no local sign-in (Entra ID), 400 for an unknown user.
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
            return await MessagePage.RenderAsync(http, 404, "signin.entra.title", "signin.entra.text");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var user = form["user"].ToString();
        if (!demo.Users.ContainsKey(user))
        {
            return await MessagePage.RenderAsync(http, 400, "signin.unknown.title", "signin.unknown.text");
        }

        var lifetime = http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.SessionLifetime;
        var token = demo.Mint(user, lifetime);
        http.Response.Cookies.Append(WebRequest.SessionCookie, token, WebRequest.SessionCookieOptions(http, DateTimeOffset.UtcNow + lifetime));
        return WebRequest.SeeOther(http, WebRoutes.Home);
    }

    /// <summary><c>POST /signout</c> (anti-forgery token): deletes the session cookie; 303 to the sign-in page.</summary>
    public static async Task<IResult> SignOut(HttpContext http)
    {
        if (!await WebRequest.ValidCsrfAsync(http))
        {
            return await MessagePage.RenderAsync(http, 400, "error.csrf.title", "error.csrf.text");
        }

        http.Response.Cookies.Delete(WebRequest.SessionCookie, WebRequest.SessionCookieOptions(http, null));
        return WebRequest.SeeOther(http, WebRoutes.SignIn);
    }

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
