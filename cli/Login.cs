using Pulang.Workflows.Storage;
using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using Microsoft.IdentityModel.Tokens;
using Spectre.Console;

namespace Pulang.Cli;

/// <summary>
/// <c>pulang login</c>: gets a bearer token and keeps it in the <see cref="Session"/>, with the service's release key.
/// </summary>
/// <remarks>
/// Local (the self-host's local issuer): the CLI reads the issuer's key file (<c>keys/signing-key</c>, see <see cref="LocalSecrets"/>) and the demo users
/// (<c>demo-users.json</c>, roles per user, written by the self-host) from the service's data directory and mints the
/// demo user's token itself, as <c>pulang token</c> does. Chosen over a token route on the service: a route that hands
/// out tokens would give any role to anyone who reaches the port (a service bound beyond loopback by mistake, another
/// local user, a web page's request to 127.0.0.1), while the key file is readable by the service's own OS user only
/// (mode 0600), which is who may run the service anyway. With Entra ID: the device code flow
/// (<see cref="DeviceCodeCredential"/>): the CLI prints a code to enter at microsoft.com/devicelogin.
/// </remarks>
public static class Login
{
    /// <summary>Signs in as a local demo user; returns the saved session.</summary>
    /// <exception cref="CliException">No data directory or key file, unknown user, or the service refuses the token.</exception>
    public static async Task<Session> LocalAsync(string server, string? user, string? dataDirectory, TextWriter output, CancellationToken ct)
    {
        var directory = dataDirectory ?? FindDataDirectory()
            ?? throw new CliException(ExitCodes.BadInput, "Folder data layanan tidak ditemukan (no data directory): beri --data-dir (Pulang__DataDirectory layanan, bawaan .pulang/ di repositori).");
        var keyFile = KeyFileIn(directory);
        var usersFile = Path.Combine(directory, "demo-users.json");
        if (!File.Exists(keyFile) || !File.Exists(usersFile))
        {
            throw new CliException(ExitCodes.BadInput, $"{directory} tidak berisi keys/{SigningKeyName} dan demo-users.json: jalankan layanan (penerbit token lokal) sekali, atau beri --data-dir yang benar. Dengan Entra ID: pulang login --entra.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
        }
        catch (Exception e) when (e is FormatException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"{keyFile} tidak dapat dibaca: {e.Message}");
        }

        using var users = JsonDocument.Parse(File.ReadAllText(usersFile));
        var table = users.RootElement.GetProperty("users").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(r => r.GetString()!).ToArray());
        if (user is null)
        {
            if (Console.IsInputRedirected || Console.IsOutputRedirected)
            {
                throw new CliException(ExitCodes.Usage, $"Pilih pengguna dengan --user: {string.Join(", ", table.Keys)}.");
            }

            user = AnsiConsole.Prompt(new SelectionPrompt<string>().Title("Masuk sebagai pengguna demo:").AddChoices(table.Keys)
                .UseConverter(u => $"{u} ({string.Join(", ", table[u])})"));
        }

        if (!table.TryGetValue(user, out var roles))
        {
            throw new CliException(ExitCodes.BadInput, $"'{user}' bukan pengguna demo; pengguna: {string.Join(", ", table.Keys)}.");
        }

        var lifetime = TimeSpan.FromHours(8);
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", user) };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        var jwt = new JwtSecurityToken(users.RootElement.GetProperty("issuer").GetString(), users.RootElement.GetProperty("audience").GetString(), claims, now, now + lifetime,
            new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256));
        var session = new Session { Server = server, Token = new JwtSecurityTokenHandler().WriteToken(jwt), ExpiresAt = now + lifetime, User = user };
        return await FinishAsync(session, output, ct);
    }

    /// <summary>Signs in with Entra ID (device code flow) for <paramref name="scope"/> (e.g. <c>api://pulang/.default</c>).</summary>
    public static async Task<Session> EntraAsync(string server, string tenant, string clientId, string scope, TextWriter output, CancellationToken ct)
    {
        var credential = new DeviceCodeCredential(new DeviceCodeCredentialOptions
        {
            TenantId = tenant,
            ClientId = clientId,
            DeviceCodeCallback = (code, _) =>
            {
                Console.Error.WriteLine(code.Message);
                return Task.CompletedTask;
            },
        });
        AccessToken token;
        try
        {
            token = await credential.GetTokenAsync(new TokenRequestContext([scope]), ct);
        }
        catch (AuthenticationFailedException e)
        {
            throw new CliException(ExitCodes.Auth, $"Masuk dengan Entra ID gagal: {e.Message}");
        }

        var subject = new JwtSecurityTokenHandler().ReadJwtToken(token.Token).Claims.FirstOrDefault(c => c.Type is "preferred_username" or "upn" or "oid")?.Value;
        return await FinishAsync(new Session { Server = server, Token = token.Token, ExpiresAt = token.ExpiresOn, User = subject }, output, ct);
    }

    /// <summary>Checks the token against the service (<c>GET /api/inbox</c>), fetches the release key, saves the session.</summary>
    static async Task<Session> FinishAsync(Session session, TextWriter output, CancellationToken ct)
    {
        using (var api = new Api(session.Server, session.Token))
        {
            try
            {
                await api.GetJsonAsync("api/inbox?max=1", ct);
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.Auth)
            {
                throw new CliException(ExitCodes.Auth, $"Layanan di {session.Server} menolak token ini ({e.Message}): folder data lain, atau layanan memakai Entra ID (pulang login --entra).");
            }

            try
            {
                var key = await api.GetJsonAsync(".well-known/pulang-release-key", ct);
                session = session with { ReleaseKeyPem = key.GetProperty("publicKeyPem").GetString() };
            }
            catch (CliException)
            {
                // An older service without release letters: letters can still be checked with --key.
            }
        }

        session.Save();
        output.WriteLine($"Masuk sebagai {session.User} di {session.Server} (berlaku sampai {session.ExpiresAt:yyyy-MM-dd HH:mm} UTC); sesi: {Session.Path}");
        return session;
    }

    /// <summary>The local issuer's key file name in the keys folder (the self-host's <c>LocalTokens</c>).</summary>
    public const string SigningKeyName = "signing-key";

    /// <summary>The local issuer's key file in a data directory: <c>keys/signing-key</c> (<see cref="LocalSecrets.PathOf"/>).</summary>
    public static string KeyFileIn(string dataDirectory) => LocalSecrets.PathOf(dataDirectory, SigningKeyName);

    /// <summary>The data directory: <c>Pulang__DataDirectory</c>, else the nearest <c>.pulang</c> with a key file above the current folder.</summary>
    public static string? FindDataDirectory()
    {
        if (Environment.GetEnvironmentVariable("Pulang__DataDirectory") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(KeyFileIn(Path.Combine(dir.FullName, ".pulang"))))
            {
                return Path.Combine(dir.FullName, ".pulang");
            }
        }

        return null;
    }
}
