using System.Runtime.CompilerServices;
using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Pulang.Tests.Versioning;

/// <summary>
/// Reads and writes orchestration histories in the JSON the Azure Storage provider gives out
/// (<c>AzureStorageOrchestrationService.GetOrchestrationHistoryAsync</c>: DurableTask.Core's <see cref="HistoryEvent"/>s
/// serialized by Newtonsoft.Json, each with its numeric <c>EventType</c>), which is what the recorded fixtures hold.
/// </summary>
public static class HistoryJson
{
    static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor,
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        DateParseHandling = DateParseHandling.None,
    });

    /// <summary>Concrete event type per <see cref="EventType"/> (from <see cref="HistoryEvent.KnownTypes"/>).</summary>
    static readonly Dictionary<EventType, Type> Types = HistoryEvent.KnownTypes()
        .Where(t => !t.IsAbstract)
        .GroupBy(t => ((HistoryEvent)RuntimeHelpers.GetUninitializedObject(t)).EventType)
        .ToDictionary(g => g.Key, g => g.First());

    /// <summary>The events of <paramref name="json"/> (a JSON array of history events); an unknown event type throws <see cref="InvalidDataException"/>.</summary>
    public static List<HistoryEvent> Read(JArray json) =>
        [.. json.Cast<JObject>().Select(o =>
        {
            var type = (EventType)o.Value<int>("EventType");
            return Types.TryGetValue(type, out var t) ? (HistoryEvent)o.ToObject(t, Serializer)! : throw new InvalidDataException($"Unknown history event type {type}.");
        })];

    /// <summary>The events of <paramref name="json"/> (a JSON array of history events, as text).</summary>
    public static List<HistoryEvent> Read(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return Read(JArray.Load(reader));
    }

    /// <summary><paramref name="events"/> as a JSON array.</summary>
    public static JArray Write(IEnumerable<HistoryEvent> events) => JArray.FromObject(events, Serializer);
}
