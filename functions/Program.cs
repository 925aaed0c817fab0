using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Pulang.Functions.Hosting;
using Pulang.Workflows.Telemetry;

// Pulang as Durable Functions: the ASP.NET Core integration (HttpRequest in, IResult out, as the shared
// handlers expect), the shared services, and the caller of a validated bearer token as HttpContext.User.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<CallerAuthenticationMiddleware>();
builder.Services.AddPulangFunctions(builder.Configuration);
// OpenTelemetry: the worker's invocation spans (linked to the host's, host.json telemetryMode OpenTelemetry), Pulang's own
// spans and metrics, storage calls; to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set, by OTLP when
// OTEL_EXPORTER_OTLP_ENDPOINT is.
builder.Services.AddPulangTelemetry(builder.Configuration,
    tracing: t => t.AddSource("Microsoft.Azure.Functions.Worker"),
    export: otel =>
    {
        otel.UseFunctionsWorkerDefaults();
        if (string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            return false;
        }

        otel.UseAzureMonitorExporter();
        return true;
    });
builder.Build().Run();
