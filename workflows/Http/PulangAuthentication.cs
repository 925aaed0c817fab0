using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Pulang.Workflows.Http;

/// <summary>Authentication settings (configuration section <c>Pulang:Auth</c>), the same in both hosts.</summary>
public sealed class AuthOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Pulang:Auth";

    /// <summary>
    /// OpenID Connect authority (Entra ID: <c>https://login.microsoftonline.com/{tenant}/v2.0</c>). When set, bearer
    /// tokens are validated against its published metadata and signing keys (issuer, audience, lifetime,
    /// signature) and the self-host's local issuer is off. Must be <c>https</c>, except a loopback
    /// <c>http://127.0.0.1</c> authority (tests, a local identity provider).
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>Expected audience (default <c>pulang</c>; in Entra ID the app ID URI <c>api://{client id}</c> or the client ID).</summary>
    public string Audience { get; set; } = "pulang";

    /// <summary>
    /// More accepted audiences (Entra ID issues v1 tokens with the app ID URI and v2 tokens with the client ID:
    /// list both).
    /// </summary>
    public string[] ExtraAudiences { get; set; } = [];

    /// <summary>
    /// Local issuer's HMAC-SHA256 key, base64 (at least 32 bytes; self-host only). Empty: a key is generated once
    /// and kept owner-only in the data directory (<c>keys/signing-key</c>, mode 0600 in a 0700 folder), so tokens minted by
    /// <c>pulang token</c> keep working.
    /// </summary>
    public string? SigningKey { get; set; }
}

/// <summary>
/// JWT bearer authentication as both hosts use it (<c>Microsoft.AspNetCore.Authentication.JwtBearer</c>): tokens from
/// the OpenID Connect <see cref="AuthOptions.Authority"/> (Entra ID), or, in the self-host without an authority,
/// from its local issuer. Roles come from the <c>roles</c> claim (Entra app roles, see
/// <c>infra/entra-app.json</c>), the caller's ID from <c>oid</c> (Entra object ID) or <c>sub</c>. Missing,
/// expired, wrongly signed and wrong-audience tokens all end as 401 with problem details.
/// </summary>
public static class PulangAuthentication
{
    /// <summary>
    /// Registers the <see cref="JwtBearerDefaults.AuthenticationScheme"/> scheme. <paramref name="local"/>: the
    /// validation parameters of a local issuer, used when <see cref="AuthOptions.Authority"/> is empty.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither an authority nor local parameters; or a non-https,
    /// non-loopback authority.</exception>
    public static IServiceCollection AddPulangJwtBearer(this IServiceCollection services, AuthOptions auth, TokenValidationParameters? local = null)
    {
        var authority = string.IsNullOrWhiteSpace(auth.Authority) ? null : new Uri(auth.Authority);
        if (authority is null && local is null)
        {
            throw new InvalidOperationException("Set Pulang:Auth:Authority (an OpenID Connect authority such as Entra ID).");
        }

        if (authority is not null && authority.Scheme != Uri.UriSchemeHttps && !authority.IsLoopback)
        {
            throw new InvalidOperationException("Pulang:Auth:Authority must use https (http only on loopback).");
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            if (authority is null)
            {
                o.TokenValidationParameters = local!;
            }
            else
            {
                o.Authority = authority.ToString();
                o.RequireHttpsMetadata = authority.Scheme == Uri.UriSchemeHttps;
                o.TokenValidationParameters.ValidAudiences = [auth.Audience, .. auth.ExtraAudiences];
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.TokenValidationParameters.NameClaimType = "oid";
                o.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(1);
            }

            o.Events = new JwtBearerEvents
            {
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.StatusCode = 401;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Problems.Unauthenticated().ExecuteAsync(context.HttpContext);
                },
            };
        });
        return services;
    }
}
