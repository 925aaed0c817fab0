using System.Text;
using Azure.Storage.Blobs.Specialized;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Audit;

/// <summary>The audit trail on real Azurite: chaining, idempotent and concurrent appends, and tamper detection.</summary>
public sealed class AuditLogTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly Actor Verifier = new("user:verifier-1", [Roles.Verifier]);

    async Task<(AuditLog Log, string CaseId)> NewLogAsync(int entries)
    {
        var s = new PulangStorage(storage.ConnectionString);
        await s.EnsureCreatedAsync(Ct);
        var log = new AuditLog(s, TimeProvider.System);
        var caseId = CaseIds.New();
        for (var i = 1; i <= entries; i++)
        {
            await log.AppendAsync(caseId, log.Record($"{caseId}:cmd-{i}", Verifier, "documentVerified", i % 2 == 0 ? AuditRecord.Refused : AuditRecord.Accepted, i % 2 == 0 ? "duty.verify-own-upload" : null, $"DOC-{i}"), Ct);
        }

        return (log, caseId);
    }

    static async Task<byte[]> BytesAsync(AuditLog log, string caseId) => (await log.BlobOf(caseId).DownloadContentAsync(Ct)).Value.Content.ToArray();

    static async Task OverwriteAsync(AuditLog log, string caseId, byte[] content)
    {
        var blob = log.BlobOf(caseId);
        await blob.CreateAsync(new Azure.Storage.Blobs.Models.AppendBlobCreateOptions(), Ct);
        await blob.AppendBlockAsync(new MemoryStream(content), cancellationToken: Ct);
    }

    static List<string> Lines(byte[] content) => [.. Encoding.UTF8.GetString(content).Split('\n')[..^1]];

    static byte[] Join(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    [Fact]
    public async Task Entries_are_numbered_and_chained_from_the_genesis_value()
    {
        var (log, caseId) = await NewLogAsync(5);
        var (entries, verification) = await log.ReadAsync(caseId, Ct);

        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(5, verification.Entries);
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Seq));
        Assert.Equal(AuditLog.Genesis(caseId), entries[0].Prev);
        var lines = Lines(await BytesAsync(log, caseId));
        for (var i = 1; i < 5; i++)
        {
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(lines[i - 1]))), entries[i].Prev);
        }

        Assert.Equal("refused", entries[1].Outcome);
        Assert.Equal("duty.verify-own-upload", entries[1].Code);
        Assert.Equal(Verifier.Id, entries[0].Actor);
        Assert.Equal([Roles.Verifier], entries[0].Roles);
    }

    [Fact]
    public async Task Appending_the_same_entry_twice_writes_it_once()
    {
        var (log, caseId) = await NewLogAsync(2);
        var record = log.Record($"{caseId}:cmd-1", Verifier, "documentVerified", AuditRecord.Accepted);
        Assert.Equal(1, await log.AppendAsync(caseId, record, Ct));
        var again = log.Record($"{caseId}:cmd-3", Verifier, "documentVerified", AuditRecord.Accepted);
        Assert.Equal(3, await log.AppendAsync(caseId, again, Ct));
        Assert.Equal(3, await log.AppendAsync(caseId, again, Ct));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => log.AppendAsync(caseId, again, Ct)));

        var (entries, verification) = await log.ReadAsync(caseId, Ct);
        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(3, entries.Count);
    }

    [Fact]
    public async Task Concurrent_appends_are_serialized_into_one_valid_chain()
    {
        var (log, caseId) = await NewLogAsync(0);
        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => log.AppendAsync(caseId, log.Record($"{caseId}:c{i}", Verifier, "upload", AuditRecord.Accepted), Ct)));

        var (entries, verification) = await log.ReadAsync(caseId, Ct);
        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(20, entries.Count);
        Assert.Equal(20, entries.Select(e => e.EntryId).Distinct().Count());
    }

    [Fact]
    public async Task An_altered_entry_is_named()
    {
        var (log, caseId) = await NewLogAsync(5);
        var lines = Lines(await BytesAsync(log, caseId));
        lines[2] = lines[2].Replace("\"refused\"", "\"accepted\"").Replace("\"accepted\"", "\"refused\"");
        await OverwriteAsync(log, caseId, Join(lines));

        var v = await log.VerifyAsync(caseId, Ct);
        Assert.False(v.Valid);
        Assert.Equal(3, v.BrokenSequence);
        Assert.Equal($"{caseId}:cmd-3", v.BrokenEntryId);
        Assert.Contains("entry 3", v.Reason);
    }

    [Fact]
    public async Task An_entry_rewritten_with_a_fresh_hash_breaks_the_chain_at_the_next_entry()
    {
        var (log, caseId) = await NewLogAsync(5);
        var (entries, _) = await log.ReadAsync(caseId, Ct);
        var lines = Lines(await BytesAsync(log, caseId));
        lines[2] = AuditLog.Line(entries[2] with { Actor = "user:someone-else" });

        var v = AuditLog.Verify(caseId, Join(lines));
        Assert.False(v.Valid);
        Assert.Equal(4, v.BrokenSequence);
        Assert.Contains("entry 3", v.Reason);
    }

    [Fact]
    public async Task A_removed_entry_is_named()
    {
        var (log, caseId) = await NewLogAsync(5);
        var lines = Lines(await BytesAsync(log, caseId));
        lines.RemoveAt(2);

        var v = AuditLog.Verify(caseId, Join(lines));
        Assert.False(v.Valid);
        Assert.Equal(3, v.BrokenSequence);
        Assert.Equal($"{caseId}:cmd-4", v.BrokenEntryId);

        var first = Lines(await BytesAsync(log, caseId))[1..];
        var w = AuditLog.Verify(caseId, Join(first));
        Assert.False(w.Valid);
        Assert.Equal(1, w.BrokenSequence);
    }

    [Fact]
    public async Task Reordered_entries_are_named()
    {
        var (log, caseId) = await NewLogAsync(5);
        var lines = Lines(await BytesAsync(log, caseId));
        (lines[1], lines[2]) = (lines[2], lines[1]);

        var v = AuditLog.Verify(caseId, Join(lines));
        Assert.False(v.Valid);
        Assert.Equal(2, v.BrokenSequence);
        Assert.Equal($"{caseId}:cmd-3", v.BrokenEntryId);
    }

    [Fact]
    public async Task A_log_copied_to_another_case_is_refused()
    {
        var (log, caseId) = await NewLogAsync(3);
        var v = AuditLog.Verify(CaseIds.New(), await BytesAsync(log, caseId));
        Assert.False(v.Valid);
        Assert.Equal(1, v.BrokenSequence);
    }

    [Fact]
    public async Task Every_single_flipped_byte_is_detected_naming_its_entry()
    {
        var (log, caseId) = await NewLogAsync(4);
        var content = await BytesAsync(log, caseId);
        Assert.True(AuditLog.Verify(caseId, content).Valid);
        var lineOf = new int[content.Length];
        for (int i = 0, line = 1; i < content.Length; i++)
        {
            lineOf[i] = line;
            if (content[i] == '\n') line++;
        }

        for (var i = 0; i < content.Length; i++)
        {
            foreach (var mask in new byte[] { 0x01, 0x20, 0x80 })
            {
                var copy = (byte[])content.Clone();
                copy[i] ^= mask;
                var v = AuditLog.Verify(caseId, copy);
                Assert.False(v.Valid, $"flipping byte {i} with {mask:x2} went unnoticed");
                Assert.Equal(lineOf[i], v.BrokenSequence);
            }
        }
    }

    [Fact]
    public async Task The_audit_verify_tool_names_the_tampered_case_and_entry_and_fails()
    {
        var (log, caseId) = await NewLogAsync(4);
        var (_, good) = await NewLogAsync(2);
        var content = await BytesAsync(log, caseId);
        var at = Encoding.UTF8.GetString(content).IndexOf("cmd-2", StringComparison.Ordinal);
        content[at + 4] ^= 0x01;
        await OverwriteAsync(log, caseId, content);

        var output = new StringWriter();
        var exit = await AuditVerifyCommand.RunAsync(storage.ConnectionString, output, Ct);
        Assert.NotEqual(0, exit);
        Assert.Contains($"BROKEN {caseId} entry 2", output.ToString());
        Assert.Contains($"ok     {good} 2 entries", output.ToString());
    }

    [Fact]
    public async Task The_audit_verify_tool_says_when_it_cannot_read_the_account_and_gives_no_verdict()
    {
        // Azurite's public development key on a loopback port nothing listens on.
        var port = SelfHostProcess.FreePort();
        var unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

        var output = new StringWriter();
        var exit = await AuditVerifyCommand.RunAsync(unreachable, output, Ct);
        Assert.Equal(2, exit);
        Assert.StartsWith("audit-verify: could not read the storage account", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("intact", output.ToString(), StringComparison.Ordinal);
    }
}
