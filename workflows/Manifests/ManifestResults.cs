using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Http;
using Pulang.Workflows.Storage;
using Pulang.Workflows.Cases;

namespace Pulang.Workflows.Manifests;

/// <summary>What became of one manifest line.</summary>
public enum ManifestLineStatus
{
    /// <summary>A new case was started for the line (by this manifest; the same manifest again still says created).</summary>
    Created,
    /// <summary>The external reference already had a case with the same data (from another manifest, the API or the queue).</summary>
    Existing,
    /// <summary>The external reference already had a case with other data (<see cref="ManifestLineResult.Fields"/> differ); nothing changed.</summary>
    Conflict,
    /// <summary>The line was not taken (<see cref="ManifestLineResult.Errors"/>): a missing or invalid field, or a reference repeated in the file.</summary>
    Refused,
}

/// <summary>One reason a line was refused.</summary>
/// <param name="Code">Stable code: <c>field.required</c>, <c>field.invalid</c>, <c>date.invalid</c>, the NIK rule broken (<c>nik.length</c>,
/// <c>nik.format</c>, <c>nik.day</c>, <c>nik.invalid-date</c>, <c>nik.province</c>, <c>nik.regency</c>, <c>nik.district</c>, <c>nik.serial</c>;
/// see <see cref="Nik.Decode"/>), <c>manifest.repeated-reference</c>, <c>manifest.field-count</c> or <c>manifest.not-a-person</c>.</param>
/// <param name="Field">The field (JSON name, e.g. <c>birthDate</c>), or null for the line as a whole.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ManifestLineError(string Code, string? Field, string Message);

/// <summary>The result of one manifest line. Carries no personal data beyond the sender's own reference.</summary>
/// <param name="Line">The line (see <see cref="ManifestLine.Line"/>).</param>
/// <param name="ExternalReference">The line's external reference as sent (at most 200 characters), when it has one.</param>
/// <param name="Status">What happened.</param>
/// <param name="CaseId">The case (created, existing or conflict).</param>
/// <param name="Errors">Why it was refused.</param>
/// <param name="Fields">For a conflict: the fields that differ from the case's data (names only).</param>
public sealed record ManifestLineResult(int Line, string? ExternalReference, ManifestLineStatus Status, string? CaseId = null, IReadOnlyList<ManifestLineError>? Errors = null, IReadOnlyList<string>? Fields = null)
{
    /// <summary>
    /// The errors of a line that <see cref="IntakeRequest.Validate"/> refused, one per message, each with a code: a field left
    /// empty is <c>field.required</c>; a NIK gets the codes of the rules <see cref="Nik.Decode"/> found broken; dates
    /// <c>date.invalid</c>; anything else <c>field.invalid</c>. The rules themselves are Validate's.
    /// </summary>
    public static IReadOnlyList<ManifestLineError> ErrorsOf(IntakeRequest person, IReadOnlyDictionary<string, string[]> errors, DateOnly today)
    {
        string? Raw(string field) => field switch
        {
            "externalReference" => person.ExternalReference,
            "fullName" => person.FullName,
            "sex" => person.Sex,
            "birthDate" => person.BirthDate,
            "originRegion" => person.OriginRegion,
            "placementCountry" => person.PlacementCountry,
            "arrivalDate" => person.ArrivalDate,
            "nik" => person.Nik,
            _ => "?",
        };

        var result = new List<ManifestLineError>();
        foreach (var (field, messages) in errors)
        {
            if (string.IsNullOrWhiteSpace(Raw(field)))
            {
                result.Add(new("field.required", field, string.Join(" ", messages)));
            }
            else if (field == "nik" && Nik.Decode(person.Nik, today).Findings is { Count: > 0 } findings)
            {
                result.AddRange(findings.Select(f => new ManifestLineError(f.Code, field, f.Message)));
            }
            else
            {
                result.Add(new(field is "birthDate" or "arrivalDate" ? "date.invalid" : "field.invalid", field, string.Join(" ", messages)));
            }
        }

        return result;
    }
}

/// <summary>How a manifest came in and what it holds (the header of its results).</summary>
/// <param name="ManifestId">The manifest ID (<see cref="ManifestFile.IdOf"/>).</param>
/// <param name="Source">Who sent it: <c>http:{caller ID}</c> or <c>blob:manifests/{blob name}</c> (the first to send the file).</param>
/// <param name="FileName">The blob's name, when it came as a blob.</param>
/// <param name="Format">CSV or JSON; null when the format could not be told.</param>
/// <param name="Lines">Person lines read.</param>
/// <param name="ReceivedAt">When it was first received.</param>
/// <param name="RejectionCode">For a file that could not be read as a whole (came as a blob): the code (<see cref="ManifestFormatException.Code"/>).</param>
/// <param name="RejectionMessage">And what is wrong.</param>
public sealed record ManifestHeader(string ManifestId, string Source, string? FileName, ManifestFormat? Format, int Lines, DateTimeOffset ReceivedAt, string? RejectionCode = null, string? RejectionMessage = null);

/// <summary>
/// The <c>PulangManifests</c> table: per manifest (partition key = manifest ID) one <c>header</c> row
/// (<see cref="ManifestHeader"/>) and one row per line, row key <c>L000012</c> (<see cref="ManifestLineResult"/>), each as JSON
/// in the <c>Json</c> property. Result rows are written by batch (one entity group transaction per batch of lines).
/// </summary>
public sealed class ManifestStore(PulangStorage storage)
{
    const string HeaderKey = "header";

    TableClient Table => storage.Manifests;

    /// <summary>Writes the header unless the manifest has one: true when this call wrote it.</summary>
    public async Task<bool> AddHeaderAsync(ManifestHeader header, CancellationToken ct)
    {
        try
        {
            await Table.AddEntityAsync(new TableEntity(header.ManifestId, HeaderKey) { ["Json"] = JsonSerializer.Serialize(header, PulangJson.Options) }, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The header and its row's timestamp, or null for an unknown manifest.</summary>
    public async Task<(ManifestHeader Header, DateTimeOffset? Written)?> GetHeaderAsync(string manifestId, CancellationToken ct)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(manifestId, HeaderKey, cancellationToken: ct);
        return row.HasValue && row.Value is { } e ? (JsonSerializer.Deserialize<ManifestHeader>(e.GetString("Json"), PulangJson.Options)!, e.Timestamp) : null;
    }

    /// <summary>Saves line results (replacing earlier ones of the same lines) in entity group transactions of up to 100 rows.</summary>
    public async Task SaveResultsAsync(string manifestId, IReadOnlyList<ManifestLineResult> results, CancellationToken ct)
    {
        foreach (var chunk in results.Chunk(100))
        {
            var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(manifestId, $"L{r.Line:D6}") { ["Json"] = JsonSerializer.Serialize(r, PulangJson.Options) })).ToList();
            await Table.SubmitTransactionAsync(actions, ct);
        }
    }

    /// <summary>Every line result saved so far, by line.</summary>
    public async Task<List<ManifestLineResult>> GetResultsAsync(string manifestId, CancellationToken ct)
    {
        var results = new List<ManifestLineResult>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {manifestId} and RowKey ge 'L' and RowKey lt 'M'");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, select: ["Json"], cancellationToken: ct))
        {
            results.Add(JsonSerializer.Deserialize<ManifestLineResult>(e.GetString("Json"), PulangJson.Options)!);
        }

        return [.. results.OrderBy(r => r.Line)];
    }

    /// <summary>A reference echoed in a result: trimmed, without control characters, at most 200 characters (the longest valid one).</summary>
    public static string? Reference(string? reference) =>
        new string([.. (reference ?? "").Trim().Where(c => !char.IsControl(c)).Take(200)]) is { Length: > 0 } r ? r : null;
}
