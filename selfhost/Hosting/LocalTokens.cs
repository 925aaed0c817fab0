using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;
using Pulang.Workflows.Storage;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// The self-host's local token issuer (issuer <c>pulang-local</c>): HS256 JWTs with <c>sub</c> and <c>roles</c>
/// claims, for the demo users and for tests. Not used when <see cref="AuthOptions.Authority"/> is set.
/// </summary>
public sealed class LocalTokens(SymmetricSecurityKey key, string audience)
{
    /// <summary>The local issuer name.</summary>
    public const string Issuer = "pulang-local";

    /// <summary>The signing key.</summary>
    public SymmetricSecurityKey Key { get; } = key;

    /// <summary>The audience tokens are minted for.</summary>
    public string Audience { get; } = audience;

    /// <summary>
    /// The demo users: actor ID → roles. IDs are role-like handles, never personal names. Two different
    /// officials sign for the two ministries; the assessor and the supervisor are different people.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> DemoUsers { get; } = new Dictionary<string, string[]>
    {
        ["embassy-kl-manifest"] = [Roles.Intake],
        ["sentra-intake-officer"] = [Roles.Uploader],
        ["sentra-verifier"] = [Roles.Verifier],
        ["sentra-social-worker"] = [Roles.Assessor],
        ["sentra-supervisor"] = [Roles.AssessmentApprover],
        ["p2mi-official"] = [Roles.P2miSigner],
        ["kemensos-official"] = [Roles.KemensosSigner],
        ["police-liaison"] = [Roles.Investigator],
        ["bp3mi-reader"] = [Roles.Reader],
        ["pulang-admin"] = [Roles.Admin],
    };

    /// <summary>
    /// Loads the key from <paramref name="options"/>, or from (creating, owner-only) <c>{dataDirectory}/keys/signing-key</c>
    /// (<see cref="LocalSecrets"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configured key is not base64 of at least 32 bytes.</exception>
    public static LocalTokens Load(AuthOptions options, string dataDirectory)
    {
        byte[] bytes;
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            try
            {
                bytes = Convert.FromBase64String(options.SigningKey);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("Pulang:Auth:SigningKey must be base64.");
            }
        }
        else
        {
            bytes = LocalSecrets.LoadOrCreateKey(dataDirectory, "signing-key");
        }

        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Pulang:Auth:SigningKey must be at least 32 bytes.");
        }

        return new LocalTokens(new SymmetricSecurityKey(bytes), options.Audience);
    }

    /// <summary>The file in the data directory that lists <see cref="DemoUsers"/> for <c>pulang login</c> (the staff CLI).</summary>
    public const string DemoUsersFile = "demo-users.json";

    /// <summary>
    /// Writes <c>{dataDirectory}/demo-users.json</c>: <c>{"issuer","audience","users":{id:[roles]}}</c>, no secret. The staff
    /// CLI on the same machine reads it with the key file (<c>keys/signing-key</c>) to mint a demo user's token itself,
    /// so the service needs no route that hands out tokens.
    /// </summary>
    public void WriteDemoUsers(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var file = Path.Combine(dataDirectory, DemoUsersFile);
        var temp = file + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, System.Text.Json.JsonSerializer.Serialize(new { issuer = Issuer, audience = Audience, users = DemoUsers }));
        File.Move(temp, file, overwrite: true);
    }

    /// <summary>Mints a token for <paramref name="userId"/> with <paramref name="roles"/>, valid for <paramref name="lifetime"/>.</summary>
    public string Mint(string userId, IEnumerable<string> roles, TimeSpan lifetime)
    {
        var claims = new List<Claim> { new("sub", userId) };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        var now = DateTime.UtcNow;
        var token = new JwtSecurityToken(Issuer, Audience, claims, lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(1) : now, now + lifetime, new SigningCredentials(Key, SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    /// <summary>A token for one of the <see cref="DemoUsers"/>.</summary>
    public string MintDemo(string userId, TimeSpan? lifetime = null) =>
        Mint(userId, DemoUsers.TryGetValue(userId, out var roles) ? roles : throw new ArgumentException($"Unknown demo user {userId}."), lifetime ?? TimeSpan.FromHours(8));

    /// <summary>Validation parameters for tokens of this issuer.</summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RoleClaimType = "roles",
        NameClaimType = "sub",
        ClockSkew = TimeSpan.FromSeconds(30),
    };
}
