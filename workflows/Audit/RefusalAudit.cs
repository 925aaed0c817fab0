using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Audit;

/// <summary>
/// Audits refusals that never reach the case orchestration (role checks, body and field checks, the decider's
/// pre-check, upload checks, refused download links), from the API and the web app alike.
/// </summary>
public sealed class RefusalAudit(AuditLog audit, CaseIndex index, TimeProvider time)
{
    /// <summary>
    /// Repeated refusals of one caller on one case with the same action, code and target, without an
    /// <c>entryKey</c>, within one window of this length (aligned to UTC) fold into one audit entry: a caller in a loop
    /// cannot fill the case's append blob (at most 50,000 appends).
    /// </summary>
    public static readonly TimeSpan FoldWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Appends a refused entry for <paramref name="action"/> with <paramref name="code"/> (e.g. <c>role.required</c>) to the case's
    /// audit trail, for an authenticated <paramref name="actor"/> and a case that exists; does nothing otherwise (an unknown case
    /// has no trail to write to). <paramref name="entryKey"/> makes the entry ID stable for a repeated request (the
    /// Idempotency-Key based command ID), so a re-send writes one entry; without it the same refusal of the same caller
    /// is one entry per <see cref="FoldWindow"/>.
    /// <paramref name="target"/> names what the action was about without personal data (a document or hold ID, a ministry).
    /// </summary>
    public async Task AppendAsync(string caseId, Actor? actor, string action, string code, string? entryKey = null, string? target = null, CancellationToken ct = default)
    {
        if (actor is null || !CaseIds.IsValid(caseId) || await index.GetAsync(caseId, ct) is null)
        {
            return;
        }

        var window = time.GetUtcNow().UtcTicks / FoldWindow.Ticks;
        var id = $"{caseId}:http:{entryKey ?? $"fold:{actor.Id}:{code}:{target}:{window}"}:{action}";
        // Not cancelled with the caller: a refusal that was answered is also recorded.
        await audit.AppendAsync(caseId, audit.Record(id, actor, action, AuditRecord.Refused, code, target), CancellationToken.None);
    }
}
