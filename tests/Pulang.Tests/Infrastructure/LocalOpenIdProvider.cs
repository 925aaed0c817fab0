using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// An OpenID Connect provider on loopback shaped like Entra ID v2 (<c>{authority}/.well-known/openid-configuration</c>,
/// <c>jwks_uri</c> with one RSA key, RS256 tokens with <c>iss</c>, <c>aud</c>, <c>oid</c>, <c>tid</c> and <c>roles</c>), so the
/// hosts' Entra configuration is tested with real metadata discovery and key retrieval, without a network.
/// </summary>
public sealed class LocalOpenIdProvider : IAsyncDisposable
{
    const string Tenant = "00000000-0000-4000-8000-00000000d1a5";
    readonly WebApplication app;
    readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "pulang-test-key" };

    LocalOpenIdProvider(WebApplication app, string authority)
    {
        this.app = app;
        Authority = authority;
    }

    /// <summary>The authority: <c>http://127.0.0.1:{port}/{tenant}/v2.0</c>, also the tokens' issuer.</summary>
    public string Authority { get; }

    /// <summary>Starts the provider on a free loopback port.</summary>
    public static async Task<LocalOpenIdProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        LocalOpenIdProvider? provider = null;
        app.MapGet($"/{Tenant}/v2.0/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider!.Authority,
            ["jwks_uri"] = provider.Authority.Replace("/v2.0", "/discovery/v2.0/keys"),
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["response_types_supported"] = new[] { "code", "id_token" },
            ["subject_types_supported"] = new[] { "pairwise" },
        }));
        app.MapGet($"/{Tenant}/discovery/v2.0/keys", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(provider!.key.Rsa.ExportParameters(false)) { KeyId = provider.key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E, alg = "RS256" } } });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider = new LocalOpenIdProvider(app, $"{address.TrimEnd('/')}/{Tenant}/v2.0");
        return provider;
    }

    /// <summary>
    /// An access token for <paramref name="audience"/> with the caller's object ID and app roles. <paramref name="lifetime"/>
    /// may be negative (an expired token); <paramref name="signingKey"/> replaces the published key (a forged token);
    /// <paramref name="issuer"/> replaces the authority; <paramref name="tokenType"/> is the <c>idtyp</c> claim (<c>app</c> for an
    /// application's own token).
    /// </summary>
    public string Mint(string audience, string objectId, string[] roles, TimeSpan? lifetime = null, SecurityKey? signingKey = null, string? issuer = null, string? tokenType = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            Claims = tokenType is null
                ? new Dictionary<string, object> { ["oid"] = objectId, ["sub"] = "pairwise-" + objectId, ["tid"] = Tenant, ["roles"] = roles }
                : new Dictionary<string, object> { ["oid"] = objectId, ["sub"] = "pairwise-" + objectId, ["tid"] = Tenant, ["roles"] = roles, ["idtyp"] = tokenType },
            SigningCredentials = new SigningCredentials(signingKey ?? key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A key the provider does not publish (for forged tokens).</summary>
    public static SecurityKey ForeignKey() => new RsaSecurityKey(RSA.Create(2048)) { KeyId = "pulang-test-key" };

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
