using Pulang.Workflows.Audit;

namespace Pulang.Workflows.Letters;

/// <summary>
/// The result of checking a release letter's statement. <see cref="Valid"/> only when the signature is the deployment's
/// and (online) the case's audit trail is intact and its entry at the statement's sequence number is the <c>release</c>
/// entry with the same hash and time.
/// </summary>
/// <param name="Valid">True when every check passed.</param>
/// <param name="Signature"><c>valid</c>, or why not (Indonesian).</param>
/// <param name="AuditTrail"><c>valid</c>, <c>not-checked</c> (bad signature: nothing is looked up), or why not (Indonesian).</param>
/// <param name="CaseId">The case the statement names, when it could be read.</param>
/// <param name="ReleasedAt">The release time it states, when it could be read.</param>
/// <param name="KeyId">The ID of the key that signed it, when it could be read.</param>
public sealed record LetterCheckResult(bool Valid, string Signature, string AuditTrail, string? CaseId, DateTimeOffset? ReleasedAt, string? KeyId);

/// <summary>
/// Checks a statement online: first its signature against <see cref="ReleaseKey"/> (a statement not signed by this
/// deployment is answered without reading anything, so the check cannot be used to probe for case IDs), then against
/// the case's audit trail (<see cref="AuditLog.ReadAsync"/>): the chain and its anchor must be intact and the entry at
/// the stated sequence number must be the case's <c>release</c> entry with the stated hash and time.
/// </summary>
public sealed class LetterCheck(ReleaseKey key, AuditLog audit)
{
    /// <summary>Checks <paramref name="text"/> (the QR code's content).</summary>
    public async Task<LetterCheckResult> CheckAsync(string? text, CancellationToken ct)
    {
        var statement = ReleaseStatement.TryParse(text, out var error);
        if (statement is null)
        {
            return new(false, error!, "not-checked", null, null, null);
        }

        if (!key.Verify(statement, out error))
        {
            return new(false, error!, "not-checked", statement.CaseId, statement.ReleasedAt, statement.KeyId);
        }

        var (entries, verification) = await audit.ReadAsync(statement.CaseId, ct);
        string trail;
        if (entries.Count == 0)
        {
            trail = "Jejak audit kasus ini tidak ditemukan.";
        }
        else if (!verification.Valid)
        {
            trail = $"Jejak audit kasus ini rusak (entri ke-{verification.BrokenSequence}: {verification.Reason}).";
        }
        else if (entries.FirstOrDefault(e => e.Seq == statement.AuditSequence) is not { } entry)
        {
            trail = $"Jejak audit tidak memiliki entri ke-{statement.AuditSequence}.";
        }
        else if (entry.Action != "release" || entry.Hash != statement.AuditHash)
        {
            trail = $"Entri ke-{statement.AuditSequence} jejak audit bukan entri rilis yang disebut surat ini.";
        }
        else if (ReleaseStatement.Truncate(entry.Time) != statement.ReleasedAt)
        {
            trail = "Waktu rilis pada surat berbeda dengan jejak audit.";
        }
        else
        {
            trail = "valid";
        }

        return new(trail == "valid", "valid", trail, statement.CaseId, statement.ReleasedAt, statement.KeyId);
    }
}
