using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pulang.Workflows.Letters;

/// <summary>
/// The compact signed statement a release letter's QR code carries: one line of text,
/// <c>PULANG-RILIS/1;c={caseId};t={releasedAt};a={auditSequence}:{auditHash};k={keyId};s={signature}</c>, where
/// <c>t</c> is the release time in UTC to the second (<c>yyyy-MM-ddTHH:mm:ssZ</c>), <c>a</c> the case's audit trail head
/// at release (the <c>release</c> entry's sequence number and lower-case hex hash), <c>k</c> the release key's ID
/// (<see cref="KeyIdOf"/>) and <c>s</c> the ECDSA P-256 / SHA-256 signature (IEEE P1363 <c>r||s</c>, 64 bytes,
/// base64url without padding) over the UTF-8 bytes of everything before <c>;s=</c>. About 230 characters.
/// </summary>
/// <remarks>
/// Only the framework's cryptography, so the CLI compiles this same file (linked) to check letters offline.
/// </remarks>
/// <param name="CaseId">The case ID (<c>PLG-...</c>).</param>
/// <param name="ReleasedAt">Release time, UTC, whole seconds.</param>
/// <param name="AuditSequence">Sequence number of the audit trail's <c>release</c> entry.</param>
/// <param name="AuditHash">That entry's hash (64 lower-case hex digits).</param>
/// <param name="KeyId">ID of the key that signed (16 lower-case hex digits).</param>
/// <param name="Signature">The signature (64 bytes), empty before signing.</param>
public sealed record ReleaseStatement(string CaseId, DateTimeOffset ReleasedAt, long AuditSequence, string AuditHash, string KeyId, byte[] Signature)
{
    /// <summary>The format tag at the start of every statement.</summary>
    public const string Prefix = "PULANG-RILIS/1";

    /// <summary>The signed part: everything before <c>;s=</c>.</summary>
    public string SignedText =>
        $"{Prefix};c={CaseId};t={ReleasedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)};a={AuditSequence.ToString(CultureInfo.InvariantCulture)}:{AuditHash};k={KeyId}";

    /// <summary>The whole statement as it goes into the QR code.</summary>
    public override string ToString() => $"{SignedText};s={Base64Url.EncodeToString(Signature)}";

    /// <summary>
    /// A statement for a release signed with <paramref name="key"/> (a P-256 private key). <paramref name="releasedAt"/>
    /// is cut to whole seconds.
    /// </summary>
    public static ReleaseStatement Sign(string caseId, DateTimeOffset releasedAt, long auditSequence, string auditHash, ECDsa key)
    {
        var unsigned = new ReleaseStatement(caseId, Truncate(releasedAt), auditSequence, auditHash, KeyIdOf(key), []);
        return unsigned with { Signature = key.SignData(Encoding.UTF8.GetBytes(unsigned.SignedText), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) };
    }

    /// <summary><paramref name="time"/> in UTC without its fraction of a second.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>
    /// Reads a statement; null with <paramref name="error"/> (Indonesian, one line) when <paramref name="text"/> is not one
    /// (wrong tag, missing or repeated part, bad time, hash or signature encoding). Surrounding whitespace is ignored.
    /// </summary>
    public static ReleaseStatement? TryParse(string? text, out string? error)
    {
        error = null;
        text = text?.Trim() ?? "";
        var parts = text.Split(';');
        if (parts.Length != 6 || parts[0] != Prefix)
        {
            error = $"Bukan pernyataan rilis Pulang (harus diawali {Prefix} dan terdiri dari 6 bagian).";
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] expected = ["c", "t", "a", "k", "s"];
        for (var i = 1; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=');
            if (eq <= 0 || parts[i][..eq] != expected[i - 1])
            {
                error = $"Bagian ke-{i + 1} harus '{expected[i - 1]}=...'.";
                return null;
            }

            values[expected[i - 1]] = parts[i][(eq + 1)..];
        }

        if (!DateTimeOffset.TryParseExact(values["t"], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            error = "Waktu rilis (t) tidak terbaca.";
            return null;
        }

        var audit = values["a"].Split(':');
        if (audit.Length != 2 || !long.TryParse(audit[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1
            || audit[1].Length != 64 || !audit[1].All(IsLowerHex))
        {
            error = "Kepala jejak audit (a) harus 'nomor:hash' dengan hash 64 digit heksadesimal.";
            return null;
        }

        if (values["k"].Length != 16 || !values["k"].All(IsLowerHex))
        {
            error = "ID kunci (k) harus 16 digit heksadesimal.";
            return null;
        }

        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(values["s"]);
        }
        catch (FormatException)
        {
            error = "Tanda tangan (s) bukan base64url.";
            return null;
        }

        if (signature.Length != 64)
        {
            error = "Tanda tangan (s) harus 64 byte.";
            return null;
        }

        return new ReleaseStatement(values["c"], time, sequence, audit[1], values["k"], signature);
    }

    /// <summary>
    /// True when the statement was signed by <paramref name="publicKey"/>: its key ID is that key's and the signature
    /// is valid over <see cref="SignedText"/>. Else false with <paramref name="error"/> (Indonesian).
    /// </summary>
    public bool Verify(ECDsa publicKey, out string? error)
    {
        var keyId = KeyIdOf(publicKey);
        if (KeyId != keyId)
        {
            error = $"Ditandatangani dengan kunci lain ({KeyId}), bukan kunci rilis yang diterbitkan ({keyId}).";
            return false;
        }

        if (!publicKey.VerifyData(Encoding.UTF8.GetBytes(SignedText), Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            error = "Tanda tangan tidak cocok: isi pernyataan telah diubah atau tidak ditandatangani oleh kunci rilis.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>A key's ID: the first 16 lower-case hex digits of SHA-256 over its public key (SubjectPublicKeyInfo DER).</summary>
    public static string KeyIdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    /// <summary>Finds a statement inside longer text (a letter's extracted text, where it may be broken over lines): the tag up to the signature's end; null if none.</summary>
    public static string? FindIn(string text)
    {
        var compact = new string([.. text.Where(c => !char.IsWhiteSpace(c))]);
        var start = compact.IndexOf(Prefix, StringComparison.Ordinal);
        if (start < 0) return null;
        var sig = compact.IndexOf(";s=", start, StringComparison.Ordinal);
        if (sig < 0) return null;
        var end = sig + 3;
        while (end < compact.Length && end - sig - 3 < 86 && (char.IsAsciiLetterOrDigit(compact[end]) || compact[end] is '-' or '_'))
        {
            end++;
        }

        return compact[start..end];
    }

    static bool IsLowerHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f';
}
