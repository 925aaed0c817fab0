using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows;

/// <summary>The one registration of Pulang's shared services, called by both hosts.</summary>
public static class PulangServices
{
    /// <summary>
    /// Registers options (section <c>Pulang</c>), the case index, the case service, uploads, incoming
    /// scans, the intake queue handler and the OCR engine. The host registers <see cref="PulangStorage"/> (connection string or managed
    /// identity) and a <see cref="Microsoft.DurableTask.Client.DurableTaskClient"/> (singleton in the self-host;
    /// per invocation in Functions, hence the scoped services here).
    /// </summary>
    public static IServiceCollection AddPulangWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PulangOptions>(configuration.GetSection(PulangOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CaseIndex>();
        services.TryAddSingleton<Audit.AuditLog>();
        services.TryAddSingleton<Http.DownloadLinks>();
        services.TryAddScoped<CaseService>();
        services.TryAddScoped<DocumentUploads>();
        services.TryAddScoped<IntakeQueue>();
        services.TryAddSingleton<IOcrEngine>(_ => CreateOcrEngine(configuration));
        services.TryAddScoped<IncomingScans>();
        return services;
    }

    /// <summary>
    /// The OCR engine from configuration: <c>Pulang:Ocr:Engine</c> = <c>tesseract</c> (the default and, for now,
    /// the only engine); its settings from <c>Pulang:Ocr:Tesseract</c> (<see cref="TesseractOptions"/>), with
    /// <c>MaxPages</c> from <c>Pulang:MaxPagesPerDocument</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">An unknown engine is configured.</exception>
    public static IOcrEngine CreateOcrEngine(IConfiguration configuration)
    {
        var engine = configuration["Pulang:Ocr:Engine"] ?? "tesseract";
        if (!string.Equals(engine, "tesseract", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Pulang:Ocr:Engine '{engine}' is not known; use 'tesseract'.");
        }

        var options = configuration.GetSection("Pulang:Ocr:Tesseract").Get<TesseractOptions>() ?? new TesseractOptions();
        options.MaxPages = configuration.GetValue("Pulang:MaxPagesPerDocument", options.MaxPages);
        return new TesseractOcrEngine(options);
    }
}
