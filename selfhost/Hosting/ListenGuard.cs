using System.Net;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// Keeps the local token issuer off the network: its tokens are signed with a key on this machine and its demo users
/// hold every role, so a self-host with the local issuer (no <c>Pulang:Auth:Authority</c>) listens on loopback
/// addresses only, unless <c>Pulang:Auth:AllowLocalIssuerOnNetwork=true</c> says that is meant (a lab network).
/// </summary>
public static class ListenGuard
{
    /// <summary>The explicit switch: <c>Pulang:Auth:AllowLocalIssuerOnNetwork</c> (<c>Pulang__Auth__AllowLocalIssuerOnNetwork=true</c>).</summary>
    public const string AllowSetting = "Pulang:Auth:AllowLocalIssuerOnNetwork";

    /// <summary>
    /// Where the host is told to listen: <c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>DOTNET_URLS</c>),
    /// <c>http_ports</c>/<c>https_ports</c> (every address, written <c>*:port</c>) and <c>Kestrel:Endpoints:*:Url</c>.
    /// </summary>
    public static IReadOnlyList<string> Addresses(IConfiguration config)
    {
        var found = new List<string>();
        foreach (var key in new[] { "urls", "ASPNETCORE_URLS", "DOTNET_URLS" })
        {
            found.AddRange((config[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        foreach (var key in new[] { "http_ports", "https_ports", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS" })
        {
            found.AddRange((config[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
        }

        found.AddRange(config.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        return found.Distinct().ToList();
    }

    /// <summary>True for <c>localhost</c>, 127.0.0.0/8 and <c>::1</c>; false for <c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c> and any other host.</summary>
    public static bool IsLoopback(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        if (rest.StartsWith("unix:", StringComparison.OrdinalIgnoreCase)) return true; // a Unix socket is not on the network
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']'))] : rest.Split(':', '/')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Throws when the local issuer would listen on a non-loopback address without the explicit switch.</summary>
    /// <exception cref="InvalidOperationException">Names the addresses and the two ways out (Entra ID, or the switch).</exception>
    public static void Check(IConfiguration config, bool localIssuer)
    {
        if (!localIssuer || config.GetValue(AllowSetting, false))
        {
            return;
        }

        var open = Addresses(config).Where(a => !IsLoopback(a)).ToList();
        if (open.Count > 0)
        {
            throw new InvalidOperationException(
                $"The self-host would listen on {string.Join(", ", open)} (not loopback) with the local token issuer, whose demo users hold every role " +
                "and whose key is on this machine. Set Pulang__Auth__Authority (Entra ID) for a service others reach, listen on 127.0.0.1, " +
                "or set Pulang__Auth__AllowLocalIssuerOnNetwork=true if exposing the local issuer is meant (a closed lab network).");
        }
    }
}
