using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Pulang.Workflows.Http;

/// <summary>
/// What the OpenAPI document (<see cref="ApiDocument"/>) says of each route, given where the route is mapped: the handlers
/// take <see cref="HttpContext"/> and answer <see cref="IResult"/>, so their bodies, answers and problems are declared here.
/// </summary>
public static class ApiRouteMetadata
{
    /// <summary>Marks a route as part of the document; <paramref name="Anonymous"/> routes need no bearer token.</summary>
    public sealed record Marker(bool Anonymous);

    /// <summary>
    /// Puts the route in the document as operation <paramref name="operationId"/> (the handler's name, as the Functions trigger's)
    /// under <paramref name="tag"/>, with the problems any route can answer: 429 (rate limit), 500, 503 (storage unreachable), and
    /// 401, 403 unless <paramref name="anonymous"/>.
    /// </summary>
    public static RouteHandlerBuilder Api(this RouteHandlerBuilder route, string operationId, string tag, bool anonymous = false) =>
        route.WithName(operationId).WithTags(tag).WithMetadata(new Marker(anonymous)).Problems(anonymous ? [429, 500, 503] : [401, 403, 429, 500, 503]);

    /// <summary>
    /// A JSON request body of type <typeparamref name="T"/>, in the document only: <c>Accepts</c> metadata would make routing
    /// refuse other media types itself (a 415 before the handler, which answers and audits that refusal).
    /// </summary>
    public static RouteHandlerBuilder Body<T>(this RouteHandlerBuilder route, bool optional = false) where T : notnull =>
        route.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var body = operation.RequestBody as OpenApiRequestBody ?? new OpenApiRequestBody();
            body.Required = !optional;
            body.Content ??= new Dictionary<string, OpenApiMediaType>();
            body.Content["application/json"] = new OpenApiMediaType { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct) };
            operation.RequestBody = body;
        });

    /// <summary>A JSON answer of type <typeparamref name="T"/> for each of <paramref name="statuses"/> (default 200).</summary>
    public static RouteHandlerBuilder Returns<T>(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses.Length == 0 ? [200] : statuses)
        {
            route.Produces<T>(status, "application/json");
        }

        return route;
    }

    /// <summary>Problem answers (<see cref="PulangProblem"/>, <c>application/problem+json</c>) with these statuses.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            route.Produces<PulangProblem>(status, "application/problem+json");
        }

        return route;
    }

    /// <summary>
    /// A case command (<see cref="CaseEndpoints"/>' command path): body <typeparamref name="TRequest"/>, the case as the caller
    /// sees it (200) or <see cref="CommandPending"/> (202), the <c>Idempotency-Key</c> and <c>Prefer</c> headers, and the
    /// problems every command can answer (400, 404, 409, 413, 415, 422; 401 and 403 from <see cref="Api"/>).
    /// </summary>
    public static RouteHandlerBuilder Command<TRequest>(this RouteHandlerBuilder route, bool optionalBody = false) where TRequest : notnull =>
        route.Body<TRequest>(optionalBody).Returns<Domain.CaseState>(200).Returns<CommandPending>(202).Problems(400, 404, 409, 413, 415, 422)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(Header("Idempotency-Key", "At most 100 printable characters: the same key from the same caller is the same command (answered once)."));
                operation.Parameters.Add(Header("Prefer", "RFC 7240: `respond-async` answers 202 at once; `wait=N` waits at most N seconds for the decision."));
                return Task.CompletedTask;
            });

    /// <summary>A query parameter the handler reads from the request itself (not a handler argument).</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder route, string name, string description) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Query, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
            return Task.CompletedTask;
        });

    /// <summary>A body that is not JSON: <paramref name="contentTypes"/> with a binary (or text) schema.</summary>
    public static RouteHandlerBuilder RawBody(this RouteHandlerBuilder route, string description, params string[] contentTypes) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var body = operation.RequestBody as OpenApiRequestBody ?? new OpenApiRequestBody { Required = true };
            body.Description ??= description;
            body.Content ??= new Dictionary<string, OpenApiMediaType>();
            operation.RequestBody = body;
            foreach (var type in contentTypes)
            {
                body.Content[type] = new OpenApiMediaType
                {
                    Schema = type.StartsWith("text/", StringComparison.Ordinal)
                        ? new OpenApiSchema { Type = JsonSchemaType.String }
                        : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                };
            }

            return Task.CompletedTask;
        });

    /// <summary>A non-JSON answer (a PDF, a scan, an HTML page) with status <paramref name="status"/>.</summary>
    public static RouteHandlerBuilder ReturnsFile(this RouteHandlerBuilder route, int status, params string[] contentTypes) =>
        route.Produces(status, null, contentTypes[0], contentTypes[1..]);

    static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
}
