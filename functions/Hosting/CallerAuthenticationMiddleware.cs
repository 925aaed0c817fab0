using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pulang.Web.Hosting;
using Pulang.Workflows.Http;

namespace Pulang.Functions.Hosting;

/// <summary>
/// Makes the caller the <see cref="Microsoft.AspNetCore.Http.HttpContext.User"/> the shared handlers read roles from.
/// <list type="number">
/// <item>A bearer token, when <c>Pulang:Auth:Authority</c> is set (the Bicep sets Entra ID), is validated in the worker by
/// <c>Microsoft.AspNetCore.Authentication.JwtBearer</c> exactly as the self-host does
/// (<see cref="PulangAuthentication.AddPulangJwtBearer"/>: issuer, audience, lifetime, signature). A token that fails
/// leaves the caller anonymous, so the handler answers 401 with problem details (<c>auth.required</c>). In Azure this
/// is the only gate: App Service Authentication is off (infra/main.bicep), so the platform never answers for Pulang. The web
/// app's session cookie (<see cref="WebRequest.SessionCookie"/>, the same token) is validated the same way for pages outside
/// <c>/api</c>.</item>
/// <item>People in the browser, in Azure: App Service Authentication (Entra ID, infra/main.bicep) signs them in and forwards
/// them in <c>X-MS-CLIENT-PRINCIPAL</c>, which requests from outside cannot set. Taken only when the platform says it is on
/// (<see cref="AppServiceSignIn.EnabledSetting"/>), only for pages (outside <c>/api</c>, which the Bicep excludes from the
/// platform's authentication) and only for a request without an <c>Authorization</c> header.</item>
/// <item>Local runs only (<c>func start</c>, no identity provider): a hand-made <c>X-MS-CLIENT-PRINCIPAL</c> header
/// (Base64 JSON, the shape App Service Authentication forwards) when <c>Pulang:Auth:TrustClientPrincipalHeader=true</c>.
/// Anyone can send that header, so it is trusted only locally: with <c>AZURE_FUNCTIONS_ENVIRONMENT=Development</c> (Core
/// Tools sets it) and no <c>WEBSITE_INSTANCE_ID</c> (App Service and Functions set it on every instance); otherwise the
/// setting is ignored with a warning, e.g. after <c>func azure functionapp publish --publish-local-settings</c> copied it there.</item>
/// </list>
/// Roles come from the <c>roles</c> claim (Entra app roles), the ID from the object ID (<c>oid</c>).
/// </summary>
public sealed class CallerAuthenticationMiddleware : IFunctionsWorkerMiddleware
{
    /// <summary>The header App Service Authentication forwards (trusted only locally, see the class remarks).</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The setting that lets local runs take <see cref="PrincipalHeader"/> as the caller.</summary>
    public const string TrustHeaderSetting = "Pulang:Auth:TrustClientPrincipalHeader";

    /// <summary>Set by App Service / Azure Functions on every instance in Azure; never set locally.</summary>
    public const string AzureInstanceSetting = "WEBSITE_INSTANCE_ID";

    /// <summary>The Functions host's environment name; Core Tools (<c>func start</c>) sets <c>Development</c>.</summary>
    public const string EnvironmentSetting = "AZURE_FUNCTIONS_ENVIRONMENT";

    const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    readonly IConfiguration configuration;

    /// <summary>
    /// Reads <c>Pulang:Auth:Authority</c> and <see cref="TrustHeaderSetting"/> from <paramref name="configuration"/>;
    /// logs a warning to <paramref name="logger"/> when the header is asked to be trusted in Azure (and ignores it).
    /// </summary>
    public CallerAuthenticationMiddleware(IConfiguration configuration, ILogger<CallerAuthenticationMiddleware>? logger = null)
    {
        this.configuration = configuration;
        var asked = configuration.GetValue(TrustHeaderSetting, false);
        // Trusted only where both say "local": no App Service instance, and the Development environment Core Tools sets.
        var local = string.IsNullOrEmpty(configuration[AzureInstanceSetting])
            && string.Equals(configuration[EnvironmentSetting], "Development", StringComparison.OrdinalIgnoreCase);
        TrustsPrincipalHeader = asked && local;
        TrustsPlatformPrincipalOnPages = AppServiceSignIn.IsOn(configuration);
        if (asked && !local)
        {
            logger?.LogWarning("{Setting}=true is ignored unless {Environment}=Development and {Instance} is not set: anyone could send {Header}. Callers need a bearer token.",
                TrustHeaderSetting, EnvironmentSetting, AzureInstanceSetting, PrincipalHeader);
        }
    }

    /// <summary>Whether <see cref="PrincipalHeader"/> is taken as the caller: asked for, in the Development environment, not on an App Service instance.</summary>
    public bool TrustsPrincipalHeader { get; }

    /// <summary>Whether <see cref="PrincipalHeader"/> is taken as the person on pages outside <c>/api</c>: App Service Authentication is on.</summary>
    public bool TrustsPlatformPrincipalOnPages { get; }

    /// <inheritdoc/>
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            await AuthenticateAsync(http);
        }

        await next(context);
    }

    /// <summary>Sets <paramref name="http"/>'s user from its bearer token or (locally) the hand-made principal header; else leaves it anonymous.</summary>
    public async Task AuthenticateAsync(HttpContext http)
    {
        var bearer = http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (TrustsPlatformPrincipalOnPages && http.Request.Headers.Authorization.Count == 0 && !http.Request.Path.StartsWithSegments("/api")
            && http.Request.Headers[PrincipalHeader].ToString() is { Length: > 0 } platform)
        {
            if (Parse(platform) is { } person)
            {
                http.User = person;
            }

            return;
        }

        // The web app's session cookie carries the same bearer token; the JWT bearer handler takes it from the cookie for
        // pages outside /api only (WebServices.AddPulangWeb), so an API call is never authenticated by a cookie.
        var session = !bearer && http.Request.Headers.Authorization.Count == 0 && !http.Request.Path.StartsWithSegments("/api")
            && http.Request.Cookies.ContainsKey(WebRequest.SessionCookie);
        if ((bearer || session) && !string.IsNullOrEmpty(configuration[$"{AuthOptions.Section}:Authority"]))
        {
            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (result.Succeeded)
            {
                http.User = result.Principal;
            }

            return;
        }

        if (TrustsPrincipalHeader)
        {
            var header = http.Request.Headers[PrincipalHeader].ToString();
            if (header.Length > 0 && Parse(header) is { } user)
            {
                http.User = user;
            }
        }
    }

    /// <summary>The principal in an <c>X-MS-CLIENT-PRINCIPAL</c> value; null when it is not one.</summary>
    public static ClaimsPrincipal? Parse(string header)
    {
        try
        {
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)));
            var root = json.RootElement;
            var claims = new List<Claim>();
            if (root.TryGetProperty("claims", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in list.EnumerateArray())
                {
                    if (c.TryGetProperty("typ", out var typ) && c.TryGetProperty("val", out var val) && typ.GetString() is { } t && val.GetString() is { } v)
                    {
                        claims.Add(new Claim(t == ObjectIdClaim ? "oid" : t, v));
                    }
                }
            }

            var authType = root.TryGetProperty("auth_typ", out var a) ? a.GetString() : null;
            return claims.Count == 0 ? null : new ClaimsPrincipal(new ClaimsIdentity(claims, string.IsNullOrEmpty(authType) ? "AppServiceAuthentication" : authType, "name", "roles"));
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
