using Microsoft.AspNetCore.Http;

namespace Pulang.Web.Hosting;

/// <summary>
/// The security headers of every web app response (pages, fragments, images, assets), set by the handlers themselves so
/// both hosts send the same: a Content-Security-Policy without inline scripts or styles (<c>script-src 'self'</c>,
/// <c>style-src 'self'</c>; images also from <c>data:</c> for Pico's SVG icons), <c>frame-ancestors 'none'</c>,
/// <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c> and <c>X-Frame-Options: DENY</c>.
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
        h.ContentSecurityPolicy = ContentSecurityPolicy;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
    }
}
