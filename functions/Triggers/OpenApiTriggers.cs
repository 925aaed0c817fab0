using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pulang.Workflows.Http;

namespace Pulang.Functions.Triggers;

/// <summary>
/// <c>GET /api/openapi.json</c> (anonymous) on the Functions host: the committed OpenAPI document (<c>docs/openapi/pulang.json</c>,
/// embedded at build), the same the self-host serves live at <see cref="ApiDocument.Route"/>. The Functions host cannot run
/// ASP.NET Core's generator over its triggers, and its API is the same handlers (OpenApiDocumentTests checks every trigger's
/// route is in the document).
/// </summary>
public static class OpenApiTriggers
{
    static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiTriggers).Assembly.GetManifestResourceStream("Pulang.Functions.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded in the Function App (docs/openapi/pulang.json).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The committed document, as <c>application/json</c>.</summary>
    [Function("GetOpenApiDocument")]
    public static IResult GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/openapi.json")] HttpRequest req) =>
        Results.Bytes(Document.Value, "application/json");
}
