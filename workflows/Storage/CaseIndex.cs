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
public sealed record CaseIndexEntry(string CaseId, string ExternalReference, Stage Stage, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// The case index table (<c>PulangCases</c>, partition <c>case</c>, row key = case ID). Written by intake and by
/// the <c>IndexCase</c> activity; read by <c>GET /api/cases?stage=</c>.
/// </summary>
public sealed class CaseIndex(PulangStorage storage)
{
    const string Partition = "case";

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

    /// <summary>Sets the stage of a case (merge; idempotent).</summary>
    public Task SetStageAsync(string caseId, Stage stage, DateTimeOffset now, CancellationToken ct) =>
        storage.Cases.UpsertEntityAsync(new TableEntity(Partition, caseId) { ["Stage"] = stage.ToString(), ["UpdatedAt"] = now }, TableUpdateMode.Merge, ct);

    /// <summary>Lists cases, optionally of one stage, newest first; at most <paramref name="max"/> rows.</summary>
    public async Task<IReadOnlyList<CaseIndexEntry>> ListAsync(Stage? stage, int max, CancellationToken ct)
    {
        var filter = stage is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Stage eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        var select = new[] { "RowKey", "ExternalReference", "Stage", "OpenedAt", "UpdatedAt" };
        var list = new List<CaseIndexEntry>();
        await foreach (var e in storage.Cases.QueryAsync<TableEntity>(filter, select: select, cancellationToken: ct))
        {
            list.Add(ToEntry(e));
            if (list.Count >= 5000)
            {
                break;
            }
        }

        return [.. list.OrderByDescending(x => x.OpenedAt).Take(max)];
    }

    static CaseIndexEntry ToEntry(TableEntity e) => new(
        e.RowKey,
        e.GetString("ExternalReference") ?? "",
        Enum.TryParse<Stage>(e.GetString("Stage"), out var st) ? st : Stage.Registered,
        e.GetDateTimeOffset("OpenedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default);
}
