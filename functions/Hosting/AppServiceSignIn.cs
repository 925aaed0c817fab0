using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Pulang.Web;
using Pulang.Web.Hosting;
using Pulang.Workflows.Http;

namespace Pulang.Functions.Hosting;

/// <summary>
/// Browser sign-in in Azure: App Service Authentication with the Entra ID provider (infra/main.bicep) runs the OpenID Connect
/// flow and keeps the session; this only sends people to its endpoints. Sign-in: <c>/.auth/login/aad</c>, back to the inbox.
/// Sign-out: <c>/.auth/logout</c>, which ends the platform's session and Entra's, back to <c>/signin?signedout=1</c>. The
/// person reaches the pages as <c>X-MS-CLIENT-PRINCIPAL</c> (<see cref="CallerAuthenticationMiddleware"/>). Registered when the
/// platform says App Service Authentication is on (<see cref="EnabledSetting"/>).
/// </summary>
public sealed class AppServiceSignIn(string origin) : IExternalSignIn
{
    /// <summary>Set to <c>True</c> by App Service on every instance when App Service Authentication is on; never set locally.</summary>
    public const string EnabledSetting = "WEBSITE_AUTH_ENABLED";

    /// <summary>The platform's login endpoint for the Entra ID provider.</summary>
    public const string LoginPath = "/.auth/login/aad";

    /// <summary>The platform's logout endpoint.</summary>
    public const string LogoutPath = "/.auth/logout";

    /// <summary>True when <paramref name="configuration"/> says App Service Authentication is on (<see cref="EnabledSetting"/>).</summary>
    public static bool IsOn(IConfiguration configuration) => string.Equals(configuration[EnabledSetting], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The sign-in for <paramref name="configuration"/>: the provider's origin from <c>Pulang:Auth:Authority</c> (Entra: <c>https://login.microsoftonline.com</c>).</summary>
    public static AppServiceSignIn From(IConfiguration configuration) =>
        new(Uri.TryCreate(configuration[$"{AuthOptions.Section}:Authority"], UriKind.Absolute, out var authority)
            ? authority.GetLeftPart(UriPartial.Authority)
            : "https://login.microsoftonline.com");

    /// <inheritdoc/>
    public string ProviderName => "Microsoft Entra ID";

    /// <inheritdoc/>
    public string Origin => origin;

    /// <inheritdoc/>
    public IResult SignIn(HttpContext http, string returnPath) =>
        WebRequest.SeeOther(http, $"{LoginPath}?post_login_redirect_uri={Uri.EscapeDataString(returnPath)}");

    /// <inheritdoc/>
    public IResult SignOut(HttpContext http) =>
        WebRequest.SeeOther(http, $"{LogoutPath}?post_logout_redirect_uri={Uri.EscapeDataString(WebRoutes.SignedOut)}");
}
