using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pulang.Workflows.Cases;
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
        services.TryAddScoped<CaseService>();
        services.TryAddScoped<DocumentUploads>();
        services.TryAddScoped<IntakeQueue>();
        services.TryAddScoped<IncomingScans>();
        return services;
    }
}
