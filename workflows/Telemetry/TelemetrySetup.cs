using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Pulang.Workflows.Telemetry;

/// <summary>
/// OpenTelemetry for both hosts: Pulang's own source and meter (<see cref="PulangTelemetry"/>), outgoing HTTP, the Azure
/// SDK's storage calls (its <c>Azure.*</c> activity sources), and whatever the host adds (ASP.NET Core and
/// <c>DurableTask.Core</c> in the self-host, the Functions worker in Azure). Exporters:
/// <list type="bullet">
/// <item>OTLP with the standard settings (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>,
/// <c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_SERVICE_NAME</c>, …) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set;</item>
/// <item>the console when <c>Pulang:Telemetry:Console</c> is true (for looking, and for the test that scans every exported span
/// for personal data);</item>
/// <item>whatever the host adds (Azure Monitor in the Function App).</item>
/// </list>
/// With none of them nothing is collected beyond the in-process instruments.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The Azure SDK's experimental switch that makes its clients emit activities (storage calls as spans).</summary>
    public const string AzureActivitySwitch = "Azure.Experimental.EnableActivitySource";

    /// <summary>True when an OTLP endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public static bool OtlpConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// Registers OpenTelemetry tracing, metrics and (when exported) logs. <paramref name="tracing"/> and <paramref name="metrics"/>
    /// add the host's own sources; <paramref name="export"/> adds host-specific exporters and returns true if it added any.
    /// </summary>
    public static IServiceCollection AddPulangTelemetry(this IServiceCollection services, IConfiguration configuration,
        Action<TracerProviderBuilder>? tracing = null, Action<MeterProviderBuilder>? metrics = null, Func<IOpenTelemetryBuilder, bool>? export = null)
    {
        var otlp = OtlpConfigured(configuration);
        var console = configuration.GetValue("Pulang:Telemetry:Console", false);
        AppContext.SetSwitch(AzureActivitySwitch, true);
        services.AddHostedService<CaseStageGauge>();

        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "pulang"))
            .WithTracing(t =>
            {
                t.AddSource(PulangTelemetry.Name, Ocr.OcrTelemetry.SourceName, "Azure.*");
                t.AddHttpClientInstrumentation(o => o.RecordException = true);
                tracing?.Invoke(t);
                if (console) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(PulangTelemetry.Name);
                m.AddHttpClientInstrumentation();
                m.AddRuntimeInstrumentation();
                metrics?.Invoke(m);
                if (console) m.AddConsoleExporter();
            });

        var exported = export?.Invoke(builder) ?? false;
        if (otlp || exported || console)
        {
            builder.WithLogging(l =>
            {
                if (console) l.AddConsoleExporter();
            }, o => o.IncludeFormattedMessage = true);
        }

        if (otlp)
        {
            builder.UseOtlpExporter();
        }

        return services;
    }
}
