using Microsoft.AspNetCore.Http;

namespace Pulang.Web.Hosting;

/// <summary>
/// Browser sign-in at an identity provider (Entra ID), registered by the host that has one: the self-host runs the ASP.NET
/// Core OpenID Connect handler itself; the Function App leaves it to App Service Authentication. Without one, and without
/// demo users (<see cref="IDemoSignIn"/>), the sign-in page explains what the host needs.
/// </summary>
public interface IExternalSignIn
{
    /// <summary>The provider's name as people know it (e.g. <c>Microsoft Entra ID</c>), shown on the sign-in button.</summary>
    string ProviderName { get; }

    /// <summary>
    /// The provider's origin (e.g. <c>https://login.microsoftonline.com</c>), added to the pages' CSP <c>form-action</c>: the
    /// sign-in and sign-out forms end in a redirect there.
    /// </summary>
    string Origin { get; }

    /// <summary>Starts the sign-in: a redirect to the provider, which comes back to <paramref name="returnPath"/> (a local path).</summary>
    IResult SignIn(HttpContext http, string returnPath);

    /// <summary>
    /// Ends the Pulang session and the provider's: the session cookie is deleted and the browser goes to the provider's
    /// end-session endpoint, which sends it back to the sign-in page (<c>/signin?signedout=1</c>).
    /// </summary>
    IResult SignOut(HttpContext http);
}
