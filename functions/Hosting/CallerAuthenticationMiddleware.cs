using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Pulang.Workflows.Http;

namespace Pulang.Functions.Hosting;

/// <summary>
/// Makes the caller the <see cref="Microsoft.AspNetCore.Http.HttpContext.User"/> the shared handlers read roles from.
/// <list type="number">
/// <item>A bearer token, when <c>Pulang:Auth:Authority</c> is set (the Bicep sets Entra ID), is validated in the worker by
/// <c>Microsoft.AspNetCore.Authentication.JwtBearer</c> exactly as the self-host does
/// (<see cref="PulangAuthentication.AddPulangJwtBearer"/>: issuer, audience, lifetime, signature). A token that fails
/// leaves the caller anonymous, so the handler answers 401 with problem details.</item>
/// <item>Otherwise the principal App Service Authentication ("Easy Auth") forwards in <c>X-MS-CLIENT-PRINCIPAL</c>
/// (Base64 JSON; the platform strips any such header a caller sent), trusted only when the platform says
/// authentication is on (<c>WEBSITE_AUTH_ENABLED=True</c>) or, for local runs with a hand-made header,
/// <c>Pulang:Auth:TrustClientPrincipalHeader=true</c>.</item>
/// </list>
/// Roles come from the <c>roles</c> claim (Entra app roles), the ID from the object ID (<c>oid</c>).
/// </summary>
public sealed class CallerAuthenticationMiddleware(IConfiguration configuration) : IFunctionsWorkerMiddleware
{
    /// <summary>The header App Service Authentication forwards.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <inheritdoc/>
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            await AuthenticateAsync(http);
        }

        await next(context);
    }

    /// <summary>Sets <paramref name="http"/>'s user from its bearer token or the App Service principal; else leaves it anonymous.</summary>
    public async Task AuthenticateAsync(HttpContext http)
    {
        var bearer = http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (bearer && !string.IsNullOrEmpty(configuration[$"{AuthOptions.Section}:Authority"]))
        {
            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (result.Succeeded)
            {
                http.User = result.Principal;
            }

            return;
        }

        if (Trusted())
        {
            var header = http.Request.Headers[PrincipalHeader].ToString();
            if (header.Length > 0 && Parse(header) is { } user)
            {
                http.User = user;
            }
        }
    }

    bool Trusted() =>
        string.Equals(configuration["WEBSITE_AUTH_ENABLED"], "True", StringComparison.OrdinalIgnoreCase)
        || configuration.GetValue("Pulang:Auth:TrustClientPrincipalHeader", false);

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
