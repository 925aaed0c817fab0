using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Pulang.Web;
using Pulang.Web.Hosting;
using Pulang.Web.Pages;
using Pulang.Workflows.Http;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// Browser sign-in at the OpenID Connect provider of <c>Pulang:Auth:Authority</c> (Entra ID), configuration section
/// <c>Pulang:Web:OpenIdConnect</c>. On only when <see cref="ClientId"/> is set besides the authority; without an authority the
/// demo users sign in locally, as before.
/// </summary>
public sealed class BrowserSignInOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Pulang:Web:OpenIdConnect";

    /// <summary>The app registration's client (application) ID (Entra: the Pulang app of <c>infra/entra-app.json</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// The client secret, when the app registration is a confidential "Web" client (Entra: a secret of the app, from a vault or
    /// an environment variable, never the repository). Empty: a public client; the authorization code is redeemed with PKCE alone.
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>The provider's name on the sign-in button (default <c>Microsoft Entra ID</c>).</summary>
    public string ProviderName { get; set; } = "Microsoft Entra ID";
}

/// <summary>
/// The self-host's browser sign-in with the ASP.NET Core OpenID Connect handler: authorization code flow with PKCE, the ID
/// token's <c>roles</c> claim (Entra app roles, the values of <c>workflows/Domain/Roles.cs</c>) as Pulang's roles, the person's
/// object ID (<c>oid</c>) as their ID, the session in the cookie <see cref="WebRequest.SessionCookie"/> (HttpOnly, Secure on
/// https, ending after <c>Pulang:Web:SessionLifetime</c>), sign-out at the provider's end-session endpoint.
/// <para>
/// Requests are routed by the policy scheme <see cref="Selector"/>: a request with an <c>Authorization</c> header or to
/// <c>/api</c> is authenticated by the JWT bearer handler only (a browser session never reaches the API); the pages by the
/// session cookie. The session cookie is SameSite=Lax, not Strict as the local sign-in's: the provider sends the browser back
/// with a cross-site POST to <c>/signin-oidc</c> and a Strict cookie set there is not sent on the redirect that follows, so the
/// person would land signed out. Every form post still needs the anti-forgery token (its cookie stays Strict).
/// </para>
/// </summary>
public static class BrowserSignIn
{
    /// <summary>The policy scheme that picks bearer or cookie per request.</summary>
    public const string Selector = "pulang";

    /// <summary>The session cookie's scheme.</summary>
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The OpenID Connect scheme.</summary>
    public const string OpenIdConnect = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>Where the provider sends the browser back with the authorization code (register it as a redirect URI).</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>Where the provider sends the browser back after its sign-out (register it as the front-channel logout URL's sibling).</summary>
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    /// <summary>
    /// Registers the cookie and OpenID Connect schemes, the selector as the default scheme and <see cref="IExternalSignIn"/>,
    /// when <paramref name="auth"/> has an authority and <c>Pulang:Web:OpenIdConnect:ClientId</c> is set; else nothing.
    /// Returns whether it registered. Call after <see cref="PulangAuthentication.AddPulangJwtBearer"/>.
    /// </summary>
    public static bool AddPulangBrowserSignIn(this IServiceCollection services, IConfiguration configuration, AuthOptions auth)
    {
        var options = configuration.GetSection(BrowserSignInOptions.Section).Get<BrowserSignInOptions>() ?? new BrowserSignInOptions();
        if (string.IsNullOrWhiteSpace(auth.Authority) || string.IsNullOrWhiteSpace(options.ClientId))
        {
            return false;
        }

        var authority = new Uri(auth.Authority);
        var web = configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();
        services.AddSingleton<IExternalSignIn>(new OpenIdConnectSignIn(options.ProviderName, authority.GetLeftPart(UriPartial.Authority)));
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Selector;
                o.DefaultChallengeScheme = Selector;
            })
            .AddPolicyScheme(Selector, null, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.ContainsKey("Authorization") || http.Request.Path.StartsWithSegments("/api")
                    ? JwtBearerDefaults.AuthenticationScheme
                    : Cookie)
            .AddCookie(Cookie, o =>
            {
                o.Cookie.Name = WebRequest.SessionCookie;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.IsEssential = true;
                o.ExpireTimeSpan = web.SessionLifetime;
                o.SlidingExpiration = false;
                o.LoginPath = WebRoutes.SignIn;
            })
            .AddOpenIdConnect(OpenIdConnect, o =>
            {
                o.Authority = authority.ToString();
                o.RequireHttpsMetadata = authority.Scheme == Uri.UriSchemeHttps;
                o.ClientId = options.ClientId;
                o.ClientSecret = string.IsNullOrWhiteSpace(options.ClientSecret) ? null : options.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                o.SignInScheme = Cookie;
                o.SignOutScheme = Cookie;
                o.CallbackPath = CallbackPath;
                o.SignedOutCallbackPath = SignedOutCallbackPath;
                o.SignedOutRedirectUri = WebRoutes.SignedOut;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                // Only the ID token is kept (for id_token_hint at sign-out): the cookie stays small and holds no access token.
                o.SaveTokens = true;
                o.UseTokenLifetime = false;
                o.TokenValidationParameters.NameClaimType = "oid";
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.Events = new OpenIdConnectEvents
                {
                    OnTokenValidated = async context =>
                    {
                        // A person without a role for people gets no session: a clear page, nothing stored.
                        if (context.Principal is not { } principal || CaseEndpoints.ActorOf(principal) is not { } actor || !WebRequest.IsPerson(actor.Roles))
                        {
                            context.HandleResponse();
                            await (await MessagePage.RenderAsync(context.HttpContext, 403, "signin.no-role.title", "signin.no-role.text")).ExecuteAsync(context.HttpContext);
                        }
                    },
                    OnTicketReceived = context =>
                    {
                        if (context.Properties is { } properties)
                        {
                            properties.StoreTokens(properties.GetTokens().Where(t => t.Name == "id_token").ToList());
                        }

                        return Task.CompletedTask;
                    },
                    OnRemoteFailure = async context =>
                    {
                        context.HandleResponse();
                        await (await MessagePage.RenderAsync(context.HttpContext, 400, "signin.failed.title", "signin.failed.text")).ExecuteAsync(context.HttpContext);
                    },
                };
            });
        return true;
    }

    sealed class OpenIdConnectSignIn(string providerName, string origin) : IExternalSignIn
    {
        public string ProviderName => providerName;

        public string Origin => origin;

        public IResult SignIn(HttpContext http, string returnPath) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = returnPath }, [OpenIdConnect]);

        public IResult SignOut(HttpContext http) =>
            Results.SignOut(new AuthenticationProperties { RedirectUri = WebRoutes.SignedOut }, [Cookie, OpenIdConnect]);
    }
}
