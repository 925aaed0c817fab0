using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Pulang.Web.Hosting;

/// <summary>
/// The security headers of every web app response (pages, fragments, images, assets), set by the handlers themselves so
/// both hosts send the same: a Content-Security-Policy without inline scripts or styles (<c>script-src 'self'</c>,
/// <c>style-src 'self'</c>; images also from <c>data:</c> for Pico's SVG icons), <c>frame-ancestors 'none'</c>,
/// <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c> and <c>X-Frame-Options: DENY</c>. With an
/// identity provider (<see cref="IExternalSignIn.Origin"/>) <c>form-action</c> also names its origin: browsers apply
/// <c>form-action</c> to the redirects that follow a form post, and the sign-in and sign-out posts redirect there.
/// </summary>
public static class WebSecurity
{
    /// <summary>The Content-Security-Policy of every page.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    /// <summary>Sets the headers on <paramref name="response"/> (before it starts).</summary>
    public static void Apply(HttpResponse response)
    {
        var h = response.Headers;
        var provider = response.HttpContext.RequestServices?.GetService<IExternalSignIn>()?.Origin;
        h.ContentSecurityPolicy = provider is null
            ? ContentSecurityPolicy
            : ContentSecurityPolicy.Replace("form-action 'self'", $"form-action 'self' {provider}", StringComparison.Ordinal);
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
    }
}
