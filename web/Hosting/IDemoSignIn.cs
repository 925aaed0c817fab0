namespace Pulang.Web.Hosting;

/// <summary>
/// Local sign-in for the demo users: the self-host registers one over its local token issuer; without it (Entra ID
/// configured) the sign-in page explains how people sign in instead.
/// </summary>
public interface IDemoSignIn
{
    /// <summary>The demo users: user ID (a role-like handle, never a personal name) to roles.</summary>
    IReadOnlyDictionary<string, string[]> Users { get; }

    /// <summary>A bearer token (JWT) for <paramref name="userId"/>, valid for <paramref name="lifetime"/>.</summary>
    /// <exception cref="ArgumentException">Not a demo user.</exception>
    string Mint(string userId, TimeSpan lifetime);
}
