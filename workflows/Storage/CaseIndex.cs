using Azure;
using Azure.Data.Tables;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Storage;

/// <summary>A row of the case index: enough to list cases by stage without touching orchestration instances.</summary>
/// <param name="CaseId">Case ID.</param>
/// <param name="ExternalReference">Starting system's reference.</param>
/// <param name="Stage">Current stage.</param>
/// <param name="OpenedAt">Intake time.</param>
/// <param name="UpdatedAt">Last index update.</param>
/// <param name="StageEnteredAt">When the case entered <paramref name="Stage"/> (column <c>StageEnteredAt</c>); null for a row
/// written before the column existed and not yet moved to another stage (readers then use <paramref name="UpdatedAt"/>).</param>
/// <param name="Overdue">True while the case is overdue in its stage, as the decider decided it (<see cref="CaseState.Overdue"/>; column
/// <c>Overdue</c>); false for a row written before the column existed.</param>
/// <param name="OverdueSince">Since when it is overdue (<see cref="CaseState.OverdueSince"/>), when <paramref name="Overdue"/>; else null.</param>
public sealed record CaseIndexEntry(string CaseId, string ExternalReference, Stage Stage, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt, DateTimeOffset? StageEnteredAt = null,
    bool Overdue = false, DateTimeOffset? OverdueSince = null)
{
    /// <summary>Since when the case is in its stage: <see cref="StageEnteredAt"/>, or the last change for an older row.</summary>
    public DateTimeOffset InStageSince => StageEnteredAt ?? UpdatedAt;
}

/// <summary>A case in someone's inbox: it waits for one of the caller's roles.</summary>
/// <param name="CaseId">Case ID.</param>
/// <param name="ExternalReference">Starting system's reference.</param>
/// <param name="Stage">Current stage.</param>
/// <param name="Awaiting">The caller's roles the case waits for (see <see cref="Inbox.AwaitingRoles"/>).</param>
/// <param name="DossierDigest">The dossier digest a sign-off must name (SignOffPending), else null.</param>
/// <param name="UpdatedAt">When the case last changed.</param>
/// <param name="StageEnteredAt">When the case entered its stage (see <see cref="CaseIndexEntry.StageEnteredAt"/>).</param>
/// <param name="Overdue">True while the case is overdue (see <see cref="CaseIndexEntry.Overdue"/>); overdue cases wait for the admin (<see cref="Inbox.AwaitingRoles"/>).</param>
/// <param name="OverdueSince">Since when it is overdue, when <paramref name="Overdue"/>; else null.</param>
public sealed record InboxEntry(string CaseId, string ExternalReference, Stage Stage, IReadOnlyList<string> Awaiting, string? DossierDigest, DateTimeOffset UpdatedAt, DateTimeOffset? StageEnteredAt = null,
    bool Overdue = false, DateTimeOffset? OverdueSince = null)
{
    /// <summary>Since when the case is in its stage: <see cref="StageEnteredAt"/>, or the last change for an older row.</summary>
    public DateTimeOffset InStageSince => StageEnteredAt ?? UpdatedAt;
}

/// <summary>
/// The case index table (<c>PulangCases</c>, partition <c>case</c>, row key = case ID). Written by intake and by
/// each committed decision (<see cref="SetStateAsync"/>); read by <c>GET /api/cases?stage=</c>.
/// </summary>
public sealed class CaseIndex(PulangStorage storage)
{
    /// <summary>The one partition key of the case index's case rows: <c>case</c>.</summary>
    public const string Partition = "case";

    /// <summary>Inserts the row for a new case (stage Registered, with the intake); an existing row is left as it is.</summary>
    public async Task AddAsync(string caseId, CaseIntake intake, DateTimeOffset now, CancellationToken ct)
    {
        var e = new TableEntity(Partition, caseId)
        {
            ["ExternalReference"] = intake.ExternalReference,
            ["Intake"] = System.Text.Json.JsonSerializer.Serialize(intake, PulangJson.Options),
            ["Stage"] = nameof(Stage.Registered),
            ["OpenedAt"] = now,
            ["UpdatedAt"] = now,
            [StageEnteredColumn] = now,
        };
        try
        {
            await storage.Cases.AddEntityAsync(e, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    /// <summary>The row of one case and its intake, or null.</summary>
    public async Task<(CaseIndexEntry Entry, CaseIntake? Intake)?> GetAsync(string caseId, CancellationToken ct)
    {
        var row = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(Partition, caseId, cancellationToken: ct);
        if (!row.HasValue || row.Value is not { } e)
        {
            return null;
        }

        var intake = e.GetString("Intake") is { } json ? System.Text.Json.JsonSerializer.Deserialize<CaseIntake>(json, PulangJson.Options) : null;
        return (ToEntry(e), intake);
    }

    /// <summary>Index column: when the case entered its current stage (<see cref="CaseIndexEntry.StageEnteredAt"/>).</summary>
    public const string StageEnteredColumn = "StageEnteredAt";

    /// <summary>Index column: whether the case is overdue (<see cref="CaseIndexEntry.Overdue"/>, Boolean; absent in older rows: not overdue).</summary>
    public const string OverdueColumn = "Overdue";

    /// <summary>Index column: since when the case is overdue (<see cref="CaseIndexEntry.OverdueSince"/>); read only while <see cref="OverdueColumn"/> is true.</summary>
    public const string OverdueSinceColumn = "OverdueSince";

    /// <summary>
    /// Records the case's stage as lists show it (<see cref="CaseState.ShownStage"/>: OnHold while a hold is open), whom it waits for (<see cref="Inbox.AwaitingRoles"/>: one boolean column per role,
    /// <c>Awaits{Role}</c>, so the inbox query filters in the table), the dossier digest and the state version
    /// (<c>ViewVersion</c>), unless the row already holds this version or a newer one. Activities run at least once,
    /// and a repeated run can come late (its work-item message reappears after a crash or a failed delete, when the
    /// case has moved on), so an older state must never overwrite a newer one: merge with the row's ETag, read again
    /// on a conflict. Returns false when the row was newer (or as new) and was left as it is. <see cref="StageEnteredColumn"/>
    /// is set to the state's time when the shown stage (the row's <c>Stage</c>) differs from the row's; kept when it is the
    /// same (a row written before the column existed keeps none until its next stage change). <see cref="OverdueColumn"/> is the
    /// state's <see cref="CaseState.Overdue"/>, with <see cref="OverdueSinceColumn"/> while it is true (a merge cannot remove a
    /// column, so an older time may stay beside <c>Overdue = false</c>, where it is not read).
    /// </summary>
    public async Task<bool> SetStateAsync(CaseState state, CancellationToken ct)
    {
        var awaiting = Inbox.AwaitingRoles(state);
        var e = new TableEntity(Partition, state.CaseId)
        {
            ["Stage"] = state.ShownStage.ToString(),
            ["DossierDigest"] = state.DossierDigest ?? "",
            ["ViewVersion"] = state.Version,
            ["UpdatedAt"] = state.UpdatedAt,
            [OverdueColumn] = state.Overdue,
        };
        if (state.Overdue)
        {
            e[OverdueSinceColumn] = state.OverdueSince;
        }

        foreach (var role in Roles.All)
        {
            e[AwaitsColumn(role)] = awaiting.Contains(role);
        }

        while (true)
        {
            var row = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(Partition, state.CaseId, ["ViewVersion", "Stage"], ct);
            try
            {
                if (!row.HasValue || row.Value is not { } current || current.GetString("Stage") != state.ShownStage.ToString())
                {
                    e[StageEnteredColumn] = state.UpdatedAt;
                }
                else
                {
                    e.Remove(StageEnteredColumn);
                }

                if (!row.HasValue || row.Value is not { } existing)
                {
                    await storage.Cases.AddEntityAsync(e, ct);
                    return true;
                }

                if (existing.GetInt32("ViewVersion") is { } stored && stored >= state.Version)
                {
                    return false;
                }

                await storage.Cases.UpdateEntityAsync(e, existing.ETag, TableUpdateMode.Merge, ct);
                return true;
            }
            catch (RequestFailedException x) when (x.Status is 409 or 412)
            {
                // Written in between (another run of the same or a newer state): look again.
            }
        }
    }

    /// <summary>Index column holding the anchored audit head's sequence number (Int64).</summary>
    public const string AuditSequenceColumn = "AuditSequence";

    /// <summary>Index column holding the anchored audit head's hash (lower-case hex).</summary>
    public const string AuditHeadColumn = "AuditHead";

    /// <summary>
    /// Records <paramref name="head"/> as the case's audit anchor (columns <see cref="AuditSequenceColumn"/> and
    /// <see cref="AuditHeadColumn"/>) unless the row already anchors this entry or a later one: the anchor only moves
    /// forward, merged on the row's ETag and read again on a conflict (like <see cref="SetStateAsync"/>, whose
    /// columns it leaves alone). A case without a row gets none (no row is made for an unknown case). Returns true
    /// when the anchor was moved.
    /// </summary>
    public async Task<bool> AnchorAuditAsync(string caseId, AuditHead head, CancellationToken ct)
    {
        while (true)
        {
            NullableResponse<TableEntity> row;
            try
            {
                row = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(Partition, caseId, [AuditSequenceColumn], ct);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return false; // no table
            }

            if (!row.HasValue || row.Value is not { } current || (current.GetInt64(AuditSequenceColumn) is { } stored && stored >= head.Sequence))
            {
                return false;
            }

            try
            {
                await storage.Cases.UpdateEntityAsync(new TableEntity(Partition, caseId) { [AuditSequenceColumn] = head.Sequence, [AuditHeadColumn] = head.Hash }, current.ETag, TableUpdateMode.Merge, ct);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Changed in between (another anchor, a view, or removed): look again.
            }
        }
    }

    /// <summary>The audit anchor of one case, or null when the case has no index row.</summary>
    public async Task<AuditAnchor?> GetAuditAnchorAsync(string caseId, CancellationToken ct)
    {
        try
        {
            var row = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(Partition, caseId, AnchorColumns, ct);
            return row.HasValue && row.Value is { } e ? AnchorOf(e) : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The audit anchor of every case in the index (none when there is no table), in row key order.</summary>
    public async IAsyncEnumerable<AuditAnchor> ListAuditAnchorsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var pages = storage.Cases.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), select: ["RowKey", .. AnchorColumns], cancellationToken: ct);
        await using var rows = pages.GetAsyncEnumerator(ct);
        while (true)
        {
            try
            {
                if (!await rows.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                yield break; // no table
            }

            yield return AnchorOf(rows.Current);
        }
    }

    static readonly string[] AnchorColumns = ["ViewVersion", AuditSequenceColumn, AuditHeadColumn];

    static AuditAnchor AnchorOf(TableEntity e) => new(
        e.RowKey,
        e.GetInt32("ViewVersion") is not null,
        e.GetInt64(AuditSequenceColumn) is { } seq && e.GetString(AuditHeadColumn) is { Length: > 0 } hash ? new AuditHead(seq, hash) : null);

    /// <summary>
    /// The inbox: cases waiting for any of <paramref name="roles"/>, oldest change first (work in the order it
    /// came), at most <paramref name="max"/>. Empty for roles that never act on a case. The first page of
    /// <see cref="ListAwaitingPageAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<InboxEntry>> ListAwaitingAsync(IReadOnlyCollection<string> roles, int max, CancellationToken ct) =>
        (await ListAwaitingPageAsync(roles, IndexSort.UpdatedAt, max, null, ct)).Items;

    /// <summary>
    /// One page of the inbox (cases waiting for any of <paramref name="roles"/>) in <paramref name="sort"/>'s order, after
    /// <paramref name="after"/> (from <see cref="IndexPaging.TryDecode"/>; null for the first page), at most
    /// <paramref name="max"/> (1..1000), with every matching row considered (<see cref="IndexPaging"/>).
    /// </summary>
    public async Task<IndexPage<InboxEntry>> ListAwaitingPageAsync(IReadOnlyCollection<string> roles, IndexSort sort, int max, IndexPaging.Cursor? after, CancellationToken ct)
    {
        var mine = Roles.All.Where(roles.Contains).ToList();
        if (mine.Count == 0)
        {
            return new([], null);
        }

        // Column names come from the fixed role list (letters only), never from input.
        var filter = $"PartitionKey eq '{Partition}' and (" + string.Join(" or ", mine.Select(r => $"{AwaitsColumn(r)} eq true")) + ")";
        var select = new[] { "RowKey", "ExternalReference", "Stage", "DossierDigest", "OpenedAt", "UpdatedAt", StageEnteredColumn, OverdueColumn, OverdueSinceColumn }.Concat(mine.Select(AwaitsColumn)).ToList();
        return await IndexPaging.PageAsync(storage.Cases, filter, select, sort, max, after, e =>
        {
            var entry = ToEntry(e);
            return new InboxEntry(entry.CaseId, entry.ExternalReference, entry.Stage, [.. mine.Where(r => e.GetBoolean(AwaitsColumn(r)) == true)],
                e.GetString("DossierDigest") is { Length: > 0 } d ? d : null, entry.UpdatedAt, entry.StageEnteredAt, entry.Overdue, entry.OverdueSince);
        }, ct);
    }

    /// <summary>The index column that says a case waits for <paramref name="role"/>: <c>Awaits</c> and the role in Pascal case (<c>AwaitsP2miSigner</c>).</summary>
    public static string AwaitsColumn(string role) =>
        "Awaits" + string.Concat(role.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>Lists cases, optionally of one stage and/or one external reference (exact), newest first; at most <paramref name="max"/> rows (the first page of <see cref="ListPageAsync"/>).</summary>
    public async Task<IReadOnlyList<CaseIndexEntry>> ListAsync(Stage? stage, int max, CancellationToken ct, string? reference = null) =>
        (await ListPageAsync(stage, IndexSort.OpenedAtDescending, max, null, ct, reference)).Items;

    /// <summary>
    /// One page of the case list, optionally of one stage and/or one external reference (exact), in <paramref name="sort"/>'s
    /// order, after <paramref name="after"/> (null for the first page), at most <paramref name="max"/> (1..1000), with every
    /// matching row considered (<see cref="IndexPaging"/>).
    /// </summary>
    public Task<IndexPage<CaseIndexEntry>> ListPageAsync(Stage? stage, IndexSort sort, int max, IndexPaging.Cursor? after, CancellationToken ct, string? reference = null)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        if (stage is { } s) filter += " and " + TableClient.CreateQueryFilter($"Stage eq {s.ToString()}");
        if (!string.IsNullOrEmpty(reference)) filter += " and " + TableClient.CreateQueryFilter($"ExternalReference eq {reference}");
        return IndexPaging.PageAsync(storage.Cases, filter, ["RowKey", "ExternalReference", "Stage", "OpenedAt", "UpdatedAt", StageEnteredColumn, OverdueColumn, OverdueSinceColumn], sort, max, after, ToEntry, ct);
    }

    static CaseIndexEntry ToEntry(TableEntity e)
    {
        var overdue = e.GetBoolean(OverdueColumn) == true;
        return new(
            e.RowKey,
            e.GetString("ExternalReference") ?? "",
            Enum.TryParse<Stage>(e.GetString("Stage"), out var st) ? st : Stage.Registered,
            e.GetDateTimeOffset("OpenedAt") ?? default,
            e.GetDateTimeOffset("UpdatedAt") ?? default,
            e.GetDateTimeOffset(StageEnteredColumn),
            overdue,
            overdue ? e.GetDateTimeOffset(OverdueSinceColumn) : null);
    }
}
