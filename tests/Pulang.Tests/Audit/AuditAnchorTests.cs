using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.Domain;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Audit;

/// <summary>
/// The audit anchor on real Azurite: after each append the case's row in the case index records the log's head
/// (sequence and hash), so a deleted log, or entries removed from its end, fail verification in <see cref="AuditLog"/>
/// and in <c>audit-verify</c>, naming the case and what is missing; the release record and the <c>case.released</c>
/// event carry the head at release.
/// </summary>
public sealed class AuditAnchorTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly Actor Verifier = new("user:verifier-1", [Roles.Verifier]);

    sealed class Context(string instanceId) : TaskActivityContext
    {
        public override TaskName Name => ActivityNames.CommitDecision;

        public override string InstanceId => instanceId;
    }

    async Task<(PulangStorage Storage, AuditLog Log, CaseIndex Index)> ArrangeAsync()
    {
        var s = new PulangStorage(storage.ConnectionString) { EventsQueueName = "events-anchor-" + Guid.NewGuid().ToString("N")[..10] };
        await s.EnsureCreatedAsync(Ct);
        return (s, new AuditLog(s, TimeProvider.System), new CaseIndex(s));
    }

    /// <summary>A case in the index with <paramref name="entries"/> audit entries, as the orchestration leaves it (opening entry, then the view).</summary>
    async Task<(AuditLog Log, string CaseId)> NewCaseAsync(int entries)
    {
        var (_, log, index) = await ArrangeAsync();
        var caseId = CaseIds.New();
        await index.AddAsync(caseId, Fx.Intake, DateTimeOffset.UtcNow, Ct);
        var opened = Decider.Open(caseId, Fx.Intake, DateTimeOffset.UtcNow).State;
        await log.AppendAsync(caseId, AuditTrail.Opened(caseId, DateTimeOffset.UtcNow).Record, Ct);
        await index.SetStateAsync(opened, Ct);
        for (var i = 2; i <= entries; i++)
        {
            await log.AppendAsync(caseId, log.Record($"{caseId}:cmd-{i}", Verifier, "documentVerified", AuditRecord.Accepted, null, $"DOC-{i}"), Ct);
        }

        return (log, caseId);
    }

    static async Task<List<string>> LinesAsync(AuditLog log, string caseId) =>
        [.. (await log.BlobOf(caseId).DownloadContentAsync(Ct)).Value.Content.ToString().Split('\n')[..^1]];

    static async Task ReplaceAsync(AuditLog log, string caseId, IEnumerable<string> lines)
    {
        var blob = log.BlobOf(caseId);
        await blob.CreateAsync(new Azure.Storage.Blobs.Models.AppendBlobCreateOptions(), Ct);
        var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        if (bytes.Length > 0)
        {
            await blob.AppendBlockAsync(new MemoryStream(bytes), cancellationToken: Ct);
        }
    }

    async Task<string> ToolAsync()
    {
        var output = new StringWriter();
        var exit = await AuditVerifyCommand.RunAsync(storage.ConnectionString, output, Ct);
        Assert.Equal(1, exit);
        return output.ToString();
    }

    static string ToolLine(string output, string caseId) =>
        output.Split('\n').SingleOrDefault(l => l.Contains($" {caseId} ", StringComparison.Ordinal)) ?? $"(no line for {caseId})\n{output}";

    [Fact]
    public async Task Each_append_moves_the_anchor_on_the_index_row_forward_only()
    {
        var (log, caseId) = await NewCaseAsync(3);
        var (_, _, index) = await ArrangeAsync();
        var (entries, verification) = await log.ReadAsync(caseId, Ct);
        Assert.True(verification.Valid, verification.Reason);
        var anchor = await index.GetAuditAnchorAsync(caseId, Ct);
        Assert.Equal(new AuditHead(3, entries[2].Hash!), anchor!.Head);
        Assert.Equal(anchor.Head, verification.Anchor);
        Assert.True(anchor.Opened);

        // A late repeat of an older append (activities run at least once) leaves the anchor where it is.
        Assert.Equal(2, await log.AppendAsync(caseId, log.Record($"{caseId}:cmd-2", Verifier, "documentVerified", AuditRecord.Accepted), Ct));
        Assert.False(await index.AnchorAuditAsync(caseId, new AuditHead(2, entries[1].Hash!), Ct));
        Assert.Equal(3, (await index.GetAuditAnchorAsync(caseId, Ct))!.Head!.Sequence);

        // A case without an index row gets no row.
        var unknown = CaseIds.New();
        await log.AppendAsync(unknown, log.Record($"{unknown}:x", Verifier, "upload", AuditRecord.Refused, "role.required"), Ct);
        Assert.Null(await index.GetAuditAnchorAsync(unknown, Ct));
    }

    [Fact]
    public async Task A_deleted_log_is_invalid_naming_the_missing_entries_in_the_log_and_the_tool()
    {
        var (log, caseId) = await NewCaseAsync(3);
        await log.BlobOf(caseId).DeleteAsync(cancellationToken: Ct);

        var (entries, v) = await log.ReadAsync(caseId, Ct);
        Assert.Empty(entries);
        Assert.False(v.Valid);
        Assert.Equal(1, v.BrokenSequence);
        Assert.Contains("missing or empty", v.Reason);
        Assert.Contains("entries 1-3 are missing", v.Reason);
        Assert.Equal(v, await log.VerifyAsync(caseId, Ct));

        // The tool walks the case index, and still every audit blob without a row (here one with an altered entry).
        var orphan = CaseIds.New();
        await log.AppendAsync(orphan, log.Record($"{orphan}:x", Verifier, "upload", AuditRecord.Accepted), Ct);
        await ReplaceAsync(log, orphan, [(await LinesAsync(log, orphan))[0].Replace("\"upload\"", "\"uploaf\"")]);

        var output = await ToolAsync();
        var line = ToolLine(output, caseId);
        Assert.StartsWith($"BROKEN {caseId} entry 1", line);
        Assert.Contains("entries 1-3 are missing", line);
        Assert.StartsWith($"BROKEN {orphan} entry 1", ToolLine(output, orphan));
    }

    [Fact]
    public async Task An_emptied_log_is_invalid()
    {
        var (log, caseId) = await NewCaseAsync(2);
        await ReplaceAsync(log, caseId, []);
        var v = await log.VerifyAsync(caseId, Ct);
        Assert.False(v.Valid);
        Assert.Contains("entries 1-2 are missing", v.Reason);
    }

    [Fact]
    public async Task Removing_the_last_entry_is_invalid_naming_it()
    {
        var (log, caseId) = await NewCaseAsync(4);
        var lines = await LinesAsync(log, caseId);
        Assert.True(AuditLog.Verify(caseId, Encoding.UTF8.GetBytes(string.Concat(lines[..^1].Select(l => l + "\n")))).Valid, "the chain alone cannot see it");
        await ReplaceAsync(log, caseId, lines[..^1]);

        var v = await log.VerifyAsync(caseId, Ct);
        Assert.False(v.Valid);
        Assert.Equal(4, v.BrokenSequence);
        Assert.Contains("the log ends at entry 3", v.Reason);
        Assert.Contains("entry 4 is missing", v.Reason);

        var line = ToolLine(await ToolAsync(), caseId);
        Assert.StartsWith($"BROKEN {caseId} entry 4", line);
        Assert.Contains("entry 4 is missing", line);
    }

    [Fact]
    public async Task Removing_the_last_two_entries_is_invalid_naming_them()
    {
        var (log, caseId) = await NewCaseAsync(4);
        var lines = await LinesAsync(log, caseId);
        await ReplaceAsync(log, caseId, lines[..^2]);

        var (_, v) = await log.ReadAsync(caseId, Ct);
        Assert.False(v.Valid);
        Assert.Equal(3, v.BrokenSequence);
        Assert.Contains("entries 3-4 are missing", v.Reason);

        var line = ToolLine(await ToolAsync(), caseId);
        Assert.StartsWith($"BROKEN {caseId} entry 3", line);
        Assert.Contains("entries 3-4 are missing", line);
    }

    [Fact]
    public async Task A_tail_rewritten_with_a_valid_chain_is_invalid_at_the_anchored_entry()
    {
        var (log, caseId) = await NewCaseAsync(3);
        var (entries, _) = await log.ReadAsync(caseId, Ct);
        var lines = await LinesAsync(log, caseId);
        lines[2] = AuditLog.Line(entries[2] with { Outcome = AuditRecord.Refused, Code = "duty.verify-own-upload" });
        await ReplaceAsync(log, caseId, lines);
        Assert.True(AuditLog.Verify(caseId, Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")))).Valid, "the chain alone cannot see it");

        var v = await log.VerifyAsync(caseId, Ct);
        Assert.False(v.Valid);
        Assert.Equal(3, v.BrokenSequence);
        Assert.Equal($"{caseId}:cmd-3", v.BrokenEntryId);
        Assert.Contains("rewritten", v.Reason);
    }

    [Fact]
    public async Task An_opened_case_without_a_log_is_invalid_and_a_case_not_opened_yet_is_not()
    {
        var (_, log, index) = await ArrangeAsync();

        // Opened (the view, written after the opening entry, is recorded on the row) but no log and no anchor.
        var opened = CaseIds.New();
        await index.AddAsync(opened, Fx.Intake, DateTimeOffset.UtcNow, Ct);
        await index.SetStateAsync(Decider.Open(opened, Fx.Intake, DateTimeOffset.UtcNow).State, Ct);
        var v = await log.VerifyAsync(opened, Ct);
        Assert.False(v.Valid);
        Assert.Equal(1, v.BrokenSequence);
        Assert.Contains("missing or empty", v.Reason);
        Assert.StartsWith($"BROKEN {opened} entry 1", ToolLine(await ToolAsync(), opened));

        // Intake wrote the row; the orchestration has not committed its opening yet.
        var pending = CaseIds.New();
        await index.AddAsync(pending, Fx.Intake, DateTimeOffset.UtcNow, Ct);
        Assert.True((await log.VerifyAsync(pending, Ct)).Valid);
        Assert.StartsWith($"ok     {pending} 0 entries", ToolLine(await ToolAsync(), pending));
    }

    [Fact]
    public async Task The_release_record_and_event_carry_the_head_of_the_log_at_release_once_however_often_the_commit_runs()
    {
        var (s, log, index) = await ArrangeAsync();
        var caseId = CaseIds.New();
        var approved = Fx.WithApproved() with { CaseId = caseId };
        var signedOnce = Fx.Apply(approved, Fx.Sign(Ministry.KemenP2MI, approved.DossierDigest!));
        await index.AddAsync(caseId, approved.Intake, DateTimeOffset.UtcNow, Ct);
        await log.AppendAsync(caseId, AuditTrail.Opened(caseId, DateTimeOffset.UtcNow).Record, Ct);

        var sign = Fx.Sign(Ministry.Kemensos, approved.DossierDigest!);
        var now = DateTimeOffset.UtcNow;
        var decision = Decider.Decide(signedOnce, sign, now);
        Assert.Equal(Stage.Released, decision.State.Stage);
        var effects = CaseEffects.For(signedOnce, sign, decision, now, audited: true);
        var commit = new CommitDecisionActivity(s, index, log, TestEventPublisher.Create(s));
        for (var run = 0; run < 2; run++)
        {
            await commit.RunAsync(new Context(caseId), new CommitDecision(caseId, effects, decision.State));
        }

        var (entries, verification) = await log.ReadAsync(caseId, Ct);
        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(["caseOpened", "signOff", "release"], entries.Select(e => e.Action));
        var release = entries[^1];

        var record = (await s.Releases.GetBlobClient($"{caseId}.json").DownloadContentAsync(Ct)).Value.Content.ToObjectFromJson<ReleaseRecord>(PulangJson.Options)!;
        Assert.Equal(new AuditHead(release.Seq, release.Hash!), record.AuditHead);
        Assert.Equal(new AuditHead(3, AuditLog.HashOf(release)), record.AuditHead);
        Assert.Equal(record.AuditHead, (await index.GetAuditAnchorAsync(caseId, Ct))!.Head);

        var released = new List<ReceivedEvent>();
        foreach (var m in (await s.Events.PeekMessagesAsync(32, Ct)).Value)
        {
            var e = ReceivedEvent.Decode(m.Body);
            if (e.CaseId == caseId && e.Type == "id.go.pulang.case.released.v1")
            {
                released.Add(e);
            }
        }

        Assert.Equal(2, released.Count); // at least once: the same fact, the same ID and data
        Assert.All(released, e =>
        {
            Assert.Equal("3", e.Data["auditSequence"]);
            Assert.Equal(release.Hash, e.Data["auditHead"]);
        });
    }
}
