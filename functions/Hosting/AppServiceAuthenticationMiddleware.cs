using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;

namespace Pulang.Functions.Hosting;

/// <summary>
/// Makes the caller that App Service Authentication (Entra ID, "Easy Auth") validated the
/// <see cref="Microsoft.AspNetCore.Http.HttpContext.User"/> the shared handlers read roles from.
/// <para>
/// App Service Authentication validates the bearer token (or session) in front of the worker, refuses
/// unauthenticated calls (the Bicep sets <c>Return401</c>), strips any <c>X-MS-CLIENT-PRINCIPAL</c> a caller sent and
/// forwards the caller's claims in that header (Base64 JSON). The header is trusted only when the platform says
/// authentication is on (<c>WEBSITE_AUTH_ENABLED=True</c>) or, for local runs with a hand-made header,
/// <c>Pulang:Auth:TrustClientPrincipalHeader=true</c>. Otherwise the caller stays anonymous and the handlers
/// answer 401. Roles come from the <c>roles</c> claim (Entra app roles), the ID from the object ID
/// (<c>oid</c>).
/// </para>
/// </summary>
public sealed class AppServiceAuthenticationMiddleware(IConfiguration configuration) : IFunctionsWorkerMiddleware
{
    /// <summary>The header App Service Authentication forwards.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <inheritdoc/>
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http && Trusted())
        {
            var header = http.Request.Headers[PrincipalHeader].ToString();
            if (header.Length > 0 && Parse(header) is { } user)
            {
                http.User = user;
            }
        }

        return next(context);
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
