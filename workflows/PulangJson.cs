using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;

namespace Pulang.Workflows;

/// <summary>
/// The one JSON shape Pulang uses everywhere: HTTP bodies, queue messages, blobs, and Durable Task payloads
/// (web defaults: camelCase; enums as camelCase strings).
/// </summary>
public static class PulangJson
{
    /// <summary>Serializer options for every Pulang payload.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The Durable Task data converter over <see cref="Options"/>, for both hosts.</summary>
    public static DataConverter DataConverter { get; } = new JsonDataConverter(Options);

    static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            MaxDepth = 32,
            AllowOutOfOrderMetadataProperties = true,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
