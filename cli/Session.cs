using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pulang.Cli;

/// <summary>
/// What <c>pulang login</c> keeps between commands: the service URL, the bearer token and its expiry, who signed in, and
/// the service's published release key (for offline letter checks). A JSON file readable by the owner only:
/// <c>$PULANG_CLI_CONFIG</c>, else <c>$XDG_CONFIG_HOME/pulang/cli.json</c> (default <c>~/.config/pulang/cli.json</c>).
/// </summary>
public sealed record Session
{
    /// <summary>Service base URL, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public string Server { get; init; } = DefaultServer;
    /// <summary>Bearer token.</summary>
    public string? Token { get; init; }
    /// <summary>When the token expires (UTC).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>Who signed in (demo user ID or Entra account).</summary>
    public string? User { get; init; }
    /// <summary>The service's release key (PEM public key) as published at login.</summary>
    public string? ReleaseKeyPem { get; init; }

    /// <summary>The self-host's default URL.</summary>
    public const string DefaultServer = "http://127.0.0.1:5080";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The session file's path.</summary>
    public static string Path => Environment.GetEnvironmentVariable("PULANG_CLI_CONFIG") is { Length: > 0 } p ? p
        : System.IO.Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } x ? x
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "pulang", "cli.json");

    /// <summary>The saved session, or a new one (no token) when there is none.</summary>
    public static Session Load()
    {
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize<Session>(File.ReadAllText(Path), Json) ?? new() : new();
        }
        catch (JsonException)
        {
            return new();
        }
    }

    /// <summary>Saves the session (owner-only file mode on Unix).</summary>
    public void Save()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + ".tmp";
        File.WriteAllText(temp, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, Path, overwrite: true);
    }
}
