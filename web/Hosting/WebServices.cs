using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Pulang.Web.Hosting;

/// <summary>Registers the web app's services, for both hosts.</summary>
public static class WebServices
{
    /// <summary>
    /// Registers <see cref="WebOptions"/> (section <c>Pulang:Web</c>), anti-forgery (<c>IAntiforgery</c>: cookie
    /// <c>pulang_csrf</c>, HttpOnly, SameSite=Strict; form field <c>__RequestVerificationToken</c>, header
    /// <c>RequestVerificationToken</c>) with its key ring in storage (<see cref="BlobKeyRing"/>), the thumbnail cache, and makes the host's JWT bearer handler read the session cookie
    /// (<see cref="WebRequest.SessionCookie"/>) for requests outside <c>/api</c> that carry no <c>Authorization</c> header. Call
    /// after the host registered its JWT bearer scheme.
    /// </summary>
    public static IServiceCollection AddPulangWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebOptions>(configuration.GetSection(WebOptions.Section));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "pulang_csrf";
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "RequestVerificationToken";
        });
        BlobKeyRing.AddPulangKeyRing(services);
        services.AddSingleton<PageThumbnails>();
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            o.Events ??= new JwtBearerEvents();
            var inner = o.Events.OnMessageReceived;
            o.Events.OnMessageReceived = async context =>
            {
                await inner(context);
                var request = context.Request;
                if (context.Token is null
                    && !request.Headers.ContainsKey("Authorization")
                    && !request.Path.StartsWithSegments("/api")
                    && request.Cookies.TryGetValue(WebRequest.SessionCookie, out var token) && token.Length > 0)
                {
                    context.Token = token;
                }
            };
        });
        return services;
    }
}
