using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Letters;

/// <summary>
/// The deployment's release key: an ECDSA P-256 key that signs the statement on every release letter
/// (<see cref="ReleaseStatement"/>). The public half is published at <c>/.well-known/pulang-release-key</c>.
/// </summary>
/// <remarks>
/// From the setting <c>Pulang:ReleaseKey</c> (a PKCS#8 PEM, or its base64 DER body), which in Azure is an app setting
/// holding a Key Vault reference (<c>@Microsoft.KeyVault(SecretUri=...)</c>), so the key lives in Key Vault; else, in the
/// self-host, from (created on first use) <c>{dataDirectory}/keys/release-key.pem</c>, written owner-only from its first byte
/// by <see cref="LocalSecrets"/>, as the local token-signing key is.
/// </remarks>
public sealed class ReleaseKey : IDisposable
{
    /// <summary>The setting that holds the key.</summary>
    public const string Setting = "Pulang:ReleaseKey";

    /// <summary>The file name in the self-host's data directory.</summary>
    public const string FileName = "release-key.pem";

    readonly ECDsa key;

    ReleaseKey(ECDsa key)
    {
        this.key = key;
        KeyId = ReleaseStatement.KeyIdOf(key);
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The key's ID (<see cref="ReleaseStatement.KeyIdOf"/>).</summary>
    public string KeyId { get; }

    /// <summary>The public key as a PEM <c>PUBLIC KEY</c> (SubjectPublicKeyInfo).</summary>
    public string PublicKeyPem { get; }

    /// <summary>The public key as a JWK (<c>kty</c> EC, <c>crv</c> P-256, <c>x</c>, <c>y</c>, <c>kid</c>, <c>alg</c> ES256, <c>use</c> sig).</summary>
    public IReadOnlyDictionary<string, string> PublicJwk
    {
        get
        {
            var p = key.ExportParameters(false);
            return new Dictionary<string, string>
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = System.Buffers.Text.Base64Url.EncodeToString(p.Q.X),
                ["y"] = System.Buffers.Text.Base64Url.EncodeToString(p.Q.Y),
                ["kid"] = KeyId,
                ["alg"] = "ES256",
                ["use"] = "sig",
            };
        }
    }

    /// <summary>Signs a statement for a release (see <see cref="ReleaseStatement.Sign"/>).</summary>
    public ReleaseStatement Sign(string caseId, DateTimeOffset releasedAt, long auditSequence, string auditHash) =>
        ReleaseStatement.Sign(caseId, releasedAt, auditSequence, auditHash, key);

    /// <summary>Checks a statement against this key's public half.</summary>
    public bool Verify(ReleaseStatement statement, out string? error) => statement.Verify(key, out error);

    /// <summary>
    /// The key from <see cref="Setting"/>, else from <paramref name="dataDirectory"/> (creating it there), else an error.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is not a P-256 private key, or neither the setting nor a data directory is given.</exception>
    public static ReleaseKey Load(IConfiguration configuration, string? dataDirectory)
    {
        var configured = configuration[Setting];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new ReleaseKey(Import(configured, Setting));
        }

        if (string.IsNullOrEmpty(dataDirectory))
        {
            throw new InvalidOperationException($"{Setting} is not set: give the release key (a P-256 PKCS#8 PEM; in Azure an app setting with a Key Vault reference). Generate one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256");
        }

        // A key file from before the keys folder (in the data directory itself) is taken over, so letters stay verifiable.
        var legacy = Path.Combine(dataDirectory, FileName);
        var pem = LocalSecrets.LoadOrCreate(dataDirectory, FileName, stream =>
        {
            if (File.Exists(legacy))
            {
                using var old = File.OpenRead(legacy);
                old.CopyTo(stream);
                return;
            }

            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(created.ExportPkcs8PrivateKeyPem()));
        });
        var key = Import(pem, PathIn(dataDirectory));
        if (File.Exists(legacy) && File.ReadAllText(legacy) == pem)
        {
            File.Delete(legacy);
        }

        return new ReleaseKey(key);
    }

    /// <summary>The key file in a self-host's data directory: <c>{dataDirectory}/keys/release-key.pem</c> (<see cref="LocalSecrets"/>).</summary>
    public static string PathIn(string dataDirectory) => LocalSecrets.PathOf(dataDirectory, FileName);

    /// <summary>A key from a PEM or base64 PKCS#8 text (for tests and tools).</summary>
    public static ReleaseKey FromPem(string pem) => new(Import(pem, "key"));

    static ECDsa Import(string text, string source)
    {
        var key = ECDsa.Create();
        try
        {
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                key.ImportFromPem(text);
            }
            else
            {
                key.ImportPkcs8PrivateKey(Convert.FromBase64String(text.Trim()), out _);
            }
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source} is not a readable EC private key (PKCS#8 PEM or base64): {e.Message}");
        }

        if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid?.Value is not ("1.2.840.10045.3.1.7"))
        {
            key.Dispose();
            throw new InvalidOperationException($"{source} must be a P-256 (secp256r1) key.");
        }

        try
        {
            key.ExportParameters(true);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source} holds only a public key; the release key must be the private key.");
        }

        return key;
    }

    /// <inheritdoc/>
    public void Dispose() => key.Dispose();
}
