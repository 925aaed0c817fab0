using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows;

/// <summary>The one registration of Pulang's shared services, called by both hosts.</summary>
public static class PulangServices
{
    /// <summary>
    /// Registers options (section <c>Pulang</c>), the case index, the case service, uploads, incoming
    /// scans, the intake queue handler, manifests and the OCR engine. The host registers <see cref="PulangStorage"/> (connection string or managed
    /// identity) and a <see cref="Microsoft.DurableTask.Client.DurableTaskClient"/> (singleton in the self-host;
    /// per invocation in Functions, hence the scoped services here).
    /// </summary>
    public static IServiceCollection AddPulangWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PulangOptions>(configuration.GetSection(PulangOptions.Section));
        EnsureRemindersValid(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CaseIndex>();
        services.TryAddSingleton<Audit.AuditLog>();
        services.TryAddSingleton<Http.DownloadLinks>();
        services.TryAddSingleton<Http.IDownloadLinkIssuer>(sp => sp.GetRequiredService<Http.DownloadLinks>());
        services.TryAddSingleton<PendingCommands>();
        services.TryAddScoped<CaseService>();
        services.TryAddSingleton<Audit.RefusalAudit>();
        services.TryAddScoped<CaseCommands>();
        services.TryAddScoped<DocumentUploads>();
        services.TryAddScoped<IntakeQueue>();
        EnsureOcrEngineAllowed(configuration);
        services.TryAddSingleton<IOcrEngine>(_ => CreateOcrEngine(configuration));
        services.TryAddScoped<IncomingScans>();
        services.TryAddSingleton<Activities.ScanReader>();
        // Scoped: it takes the DurableTaskClient, a singleton in the self-host and per invocation in Functions.
        services.TryAddScoped<ScanReadingQueue>();
        services.TryAddSingleton<Manifests.ManifestStore>();
        services.TryAddScoped<Manifests.ManifestService>();
        services.TryAddScoped<Manifests.ManifestBlobs>();
        services.Configure<Retention.RetentionOptions>(configuration.GetSection(Retention.RetentionOptions.Section));
        services.TryAddTransient<Retention.CasePurge>();
        // The self-host registers its own (with its data directory); Functions reads the setting (a Key Vault reference).
        services.TryAddSingleton(_ => Letters.ReleaseKey.Load(configuration, null));
        services.TryAddSingleton<Events.WebhookStore>();
        services.TryAddSingleton<Events.EventGridSender>();
        services.TryAddSingleton<Events.WebhookHandshake>();
        // Transient: it takes the DurableTaskClient, a singleton in the self-host and per invocation in Functions.
        services.TryAddTransient<Events.CaseEventPublisher>();
        services.AddHttpClient(Events.DeliverWebhookActivity.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        return services;
    }

    /// <summary>
    /// The OCR engine from configuration, <c>Pulang:Ocr:Engine</c>:
    /// <list type="bullet">
    /// <item><c>tesseract</c> (the default): settings from <c>Pulang:Ocr:Tesseract</c> (<see cref="TesseractOptions"/>), with
    /// <c>MaxPages</c> from <c>Pulang:MaxPagesPerDocument</c> and <c>MaxConcurrency</c> (external processes at once) from
    /// <c>Pulang:MaxConcurrentOcrJobs</c>.</item>
    /// <item><c>documentintelligence</c>: Azure AI Document Intelligence REST <c>2024-11-30</c>, settings from
    /// <c>Pulang:Ocr:DocumentIntelligence</c> (<see cref="DocumentIntelligenceOptions"/>): with <c>Key</c> set, key authentication;
    /// else Entra ID through a managed identity (<c>ManagedIdentityClientId</c> for a user-assigned one) or, outside Azure,
    /// the developer credential chain.</item>
    /// <item><c>embedded-text</c>: for benchmarks and tests only, <see cref="EmbeddedTextOcrEngine"/> (returns the text embedded
    /// in generated PNG scans; reads no pixels); refused unless <c>Pulang:Ocr:AllowTestEngines</c> is <c>true</c>
    /// (<see cref="EnsureOcrEngineAllowed"/>).</item>
    /// </list>
    /// Either engine is wrapped in a <see cref="ConcurrencyLimitedOcrEngine"/> that lets <c>Pulang:MaxConcurrentOcrJobs</c>
    /// (default: the processor count) analyses run at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// An unknown engine is configured, a test-only engine without <c>Pulang:Ocr:AllowTestEngines</c>, Document Intelligence
    /// without an endpoint, or <c>Pulang:MaxConcurrentOcrJobs</c> below 1.
    /// </exception>
    public static IOcrEngine CreateOcrEngine(IConfiguration configuration)
    {
        var jobs = configuration.GetValue(PulangOptions.Section + ":" + nameof(PulangOptions.MaxConcurrentOcrJobs), Environment.ProcessorCount);
        if (jobs < 1)
        {
            throw new InvalidOperationException($"Pulang:MaxConcurrentOcrJobs is {jobs}; it must be at least 1.");
        }

        return new ConcurrencyLimitedOcrEngine(CreateEngine(configuration, jobs), jobs);
    }

    static IOcrEngine CreateEngine(IConfiguration configuration, int jobs)
    {
        var engine = configuration["Pulang:Ocr:Engine"] ?? "tesseract";
        if (string.Equals(engine, "documentintelligence", StringComparison.OrdinalIgnoreCase))
        {
            var di = configuration.GetSection("Pulang:Ocr:DocumentIntelligence").Get<DocumentIntelligenceOptions>() ?? new DocumentIntelligenceOptions();
            if (di.Endpoint is null) throw new InvalidOperationException("Pulang:Ocr:DocumentIntelligence:Endpoint is required for the documentintelligence engine.");
            if (!string.IsNullOrEmpty(di.Key)) return new DocumentIntelligenceOcrEngine(di);
            Azure.Core.TokenCredential credential = string.IsNullOrEmpty(di.ManagedIdentityClientId)
                ? new Azure.Identity.DefaultAzureCredential()
                : new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(di.ManagedIdentityClientId));
            return new DocumentIntelligenceOcrEngine(di, credential);
        }
        if (string.Equals(engine, "embedded-text", StringComparison.OrdinalIgnoreCase))
        {
            EnsureOcrEngineAllowed(configuration);
            return new EmbeddedTextOcrEngine();
        }

        if (!string.Equals(engine, "tesseract", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Pulang:Ocr:Engine '{engine}' is not known; use 'tesseract' or 'documentintelligence' ('embedded-text' for benchmarks and tests).");
        }

        var options = configuration.GetSection("Pulang:Ocr:Tesseract").Get<TesseractOptions>() ?? new TesseractOptions();
        options.MaxPages = configuration.GetValue("Pulang:MaxPagesPerDocument", options.MaxPages);
        options.MaxConcurrency = jobs;
        return new TesseractOcrEngine(options);
    }

    /// <summary>
    /// Refuses, at registration (so both hosts stop at start, before any case takes them), reminder settings that cannot
    /// work (<see cref="ReminderOptions.Checked"/>): an interval of zero or less would remind in a loop, fewer than one
    /// reminder would make every case overdue at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">Names each bad <c>Pulang:Reminders</c> setting and what it must be.</exception>
    public static void EnsureRemindersValid(IConfiguration configuration) =>
        (configuration.GetSection(ReminderOptions.Section).Get<ReminderOptions>() ?? new ReminderOptions()).Checked();

    /// <summary>The setting that lets a test-only OCR engine run: <c>Pulang:Ocr:AllowTestEngines</c> (<c>Pulang__Ocr__AllowTestEngines=true</c>).</summary>
    public const string AllowTestEnginesSetting = "Pulang:Ocr:AllowTestEngines";

    /// <summary>
    /// Refuses, at registration (so both hosts stop at start), the test-only <c>embedded-text</c> engine unless
    /// <c>Pulang:Ocr:AllowTestEngines</c> is <c>true</c>: it trusts text embedded in a PNG and reads no pixels, so in
    /// production any uploaded PNG could claim any passport. The tests, the crash test and the benchmarks set the switch.
    /// </summary>
    /// <exception cref="InvalidOperationException">The engine is <c>embedded-text</c> and the switch is not <c>true</c>.</exception>
    public static void EnsureOcrEngineAllowed(IConfiguration configuration)
    {
        var engine = configuration["Pulang:Ocr:Engine"];
        if (string.Equals(engine, "embedded-text", StringComparison.OrdinalIgnoreCase) && !(bool.TryParse(configuration[AllowTestEnginesSetting], out var allowed) && allowed))
        {
            throw new InvalidOperationException(
                "Pulang:Ocr:Engine 'embedded-text' is a test-only engine (it returns text embedded in generated PNG scans and reads no pixels) " +
                "and is refused outside a test or benchmark environment. Use 'tesseract' or 'documentintelligence'; in tests and benchmarks set " +
                "Pulang__Ocr__AllowTestEngines=true.");
        }
    }
}
