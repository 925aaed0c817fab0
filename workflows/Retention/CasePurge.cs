using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Retention;

/// <summary>A finished case with data due for purge.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Stage">Released or Withdrawn.</param>
/// <param name="FinishedAt">When it finished (the index row's last update).</param>
/// <param name="Kinds">What is due and not purged yet, in purge order.</param>
public sealed record DueCase(string CaseId, Stage Stage, DateTimeOffset FinishedAt, IReadOnlyList<PurgeKind> Kinds);

/// <summary>
/// What a released case keeps of its release record once its data is purged: what the receiving office and an auditor need to
/// know that and how the person was released, without who the person is: the case ID and the starting system's reference (the
/// office's own key to its file), the release time, the dossier digest with the documents' kinds and hashes (the digest can be
/// checked, the papers are gone), every sign-off (ministry, decision, digest, official, time; no free-text reason) and the audit
/// head at release. The name, sex, birth date, NIK, the asesmen's text and the holds are dropped.
/// </summary>
public sealed record MinimalReleaseRecord(
    string CaseId,
    string ExternalReference,
    DateTimeOffset ReleasedAt,
    string DossierDigest,
    IReadOnlyList<DossierDocument> Documents,
    IReadOnlyList<SignOffRecord> SignOffs,
    AuditHead? AuditHead,
    DateTimeOffset PurgedAt)
{
    /// <summary>The minimal record of <paramref name="full"/>.</summary>
    public static MinimalReleaseRecord Of(ReleaseRecord full, DateTimeOffset purgedAt) => new(
        full.CaseId, full.ExternalReference, full.ReleasedAt, full.DossierDigest, full.Documents,
        [.. full.SignOffs.Select(s => s with { Reason = null })], full.AuditHead, purgedAt);
}

/// <summary>
/// Finds finished cases whose data is due (<see cref="RetentionPlan"/>) and purges it, one kind at a time, each step idempotent
/// (a purge interrupted by a crash is run again from the start and finishes): the task hub's history of the case and its scan
/// orchestrations (the Durable client's purge), the scans and analyses (<c>scans/{caseId}/</c>), the case view, then the index
/// row. Each kind purged appends one audit entry (action <c>purge</c>, code the kind; entry ID <c>purge:{kind}</c>, so a re-run
/// appends nothing) and is noted in the index row's <c>Purged</c> column. When the view goes, a released case's release record is
/// replaced by its <see cref="MinimalReleaseRecord"/>. The audit trail is never touched. A case under an open hold or a legal-hold
/// mark (index column <c>LegalHold</c>) is skipped, checked again right before each purge.
/// </summary>
public sealed class CasePurge(PulangStorage storage, AuditLog audit, DurableTaskClient durable, IOptions<RetentionOptions> options, TimeProvider time)
{
    readonly DueCases due_ = new(storage, options.Value);

    /// <summary>The finished cases with something due now (<see cref="DueCases.FindAsync"/>).</summary>
    public Task<IReadOnlyList<DueCase>> FindDueAsync(CancellationToken ct) => due_.FindAsync(time.GetUtcNow(), ct);

    /// <summary>The actor purges are recorded under.</summary>
    public static Actor Retention { get; } = new("system:retention", []);

    /// <summary>
    /// Purges what of <paramref name="caseId"/> is due now (checked again: a hold or legal-hold mark since the search wins).
    /// Returns the kinds purged by this call (empty when nothing was due or the case is gone).
    /// </summary>
    public async Task<IReadOnlyList<PurgeKind>> PurgeAsync(string caseId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var row = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(CaseIndex.Partition, caseId, cancellationToken: ct);
        if (!row.HasValue || row.Value is not { } entity || await due_.CheckAsync(entity, now, ct) is not { } due)
        {
            return [];
        }

        var view = await due_.ReadViewAsync(caseId, ct);
        foreach (var kind in due.Kinds)
        {
            switch (kind)
            {
                case PurgeKind.History:
                    await PurgeHistoryAsync(caseId, view, ct);
                    break;
                case PurgeKind.Scans:
                    await foreach (var blob in storage.Scans.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{caseId}/", ct))
                    {
                        await storage.Scans.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct);
                    }

                    break;
                case PurgeKind.CaseView:
                    await MinimizeReleaseRecordAsync(caseId, now, ct);
                    await storage.CaseViews.DeleteBlobIfExistsAsync($"{caseId}.json", cancellationToken: ct);
                    break;
                case PurgeKind.IndexRow:
                    break;
            }

            // Recorded before the index row goes, so the last entry is anchored in it until then (and the audit trail stays).
            await audit.AppendAsync(caseId, new AuditRecord($"purge:{DueCases.Route(kind)}", now, Retention.Id, [], "purge", AuditRecord.Accepted, DueCases.Route(kind), null), ct);
            if (kind == PurgeKind.IndexRow)
            {
                await storage.Cases.DeleteEntityAsync(CaseIndex.Partition, caseId, ETag.All, ct);
            }
            else
            {
                var purged = string.Join(' ', DueCases.Purged(entity).Append(DueCases.Route(kind)).Distinct());
                entity[DueCases.PurgedColumn] = purged;
                await storage.Cases.UpsertEntityAsync(new TableEntity(CaseIndex.Partition, caseId) { [DueCases.PurgedColumn] = purged }, TableUpdateMode.Merge, ct);
            }
        }

        return due.Kinds;
    }

    /// <summary>The client's purge of the case's instance and of each of its documents' scan instances (<c>scan:{documentId}</c>).</summary>
    async Task PurgeHistoryAsync(string caseId, CaseState? view, CancellationToken ct)
    {
        foreach (var document in view?.Documents ?? [])
        {
            await durable.PurgeInstanceAsync(ScanOrchestration.InstanceId(document.DocumentId), cancellation: ct);
        }

        await durable.PurgeInstanceAsync(caseId, cancellation: ct);
    }

    async Task MinimizeReleaseRecordAsync(string caseId, DateTimeOffset now, CancellationToken ct)
    {
        var blob = storage.Releases.GetBlobClient($"{caseId}.json");
        BinaryData content;
        try
        {
            content = (await blob.DownloadContentAsync(ct)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return; // withdrawn, or never released
        }

        using var json = JsonDocument.Parse(content);
        if (json.RootElement.TryGetProperty("purgedAt", out _))
        {
            return; // already minimal (a re-run)
        }

        var full = content.ToObjectFromJson<ReleaseRecord>(PulangJson.Options)!;
        await blob.UploadAsync(BinaryData.FromObjectAsJson(MinimalReleaseRecord.Of(full, now), PulangJson.Options), overwrite: true, ct);
    }
}

/// <summary>
/// Which finished cases have data due for purge (<see cref="RetentionPlan"/>) and what: read from the case index (stage, last update,
/// <see cref="LegalHoldColumn"/>, <see cref="PurgedColumn"/>) and, for an open hold, the case view. Used by the schedule and by
/// <c>pulang purge --dry-run</c>.
/// </summary>
public sealed class DueCases(PulangStorage storage, RetentionOptions options)
{
    /// <summary>The index column that marks a case for legal hold (bool): never purged while true.</summary>
    public const string LegalHoldColumn = "LegalHold";

    /// <summary>The index column listing the kinds already purged (space-separated).</summary>
    public const string PurgedColumn = "Purged";

    /// <summary>The finished cases with something due at <paramref name="now"/> (one index query, then the view of each finished case).</summary>
    public async Task<IReadOnlyList<DueCase>> FindAsync(DateTimeOffset now, CancellationToken ct)
    {
        var due = new List<DueCase>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {CaseIndex.Partition} and (Stage eq {nameof(Stage.Released)} or Stage eq {nameof(Stage.Withdrawn)})");
        await foreach (var row in storage.Cases.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (await CheckAsync(row, now, ct) is { } found)
            {
                due.Add(found);
            }
        }

        return due;
    }

    /// <summary>The kind's name in the audit trail and the index (<c>history</c>, <c>scans</c>, <c>case-view</c>, <c>index-row</c>).</summary>
    public static string Route(PurgeKind kind) => kind switch
    {
        PurgeKind.History => "history",
        PurgeKind.Scans => "scans",
        PurgeKind.CaseView => "case-view",
        _ => "index-row",
    };

    /// <summary>The kinds the row says are purged.</summary>
    public static IEnumerable<string> Purged(TableEntity row) => (row.GetString(PurgedColumn) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>What of the case behind <paramref name="row"/> (an index row) is due and not purged yet, or null (nothing, or held).</summary>
    public async Task<DueCase?> CheckAsync(TableEntity row, DateTimeOffset now, CancellationToken ct)
    {
        if (!Enum.TryParse<Stage>(row.GetString("Stage"), out var stage) || row.GetDateTimeOffset("UpdatedAt") is not { } finished)
        {
            return null;
        }

        var legalHold = row.GetBoolean(LegalHoldColumn) ?? false;
        var plan = RetentionPlan.Due(stage, finished, openHold: false, legalHold, now, options);
        var purged = Purged(row).ToHashSet();
        var kinds = plan.Where(k => !purged.Contains(Route(k))).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }

        // An open hold is read from the view; a case whose view is already purged had none when it was purged.
        if (!purged.Contains(Route(PurgeKind.CaseView)) && await ReadViewAsync(row.RowKey, ct) is { } view && RetentionPlan.HasOpenHold(view))
        {
            return null;
        }

        return new DueCase(row.RowKey, stage, finished, kinds);
    }

    /// <summary>The case view, or null when there is none (any more).</summary>
    public async Task<CaseState?> ReadViewAsync(string caseId, CancellationToken ct)
    {
        try
        {
            var content = (await storage.CaseViews.GetBlobClient($"{caseId}.json").DownloadContentAsync(ct)).Value.Content;
            return content.ToObjectFromJson<CaseState>(PulangJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
