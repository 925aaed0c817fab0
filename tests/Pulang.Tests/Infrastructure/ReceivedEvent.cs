using System.Collections.Concurrent;
using System.Text.Json;
using CloudNative.CloudEvents;
using Json.Schema;
using Pulang.Workflows.Events;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// An outgoing event as a receiver gets it (from the <c>case-events</c> queue or a webhook body), decoded with the
/// CloudEvents SDK and checked: CloudEvents 1.0 attributes as docs/events.md says, and the data valid against the
/// type's JSON Schema in <c>docs/events/schemas/</c> (JsonSchema.Net). Decoding throws when any of it does not hold.
/// </summary>
public sealed record ReceivedEvent(CloudEvent Event)
{
    static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();

    /// <summary>Decodes and checks one structured-mode event.</summary>
    public static ReceivedEvent Decode(BinaryData body)
    {
        var e = CaseEventFormat.Decode(body.ToMemory());
        Check(e.SpecVersion == CloudEventsSpecVersion.V1_0, e, "specversion 1.0");
        Check(e.Id is { Length: > 0 }, e, "an id");
        Check(e.Source is not null, e, "a source");
        Check(e.Time is not null && e.Time.Value.Offset == TimeSpan.Zero, e, "a UTC time");
        Check(e.DataContentType == "application/json", e, "datacontenttype application/json");
        var type = CaseEventTypes.ForType(e.Type ?? "");
        Check(type is not null && e.Type!.StartsWith("id.go.pulang.", StringComparison.Ordinal) && e.Type.EndsWith(".v1", StringComparison.Ordinal), e, "a known versioned type");
        Check(e.DataSchema == type!.DataSchema, e, "the type's dataschema");
        var caseId = CaseEventFormat.CaseIdOf(e);
        Check(caseId is { Length: > 0 } && e.Id!.StartsWith(caseId + ":", StringComparison.Ordinal), e, "subject cases/{caseId} and an id of that case");
        var data = Assert.IsType<JsonElement>(e.Data);
        var schema = Schemas.GetOrAdd(e.Type!, t => JsonSchema.FromText(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "events", "schemas", t + ".json"))));
        var result = schema.Evaluate(data, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Check(result.IsValid, e, $"data valid against {e.Type}.json: {JsonSerializer.Serialize(result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!))}");
        Check(data.GetProperty("caseId").GetString() == caseId, e, "data.caseId equal to the subject's");
        return new ReceivedEvent(e);
    }

    /// <summary>The CloudEvents <c>id</c> (stable: <c>{caseId}:released</c>).</summary>
    public string Id => Event.Id!;

    /// <summary>The CloudEvents <c>type</c>, e.g. <c>id.go.pulang.case.released.v1</c>.</summary>
    public string Type => Event.Type!;

    /// <summary>The case, from the subject.</summary>
    public string CaseId => CaseEventFormat.CaseIdOf(Event)!;

    /// <summary>The data's fields (every one a string).</summary>
    public IReadOnlyDictionary<string, string> Data =>
        ((JsonElement)Event.Data!).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    static void Check(bool holds, CloudEvent e, string what)
    {
        if (!holds)
        {
            throw new Xunit.Sdk.XunitException($"The event {e.Id} ({e.Type}) lacks {what}.");
        }
    }
}
