using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulang.Web.Localization;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;

namespace Pulang.Web.Hosting;

/// <summary>
/// Per-request plumbing of the web app, the same in both hosts: the signed-in person (the bearer token from the session
/// cookie, validated by the host's JWT bearer handler: see <see cref="WebServices.AddPulangWeb"/>), the language cookie,
/// anti-forgery validation, and the way back to the sign-in page.
/// </summary>
public static class WebRequest
{
    /// <summary>
    /// The session cookie: the bearer token itself (HttpOnly, SameSite=Strict, Secure on https, path <c>/</c>). The JWT bearer
    /// handler reads it only for paths outside <c>/api</c>, so it never authenticates an API call.
    /// </summary>
    public const string SessionCookie = "pulang_session";

    /// <summary>The language cookie: <c>id</c> or <c>en</c>.</summary>
    public const string LanguageCookie = "pulang_lang";

    /// <summary>The signed-in person, or null.</summary>
    public static Actor? Who(HttpContext http) => CaseEndpoints.ActorOf(http.User);

    /// <summary>
    /// True when <paramref name="roles"/> hold a role for people: any Pulang role but <see cref="Roles.Intake"/> (other systems
    /// start cases through the API; a person holding only that role has nothing to do in the browser).
    /// </summary>
    public static bool IsPerson(IEnumerable<string> roles) => roles.Any(r => r != Roles.Intake && Roles.All.Contains(r));

    /// <summary>The reader's language: the cookie, else Indonesian.</summary>
    public static Language LanguageOf(HttpContext http) => Text.Parse(http.Request.Cookies[LanguageCookie]);

    /// <summary>True for a request htmx sent (header <c>HX-Request</c>).</summary>
    public static bool IsHtmx(HttpContext http) => http.Request.Headers.ContainsKey("HX-Request");

    /// <summary>
    /// The way to the sign-in page for a request without a valid session: a session cookie that no longer validates (expired,
    /// or signed by another key) is deleted and the page says the session expired. htmx requests get <c>HX-Redirect</c>,
    /// script requests (<c>X-Requested-With</c>) a 401, others a 303.
    /// </summary>
    public static IResult ToSignIn(HttpContext http)
    {
        var expired = http.Request.Cookies.ContainsKey(SessionCookie);
        if (expired)
        {
            http.Response.Cookies.Delete(SessionCookie, SessionCookieOptions(http, null));
        }

        var target = WebRoutes.SignIn + (expired ? "?expired=1" : "");
        if (IsHtmx(http))
        {
            http.Response.Headers["HX-Redirect"] = target;
            return Results.StatusCode(401);
        }

        return http.Request.Headers.XRequestedWith == "XMLHttpRequest" ? Results.StatusCode(401) : Results.Redirect(target, permanent: false, preserveMethod: false);
    }

    /// <summary>A 303 See Other to <paramref name="location"/> (after a form post), or <c>HX-Redirect</c> for htmx.</summary>
    public static IResult SeeOther(HttpContext http, string location)
    {
        if (IsHtmx(http))
        {
            http.Response.Headers["HX-Redirect"] = location;
            return Results.NoContent();
        }

        http.Response.Headers.Location = location;
        return Results.StatusCode(303);
    }

    /// <summary>The page context for <paramref name="actor"/>; issues the anti-forgery tokens (cookie and request token).</summary>
    public static Ui UiFor(HttpContext http, Actor? actor)
    {
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        var tokens = antiforgery.GetAndStoreTokens(http);
        var options = http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
        var (zone, label) = Dates.Zone(options.TimeZone, options.TimeZoneLabel);
        var language = LanguageOf(http);
        return new Ui
        {
            Actor = actor,
            Language = language,
            Dates = new Dates(language, zone, label),
            CsrfField = tokens.FormFieldName,
            CsrfToken = tokens.RequestToken ?? "",
            CsrfHeader = tokens.HeaderName ?? "RequestVerificationToken",
            Path = http.Request.Path.Value ?? "/",
            Now = http.RequestServices.GetService<TimeProvider>()?.GetUtcNow() ?? DateTimeOffset.UtcNow,
            LocalSignIn = http.RequestServices.GetService<IDemoSignIn>() is not null,
        };
    }

    /// <summary>True when the request carries a valid anti-forgery token (form field or header) for the signed-in person.</summary>
    public static Task<bool> ValidCsrfAsync(HttpContext http) =>
        http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);

    /// <summary>The session cookie's options: HttpOnly, SameSite=Strict, Secure when the request came over https, path <c>/</c>.</summary>
    public static CookieOptions SessionCookieOptions(HttpContext http, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
