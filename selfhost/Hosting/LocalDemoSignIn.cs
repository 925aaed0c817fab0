using Pulang.Web.Hosting;

namespace Pulang.SelfHost.Hosting;

/// <summary>The web app's local sign-in over the self-host's local issuer: the demo users of <see cref="LocalTokens.DemoUsers"/>.</summary>
public sealed class LocalDemoSignIn(LocalTokens tokens) : IDemoSignIn
{
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string[]> Users => LocalTokens.DemoUsers;

    /// <inheritdoc/>
    public string Mint(string userId, TimeSpan lifetime) => tokens.MintDemo(userId, lifetime);
}
