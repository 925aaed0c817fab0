using System.Collections.Immutable;
using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Events;

/// <summary>
/// The one place Pulang's outgoing events get their wire format: CloudEvents 1.0 in structured JSON mode
/// (<c>application/cloudevents+json</c>), the same bytes on the <c>case-events</c> queue, in a webhook delivery's body
/// and (parsed) to Event Grid. Attributes: <c>specversion</c> 1.0; <c>id</c> the decider's stable event ID
/// (<c>{caseId}:released</c>); <c>source</c> <see cref="EventOptions.Source"/>; <c>type</c> a reverse-DNS name with a version
/// (<see cref="CaseEventTypes"/>); <c>subject</c> <c>cases/{caseId}</c>; <c>time</c> when it was published (UTC);
/// <c>datacontenttype</c> <c>application/json</c>; <c>dataschema</c> the type's JSON Schema (<c>docs/events/schemas/</c>).
/// The data holds only the fields the type's schema lists (<see cref="CaseEventTypes.EventType.DataFields"/>); anything else the
/// decider put there stays out of the event (see docs/events.md on personal data).
/// </summary>
public static class CaseEventFormat
{
    /// <summary>The media type of an event in structured mode.</summary>
    public const string MediaType = "application/cloudevents+json";

    /// <summary>The formatter (System.Text.Json, Pulang's JSON options for the data).</summary>
    public static JsonEventFormatter Formatter { get; } = new(PulangJson.Options, new JsonDocumentOptions());

    /// <summary>
    /// The CloudEvent for the decider's <paramref name="e"/>, published at <paramref name="time"/> by <paramref name="source"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The decider's event type has no CloudEvents type (<see cref="CaseEventTypes"/>).</exception>
    public static CloudEvent ToCloudEvent(PublishCaseEvent e, DateTimeOffset time, Uri source)
    {
        var type = CaseEventTypes.For(e.EventType) ?? throw new InvalidOperationException($"Event type '{e.EventType}' has no CloudEvents type; add it to CaseEventTypes.");
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["caseId"] = e.CaseId };
        foreach (var field in type.DataFields)
        {
            if (e.Data.TryGetValue(field, out var value))
            {
                data[field] = value;
            }
        }

        return new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = e.EventId,
            Source = source,
            Type = type.Type,
            Subject = $"cases/{e.CaseId}",
            Time = time.ToUniversalTime(),
            DataContentType = MediaTypeNames.Application.Json,
            DataSchema = type.DataSchema,
            Data = data,
        };
    }

    /// <summary>The event as structured-mode JSON (UTF-8 bytes): the body of a queue message and of a webhook delivery.</summary>
    public static byte[] Encode(CloudEvent cloudEvent) =>
        Formatter.EncodeStructuredModeMessage(cloudEvent, out _).ToArray();

    /// <summary>Reads one structured-mode event (as <see cref="Encode"/> writes it); the data is a <see cref="JsonElement"/>.</summary>
    /// <exception cref="ArgumentException">Not a valid CloudEvent (the SDK's validation).</exception>
    public static CloudEvent Decode(ReadOnlyMemory<byte> body) =>
        Formatter.DecodeStructuredModeMessage(body, new ContentType(MediaType), null);

    /// <summary>The <c>caseId</c> of a decoded Pulang event (from its subject <c>cases/{caseId}</c>), or null.</summary>
    public static string? CaseIdOf(CloudEvent cloudEvent) =>
        cloudEvent.Subject is { } s && s.StartsWith("cases/", StringComparison.Ordinal) ? s["cases/".Length..] : null;

    /// <summary>One data field of a decoded event (a string), or null.</summary>
    public static string? DataField(CloudEvent cloudEvent, string name) =>
        cloudEvent.Data is JsonElement { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>
/// Pulang's event types: the decider's short name (<c>case.released</c>), the CloudEvents <c>type</c>
/// (<c>id.go.pulang.case.released.v1</c>: reverse DNS of pulang.go.id, the fact, the version of its data), the data
/// fields the type carries besides <c>caseId</c>, and its JSON Schema. A new field that a receiver may ignore keeps the
/// version; a removed or changed field is a new version (<c>.v2</c>) published beside the old one for a while.
/// </summary>
public static class CaseEventTypes
{
    /// <summary>Prefix of every type.</summary>
    public const string Prefix = "id.go.pulang.";

    /// <summary>Base of every <c>dataschema</c>: the schema files are <c>docs/events/schemas/{type}.json</c> in the repository, with this <c>$id</c>.</summary>
    public const string SchemaBase = "https://pulang.go.id/schemas/events/";

    /// <summary>One event type.</summary>
    /// <param name="Name">The decider's name, e.g. <c>case.released</c>.</param>
    /// <param name="DataFields">The data fields besides <c>caseId</c> (each a string).</param>
    public sealed record EventType(string Name, ImmutableArray<string> DataFields)
    {
        /// <summary>The CloudEvents type, e.g. <c>id.go.pulang.case.released.v1</c>.</summary>
        public string Type => $"{Prefix}{Name}.v1";

        /// <summary>The schema URI (<c>dataschema</c>).</summary>
        public Uri DataSchema => new($"{SchemaBase}{Type}.json");
    }

    /// <summary>Every type Pulang publishes.</summary>
    public static ImmutableArray<EventType> All { get; } =
    [
        // Where the person goes home to routes the release to the regional office (BP3MI); the record itself is read with a token.
        new("case.released", ["dossierDigest", "releaseRecord", "originRegion", "auditSequence", "auditHead"]),
        new("case.on-hold", ["holdId"]),
        new("case.hold-lifted", ["holdId"]),
        // The admin's reason is free text (it may name a person): it stays in the audit trail, not in the event.
        new("case.withdrawn", ["stage"]),
        new("case.reminder", ["stage", "missing"]),
        // Escalation: the stage, since when the case waits in it (UTC) and how many reminders it took; what is late, not whose case.
        new("case.overdue", ["stage", "stageSince", "reminders"]),
    ];

    /// <summary>The type of the decider's <paramref name="name"/>, or null.</summary>
    public static EventType? For(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>The type whose CloudEvents type is <paramref name="type"/>, or null.</summary>
    public static EventType? ForType(string type) => All.FirstOrDefault(t => t.Type == type);
}
