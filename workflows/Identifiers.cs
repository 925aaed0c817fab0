using System.Security.Cryptography;
using System.Text;

namespace Pulang.Workflows;

/// <summary>The one place that makes Pulang's IDs and text digests.</summary>
public static class Identifiers
{
    /// <summary>Crockford base32 alphabet (no I, L, O, U): IDs people can read aloud and type.</summary>
    public const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary><paramref name="prefix"/> and <paramref name="length"/> random Crockford characters (5 bits each).</summary>
    public static string Random(string prefix, int length) => prefix + RandomNumberGenerator.GetString(Crockford, length);

    /// <summary><paramref name="prefix"/> and <paramref name="length"/> Crockford characters taken from SHA-256 of <paramref name="text"/> (deterministic).</summary>
    public static string Derived(string prefix, string text, int length)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Crockford[hash[i] & 31];
        }

        return prefix + new string(chars);
    }

    /// <summary>True when <paramref name="id"/> is <paramref name="prefix"/> followed by exactly <paramref name="length"/> Crockford characters.</summary>
    public static bool Matches(string? id, string prefix, int length) =>
        id is not null && id.Length == prefix.Length + length && id.StartsWith(prefix, StringComparison.Ordinal)
        && id.AsSpan(prefix.Length).IndexOfAnyExcept(Crockford) < 0;

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
