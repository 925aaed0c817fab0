using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Pulang.Workflows.Http;

/// <summary>
/// A problem answer as the API writes it (RFC 9457, <c>application/problem+json</c>), for the OpenAPI document: the standard
/// members, the stable <c>code</c> (one of <see cref="ProblemCatalog"/>) and the extensions some problems carry.
/// </summary>
/// <param name="Type"><c>urn:pulang:problem:{code}</c>.</param>
/// <param name="Title">Short summary of the problem type.</param>
/// <param name="Status">HTTP status.</param>
/// <param name="Detail">What went wrong and what to do.</param>
/// <param name="Code">Stable code, e.g. <c>case.not-found</c>.</param>
/// <param name="Errors"><c>request.invalid</c>: an object of messages by field name; a decider refusal with several problems:
/// an array of <c>{code, field?, message, expected?, actual?}</c>.</param>
/// <param name="CaseId"><c>intake.conflict</c>: the case the external reference belongs to.</param>
/// <param name="Fields"><c>intake.conflict</c>: the JSON names of the fields that differ (never their values).</param>
public sealed record PulangProblem(string Type, string Title, int Status, string Code, string? Detail = null, JsonElement? Errors = null, string? CaseId = null, IReadOnlyList<string>? Fields = null);

/// <summary>
/// The OpenAPI 3.1 document of Pulang's API (<c>Microsoft.AspNetCore.OpenApi</c>), built from the routes' metadata
/// (<see cref="ApiRouteMetadata"/>). The self-host serves it live at <see cref="Route"/>; the build writes it
/// (<c>Microsoft.Extensions.ApiDescription.Server</c>) and <c>docs/openapi/pulang.json</c> is that file, which the Function App
/// serves at the same path.
/// </summary>
public static class ApiDocument
{
    /// <summary>Where both hosts serve the document.</summary>
    public const string Route = "/api/openapi.json";

    /// <summary>The document's name (ASP.NET Core's default).</summary>
    public const string Name = "v1";

    /// <summary>The bearer scheme's name in <c>components.securitySchemes</c>.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>
    /// Registers the document: only routes marked by <see cref="ApiRouteMetadata.Api"/>, a bearer scheme required by every
    /// operation but the anonymous ones, enums as camelCase strings (as <see cref="PulangJson"/> writes them), the problem
    /// types, and no <c>servers</c> (so the live document equals the committed one).
    /// </summary>
    public static IServiceCollection AddPulangOpenApi(this IServiceCollection services)
    {
        // The schema generator reads the HTTP JSON options: enums as PulangJson writes them (Pulang's handlers use PulangJson).
        // Numbers as numbers: Pulang's answers write them so (reading them from strings, as the web defaults allow, is no matter here).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        return services.AddOpenApi(Name, o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.ShouldInclude = d => d.ActionDescriptor.EndpointMetadata.OfType<ApiRouteMetadata.Marker>().Any();
            o.AddDocumentTransformer(DescribeAsync);
            o.AddSchemaTransformer(DescribeProblemAsync);
            o.AddSchemaTransformer(NullableIsOptionalAsync);
            o.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiRouteMetadata.Marker>().FirstOrDefault() is { Anonymous: true })
                {
                    operation.Security = [];
                }

                return Task.CompletedTask;
            });
        });
    }

    static Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Pulang API",
            Version = "1",
            Description = "Kasus pemulangan PMI dari intake sampai rilis (cases of repatriated migrant workers from intake to release). "
                + "Every error is an RFC 9457 problem (`application/problem+json`) with a stable `code`: see the `PulangProblem` schema. "
                + "Sign in with a bearer token (Entra ID in Azure; `pulang token` on a self-host). docs/api.md describes the API.",
        };
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token with Pulang's roles in the roles claim.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        // Again on the finished components: a nullable reference property (oneOf null or $ref) is only complete here.
        foreach (var schema in document.Components.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            RemoveNullableFromRequired(schema);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A property that may be null is not required: <see cref="PulangJson"/> leaves null properties out of what it writes (the
    /// generator marks every constructor parameter required, null or not).
    /// </summary>
    static Task NullableIsOptionalAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        RemoveNullableFromRequired(schema);
        return Task.CompletedTask;
    }

    static void RemoveNullableFromRequired(OpenApiSchema schema)
    {
        if (schema.Required is not { Count: > 0 } required || schema.Properties is null)
        {
            return;
        }

        static bool Nullable(IOpenApiSchema s) =>
            (s.Type is { } t && t.HasFlag(JsonSchemaType.Null)) || (s.OneOf?.Any(o => o.Type is { } u && u.HasFlag(JsonSchemaType.Null)) ?? false)
            || (s.AnyOf?.Any(o => o.Type is { } u && u.HasFlag(JsonSchemaType.Null)) ?? false);
        foreach (var name in required.Where(n => schema.Properties.TryGetValue(n, out var p) && Nullable(p)).ToList())
        {
            required.Remove(name);
        }
    }

    static Task DescribeProblemAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonTypeInfo.Type != typeof(PulangProblem) || schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        var table = new StringBuilder("RFC 9457 problem details. The problem types (`code`, HTTP status, meaning):\n\n| code | status | meaning |\n| --- | --- | --- |\n");
        foreach (var p in ProblemCatalog.All)
        {
            table.Append($"| `{p.Code}` | {p.Status} | {p.Meaning.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }

        schema.Description = table.ToString();
        if (schema.Properties.TryGetValue("code", out var code) && code is OpenApiSchema c)
        {
            c.Enum = [.. ProblemCatalog.All.Select(p => (JsonNode)JsonValue.Create(p.Code)!)];
        }

        if (schema.Properties.TryGetValue("type", out var type) && type is OpenApiSchema t)
        {
            t.Pattern = "^urn:pulang:problem:[a-z0-9.-]+$";
        }

        return Task.CompletedTask;
    }
}
