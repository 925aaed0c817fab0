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
/// hosts' Entra configuration is tested with real metadata discovery and key retrieval, without a network. For browsers it
/// also serves the authorization code flow as Entra does (<c>oauth2/v2.0/authorize</c> with a sign-in form that asks for the
/// account, the code sent back by <c>form_post</c>; <c>oauth2/v2.0/token</c> checking the PKCE verifier, the client and the
/// redirect URI; <c>oauth2/v2.0/logout</c>): people are added with <see cref="AddPerson"/>.
/// </summary>
public sealed class LocalOpenIdProvider : IAsyncDisposable
{
    const string Tenant = "00000000-0000-4000-8000-00000000d1a5";
    readonly WebApplication app;
    readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "pulang-test-key" };
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string ObjectId, string[] Roles)> people = new();
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Grant> grants = new();
    readonly System.Collections.Concurrent.ConcurrentQueue<string> signOuts = new();

    sealed record Grant(string ClientId, string RedirectUri, string Challenge, string? Nonce, string ObjectId, string[] Roles);

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
            ["authorization_endpoint"] = provider.Authority.Replace("/v2.0", "/oauth2/v2.0/authorize"),
            ["token_endpoint"] = provider.Authority.Replace("/v2.0", "/oauth2/v2.0/token"),
            ["end_session_endpoint"] = provider.Authority.Replace("/v2.0", "/oauth2/v2.0/logout"),
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["response_modes_supported"] = new[] { "query", "fragment", "form_post" },
            ["subject_types_supported"] = new[] { "pairwise" },
        }));
        app.MapGet($"/{Tenant}/discovery/v2.0/keys", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(provider!.key.Rsa.ExportParameters(false)) { KeyId = provider.key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E, alg = "RS256" } } });
        });
        var oauth = $"/{Tenant}/oauth2/v2.0";
        app.MapGet($"{oauth}/authorize", (HttpContext http) => provider!.AuthorizePage(http));
        app.MapPost($"{oauth}/authorize", (Delegate)((HttpContext http) => provider!.AuthorizeAsync(http)));
        app.MapPost($"{oauth}/token", (Delegate)((HttpContext http) => provider!.TokenAsync(http)));
        app.MapGet($"{oauth}/logout", (HttpContext http) => provider!.Logout(http));
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

    /// <summary>Adds a person who can sign in at the provider's form as <paramref name="account"/>, with these app roles.</summary>
    public void AddPerson(string account, string objectId, string[] roles) => people[account] = (objectId, roles);

    /// <summary>The <c>id_token_hint</c> of every sign-out the provider received (empty string: none given), in order.</summary>
    public IReadOnlyList<string> SignOuts => [.. signOuts];

    /// <summary>The client IDs the provider knows (Entra: the app registration), each with its one redirect URI; set by the test.</summary>
    public Dictionary<string, string> Clients { get; } = [];

    IResult AuthorizePage(HttpContext http)
    {
        var q = http.Request.Query;
        if (q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"])
            || !Clients.TryGetValue(q["client_id"].ToString(), out var redirect) || redirect != q["redirect_uri"])
        {
            return Results.BadRequest("unsupported request: code flow with S256 PKCE and a registered client and redirect URI only");
        }

        var hidden = string.Concat(new[] { "client_id", "redirect_uri", "state", "nonce", "code_challenge", "response_mode" }
            .Select(n => $"<input type=\"hidden\" name=\"{n}\" value=\"{System.Net.WebUtility.HtmlEncode(q[n].ToString())}\">"));
        return Results.Content($"""
            <!DOCTYPE html><html lang="en"><head><title>Test identity provider</title></head><body><main>
            <h1>Test identity provider</h1>
            <form method="post"><label for="account">Account</label> <input id="account" name="account" autocomplete="username">{hidden}
            <button type="submit">Continue</button></form></main></body></html>
            """, "text/html; charset=utf-8");
    }

    async Task<IResult> AuthorizeAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        if (!people.TryGetValue(form["account"].ToString(), out var person))
        {
            return Results.Content("<!DOCTYPE html><html lang=\"en\"><head><title>Unknown account</title></head><body><p>Unknown account</p></body></html>", "text/html", statusCode: 400);
        }

        var redirect = form["redirect_uri"].ToString();
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        grants[code] = new Grant(form["client_id"].ToString(), redirect, form["code_challenge"].ToString(), form["nonce"].ToString(), person.ObjectId, person.Roles);
        string Field(string n, string v) => $"<input type=\"hidden\" name=\"{n}\" value=\"{System.Net.WebUtility.HtmlEncode(v)}\">";
        // form_post, as Entra answers the ASP.NET Core handler: a page that posts the code back to the app.
        return Results.Content($"""
            <!DOCTYPE html><html lang="en"><head><title>Signing in</title></head><body>
            <form method="post" action="{System.Net.WebUtility.HtmlEncode(redirect)}">{Field("code", code)}{Field("state", form["state"].ToString())}</form>
            <script>document.forms[0].submit()</script></body></html>
            """, "text/html; charset=utf-8");
    }

    async Task<IResult> TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        if (form["grant_type"] != "authorization_code" || !grants.TryRemove(form["code"].ToString(), out var grant))
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        var verifier = form["code_verifier"].ToString();
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        if (verifier.Length < 43 || challenge != grant.Challenge || form["client_id"] != grant.ClientId || form["redirect_uri"] != grant.RedirectUri)
        {
            return Results.Json(new { error = "invalid_grant", error_description = "PKCE verifier, client or redirect URI does not match" }, statusCode: 400);
        }

        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["oid"] = grant.ObjectId, ["sub"] = "pairwise-" + grant.ObjectId, ["tid"] = Tenant, ["roles"] = grant.Roles, ["ver"] = "2.0" };
        if (!string.IsNullOrEmpty(grant.Nonce))
        {
            claims["nonce"] = grant.Nonce;
        }

        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = grant.ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        return Results.Json(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["id_token"] = idToken,
            ["access_token"] = Mint(grant.ClientId, grant.ObjectId, grant.Roles),
            ["expires_in"] = 3600,
            ["scope"] = "openid profile",
        });
    }

    IResult Logout(HttpContext http)
    {
        signOuts.Enqueue(http.Request.Query["id_token_hint"].ToString());
        var back = http.Request.Query["post_logout_redirect_uri"].ToString();
        if (string.IsNullOrEmpty(back))
        {
            return Results.Content("signed out", "text/plain");
        }

        var state = http.Request.Query["state"].ToString();
        return Results.Redirect(string.IsNullOrEmpty(state) ? back : $"{back}?state={Uri.EscapeDataString(state)}");
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
