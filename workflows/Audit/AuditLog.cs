using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Audit;

/// <summary>
/// One line of a case's audit trail (JSON, one object per line, UTF-8, <c>\n</c>-terminated).
/// </summary>
/// <param name="Seq">1-based position in the log.</param>
/// <param name="Time">When it happened (UTC).</param>
/// <param name="EntryId">Deterministic ID; unique within the log.</param>
/// <param name="Actor">Actor ID.</param>
/// <param name="Roles">Actor's roles.</param>
/// <param name="Action">What was done (command name, <c>upload</c>, <c>download</c>, <c>release</c>, ...).</param>
/// <param name="Outcome"><c>accepted</c> or <c>refused</c>.</param>
/// <param name="Code">Refusal code, when refused.</param>
/// <param name="Target">Document ID, hold ID or ministry, when the action has one.</param>
/// <param name="Prev">Lower-case hex SHA-256 of the previous entry's exact line (without its <c>\n</c>); the first entry holds <see cref="AuditLog.Genesis"/>.</param>
/// <param name="Hash">Lower-case hex SHA-256 of this entry's canonical JSON with <c>hash</c> null: detects an edited entry even when it is the last one.</param>
public sealed record AuditEntry(
    long Seq,
    DateTimeOffset Time,
    string EntryId,
    string Actor,
    IReadOnlyList<string> Roles,
    string Action,
    string Outcome,
    string? Code,
    string? Target,
    string Prev,
    string? Hash);

/// <summary>The result of verifying one case's audit trail.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Valid">True when every entry is intact and chained.</param>
/// <param name="Entries">Lines read.</param>
/// <param name="BrokenSequence">The sequence number (line position, 1-based) of the first entry that fails, when not valid.</param>
/// <param name="BrokenEntryId">That entry's ID when it could still be read.</param>
/// <param name="Reason">Why it fails.</param>
/// <param name="Anchor">The head the case index anchors (sequence and hash of the entry last appended), when there is one; the log must still hold that entry.</param>
public sealed record AuditVerification(string CaseId, bool Valid, int Entries, long? BrokenSequence, string? BrokenEntryId, string? Reason, AuditHead? Anchor = null);

/// <summary>
/// The audit trail: one append blob per case, <c>audit/{caseId}.log</c>, JSON lines, each entry chained to the
/// previous one by SHA-256 (<see cref="AuditEntry.Prev"/>) and carrying its own hash. Appends are idempotent by
/// entry ID (the whole log is read first, so an activity that runs twice writes its entry once) and serialized
/// with append-blob conditions (append position and ETag): a writer that lost a race reads again and retries.
/// </summary>
/// <remarks>
/// What the chain proves: an entry that was edited, removed (except the very last), reordered or inserted, or a
/// single flipped byte anywhere, fails verification naming the entry. What it cannot prove alone, the anchor does:
/// after each append the entry's <see cref="AuditHead"/> is recorded on the case's row in the case index
/// (<see cref="CaseIndex.AnchorAuditAsync"/>), so a log that was deleted, emptied, cut short at the end or rewritten
/// up to the anchored entry fails too. A writer who can rewrite both the blob and the table row consistently is not
/// caught here: the immutable <c>audit</c> container and the head copied into the release record and the
/// <c>case.released</c> event cover that.
/// </remarks>
public sealed class AuditLog(PulangStorage storage, TimeProvider time)
{
    readonly CaseIndex index = new(storage);

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    /// <summary>The <c>prev</c> of a case's first entry: lower-case hex SHA-256 of <c>pulang-audit-genesis:{caseId}</c> (binds the log to its case).</summary>
    public static string Genesis(string caseId) => Sha256Hex(Encoding.UTF8.GetBytes($"pulang-audit-genesis:{caseId}"));

    /// <summary>The blob of <paramref name="caseId"/>'s log.</summary>
    public AppendBlobClient BlobOf(string caseId) => storage.Audit.GetAppendBlobClient($"{caseId}.log");

    /// <summary>A record for something done over HTTP (upload, download, a refusal that never reached the case), timed now.</summary>
    public AuditRecord Record(string entryId, Actor actor, string action, string outcome, string? code = null, string? target = null) =>
        new(entryId, time.GetUtcNow(), actor.Id, [.. actor.Roles], action, outcome, code, target);

    /// <summary>
    /// Appends <paramref name="record"/> to the case's log unless an entry with its ID is already there. Returns the
    /// entry's sequence number (the existing one for a repeat).
    /// </summary>
    public async Task<long> AppendAsync(string caseId, AuditRecord record, CancellationToken ct = default) =>
        (await AppendHeadAsync(caseId, record, ct)).Sequence;

    /// <summary>
    /// Appends <paramref name="record"/> like <see cref="AppendAsync"/>, then anchors the entry in the case index
    /// (<see cref="CaseIndex.AnchorAuditAsync"/>: forward only, only for a case with an index row). Returns the entry's
    /// sequence number and hash (the existing entry's for a repeat, which also anchors it again if the first run
    /// stopped before anchoring).
    /// </summary>
    public async Task<AuditHead> AppendHeadAsync(string caseId, AuditRecord record, CancellationToken ct = default)
    {
        var head = await AppendEntryAsync(caseId, record, ct);
        await index.AnchorAuditAsync(caseId, head, ct);
        return head;
    }

    async Task<AuditHead> AppendEntryAsync(string caseId, AuditRecord record, CancellationToken ct)
    {
        var blob = BlobOf(caseId);
        for (var attempt = 0; ; attempt++)
        {
            // Read first and create only when missing: one request less per entry than create-if-not-exists.
            Response<BlobDownloadResult> download;
            try
            {
                download = await blob.DownloadContentAsync(ct);
            }
            catch (RequestFailedException e) when (e.Status == 404 && attempt < 50)
            {
                await blob.CreateIfNotExistsAsync(cancellationToken: ct);
                continue;
            }

            var content = download.Value.Content.ToMemory();
            var lines = SplitLines(content.Span);
            long lastSeq = 0;
            foreach (var line in lines)
            {
                if (TryParse(line, out var e))
                {
                    if (e.EntryId == record.EntryId)
                    {
                        return new AuditHead(e.Seq, e.Hash ?? "");
                    }

                    lastSeq = e.Seq;
                }
            }

            var prev = lines.Count == 0 ? Genesis(caseId) : Sha256Hex(lines[^1]);
            var seq = Math.Max(lastSeq, lines.Count) + 1;
            var entry = new AuditEntry(seq, record.Time.ToUniversalTime(), record.EntryId, record.ActorId, record.Roles, record.Action, record.Outcome, record.Code, record.Target, prev, null);
            var bytes = Encoding.UTF8.GetBytes(Line(entry) + "\n");
            try
            {
                await blob.AppendBlockAsync(new MemoryStream(bytes), new AppendBlobAppendBlockOptions
                {
                    Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = content.Length, IfMatch = download.Value.Details.ETag },
                }, ct);
                return new AuditHead(seq, HashOf(entry));
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 50)
            {
                // Another writer appended first: read again.
                await Task.Delay(Random.Shared.Next(5, 50), ct);
            }
        }
    }

    /// <summary>The canonical line of <paramref name="entry"/> (its hash computed, without the trailing <c>\n</c>).</summary>
    public static string Line(AuditEntry entry) => JsonSerializer.Serialize(entry with { Hash = HashOf(entry) }, Json);

    /// <summary>The <c>hash</c> of <paramref name="entry"/>: lower-case hex SHA-256 of its canonical JSON with <c>hash</c> null.</summary>
    public static string HashOf(AuditEntry entry) => Sha256Hex(JsonSerializer.SerializeToUtf8Bytes(entry with { Hash = null }, Json));

    /// <summary>
    /// The entries of the case's log as far as they can be read (empty when there is no log), and its verification
    /// against the case index's anchor (<see cref="Verify(string, ReadOnlySpan{byte}, AuditAnchor?)"/>).
    /// </summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, AuditVerification Verification)> ReadAsync(string caseId, CancellationToken ct = default)
    {
        // The anchor first: it is written after the append, so the log read next holds at least the anchored entry.
        var anchor = await index.GetAuditAnchorAsync(caseId, ct);
        var content = await ContentAsync(caseId, ct);
        var entries = new List<AuditEntry>();
        foreach (var line in SplitLines(content.Span))
        {
            if (TryParse(line, out var e))
            {
                entries.Add(e);
            }
        }

        return (entries, Verify(caseId, content.Span, anchor));
    }

    /// <summary>
    /// Verifies the case's log against the case index's anchor. A case without an index row and without a log is
    /// valid with 0 entries; a case in the index whose log is missing or shorter than its anchor is not.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(string caseId, CancellationToken ct = default)
    {
        var anchor = await index.GetAuditAnchorAsync(caseId, ct);
        return Verify(caseId, (await ContentAsync(caseId, ct)).Span, anchor);
    }

    /// <summary>
    /// Verifies every case in this storage account: each row of the case index (<c>PulangCases</c>) against its log,
    /// so a deleted log is reported, then every audit blob that has no row.
    /// </summary>
    public async IAsyncEnumerable<AuditVerification> VerifyAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var anchor in index.ListAuditAnchorsAsync(ct))
        {
            seen.Add(anchor.CaseId);
            yield return Verify(anchor.CaseId, (await ContentAsync(anchor.CaseId, ct)).Span, anchor);
        }

        if (!await storage.Audit.ExistsAsync(ct))
        {
            yield break;
        }

        await foreach (var caseId in CaseIdsAsync(ct))
        {
            if (!seen.Contains(caseId))
            {
                yield return await VerifyAsync(caseId, ct);
            }
        }
    }

    /// <summary>The case IDs that have an audit log in this storage account.</summary>
    public async IAsyncEnumerable<string> CaseIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var item in storage.Audit.GetBlobsAsync(cancellationToken: ct))
        {
            if (item.Name.EndsWith(".log", StringComparison.Ordinal))
            {
                yield return item.Name[..^4];
            }
        }
    }

    /// <summary>
    /// Verifies a log's bytes (<see cref="Verify(string, ReadOnlySpan{byte})"/>), then compares it with the case index's
    /// <paramref name="anchor"/>: a log shorter than the anchored sequence (deleted, emptied or cut at the end), or
    /// whose entry at that sequence has another hash (rewritten), fails naming the missing or differing entries; so
    /// does a missing or empty log of a case that has opened (every audited case starts with its <c>caseOpened</c>
    /// entry). Without an anchor (null: no index row) only the chain is checked.
    /// </summary>
    public static AuditVerification Verify(string caseId, ReadOnlySpan<byte> content, AuditAnchor? anchor)
    {
        var chain = Verify(caseId, content);
        var head = anchor?.Head;
        if (!chain.Valid)
        {
            return chain with { Anchor = head };
        }

        var n = chain.Entries;
        AuditVerification Broken(long seq, string? entryId, string reason) => new(caseId, false, n, seq, entryId, reason, head);
        if (head is null)
        {
            return anchor is { Opened: true } && n == 0
                ? Broken(1, null, "the audit log is missing or empty, but the case index shows the case opened, which writes entry 1 (caseOpened): entry 1 and any after it are missing")
                : chain;
        }

        if (n < head.Sequence)
        {
            var missing = n + 1 == head.Sequence ? $"entry {head.Sequence} is missing" : $"entries {n + 1}-{head.Sequence} are missing";
            return Broken(n + 1, null, n == 0
                ? $"the audit log is missing or empty, but the case index anchors {head.Sequence} entries (head {head.Hash}): {missing}"
                : $"the log ends at entry {n}, but the case index anchors {head.Sequence} entries (head {head.Hash}): {missing} (removed from the end)");
        }

        var lines = SplitLines(content);
        if (!TryParse(lines[(int)head.Sequence - 1], out var at) || at.Hash != head.Hash)
        {
            return Broken(head.Sequence, at?.EntryId, $"entry {head.Sequence} has hash {at?.Hash} but the case index anchors {head.Hash}: the log was rewritten up to entry {head.Sequence}");
        }

        return chain with { Anchor = head };
    }

    /// <summary>
    /// Verifies a log's bytes: each line must be the canonical JSON of its entry, hold its own hash, have sequence
    /// number = its position, a unique entry ID, and chain to the previous line (the first to <see cref="Genesis"/>);
    /// the log must end with <c>\n</c>. Names the first entry that fails. Says nothing about entries missing at the
    /// end: that takes the anchor (<see cref="Verify(string, ReadOnlySpan{byte}, AuditAnchor?)"/>).
    /// </summary>
    public static AuditVerification Verify(string caseId, ReadOnlySpan<byte> content)
    {
        var lines = SplitLines(content, out var trailing);
        var prev = Genesis(caseId);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            long position = i + 1;
            AuditVerification Broken(string reason, string? entryId) => new(caseId, false, lines.Count, position, entryId, reason);
            if (!TryParse(lines[i], out var e))
            {
                return Broken($"entry {position} is not a readable audit entry (altered bytes)", null);
            }

            if (e.Seq != position)
            {
                return Broken($"entry at position {position} has sequence number {e.Seq} (entries removed, inserted or reordered)", e.EntryId);
            }

            if (!Encoding.UTF8.GetBytes(Line(e)).AsSpan().SequenceEqual(lines[i]) )
            {
                var unhashed = Sha256Hex(JsonSerializer.SerializeToUtf8Bytes(e with { Hash = null }, Json));
                return Broken(e.Hash != unhashed ? $"entry {position} was altered (its hash does not match its content)" : $"entry {position} was altered (not in canonical form)", e.EntryId);
            }

            if (e.Prev != prev)
            {
                return Broken(position == 1
                    ? "entry 1 does not start the chain of this case (entries removed before it, or a log copied from another case)"
                    : $"entry {position} does not chain to entry {position - 1} (entry {position - 1} was altered or replaced, or entries were removed between them)", e.EntryId);
            }

            if (!ids.Add(e.EntryId))
            {
                return Broken($"entry {position} repeats entry ID {e.EntryId}", e.EntryId);
            }

            prev = Sha256Hex(lines[i]);
        }

        if (trailing)
        {
            return new(caseId, false, lines.Count + 1, lines.Count + 1, null, $"entry {lines.Count + 1} is incomplete (no line end; altered or truncated)");
        }

        return new(caseId, true, lines.Count, null, null, null);
    }

    async Task<ReadOnlyMemory<byte>> ContentAsync(string caseId, CancellationToken ct)
    {
        try
        {
            return (await BlobOf(caseId).DownloadContentAsync(ct)).Value.Content.ToMemory();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
    }

    static bool TryParse(ReadOnlySpan<byte> line, out AuditEntry entry)
    {
        try
        {
            entry = JsonSerializer.Deserialize<AuditEntry>(line, Json)!;
            return entry is { EntryId: not null, Prev: not null, Actor: not null, Action: not null, Outcome: not null, Roles: not null };
        }
        catch (JsonException)
        {
            entry = null!;
            return false;
        }
    }

    static List<byte[]> SplitLines(ReadOnlySpan<byte> content) => SplitLines(content, out _);

    /// <summary>Complete lines (without <c>\n</c>); <paramref name="trailing"/> is true when bytes follow the last <c>\n</c>.</summary>
    static List<byte[]> SplitLines(ReadOnlySpan<byte> content, out bool trailing)
    {
        var lines = new List<byte[]>();
        while (true)
        {
            var end = content.IndexOf((byte)'\n');
            if (end < 0)
            {
                trailing = content.Length > 0;
                return lines;
            }

            lines.Add(content[..end].ToArray());
            content = content[(end + 1)..];
        }
    }

    static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
