using Pulang.Workflows.Audit;
using Pulang.Workflows.Storage;

namespace Pulang.SelfHost.Hosting;

/// <summary><c>pulang audit-verify</c>: verifies every case's audit trail in a storage account and prints one line per case.</summary>
public static class AuditVerifyCommand
{
    /// <summary>
    /// Verifies, in the account behind <paramref name="connectionString"/>, every case in the case index against its
    /// audit blob and the anchor on its row (so a deleted or cut-short log is reported), then every audit blob that
    /// has no row (<see cref="AuditLog.VerifyAllAsync"/>), writing <c>ok {caseId} {n} entries</c> or
    /// <c>BROKEN {caseId} entry {seq} [{entryId}]: {reason}</c> per case and a summary.
    /// Returns 0 when every log is intact, 1 when any is broken or missing, 2 when the account could not be read (unreachable,
    /// refused, or no Entra ID sign-in), with one line on <paramref name="output"/> saying why and no verdict.
    /// </summary>
    public static Task<int> RunAsync(string connectionString, TextWriter output, CancellationToken ct) =>
        RunAsync(new PulangStorage(connectionString), output, ct);

    /// <summary>As <see cref="RunAsync(string, TextWriter, CancellationToken)"/>, on <paramref name="storage"/> (e.g. <see cref="PulangStorage.ForAccount"/>).</summary>
    public static async Task<int> RunAsync(PulangStorage storage, TextWriter output, CancellationToken ct)
    {
        var log = new AuditLog(storage, TimeProvider.System);
        int ok = 0, broken = 0;
        try
        {
            await foreach (var v in log.VerifyAllAsync(ct))
            {
                if (v.Valid)
                {
                    ok++;
                    await output.WriteLineAsync($"ok     {v.CaseId} {v.Entries} entries");
                }
                else
                {
                    broken++;
                    await output.WriteLineAsync($"BROKEN {v.CaseId} entry {v.BrokenSequence}{(v.BrokenEntryId is { } id ? $" [{id}]" : "")}: {v.Reason}");
                }
            }
        }
        catch (Exception e) when (e is Azure.RequestFailedException or Azure.Identity.AuthenticationFailedException or AggregateException { InnerException: Azure.RequestFailedException })
        {
            var cause = e is AggregateException { InnerException: { } inner } ? inner : e;
            await output.WriteLineAsync($"audit-verify: could not read the storage account ({cause.GetType().Name}): {cause.Message.Split('\n')[0].Trim()}");
            return 2;
        }

        await output.WriteLineAsync($"{ok + broken} audit log(s): {ok} intact, {broken} broken");
        return broken == 0 ? 0 : 1;
    }
}
