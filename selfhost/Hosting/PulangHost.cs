using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.DurableTask.Client;
using Pulang.SelfHost.Durable;
using Pulang.Web;
using Pulang.Web.Hosting;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Http;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Storage;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pulang.Workflows.Telemetry;
using Scalar.AspNetCore;

namespace Pulang.SelfHost.Hosting;

/// <summary>Builds the self-host: storage (Azurite by default), the Durable Task engine, the HTTP API, the intake listener and the watchers of <c>incoming</c> and <c>manifests</c>.</summary>
public static class PulangHost
{
    /// <summary>Where the self-host listens unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Default Azurite blob port (queue and table use the next two).</summary>
    public const int DefaultAzuritePort = 10000;

    /// <summary>
    /// Builds the app. Configuration: <c>appsettings.json</c>, environment (<c>Pulang__StorageConnectionString</c>,
    /// <c>Pulang__TaskHub</c>, ...), command line. With no storage connection string it starts (or reuses) Azurite
    /// on 127.0.0.1 (<c>Pulang:AzuritePort</c>, default 10000) with its data under the data directory.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (BuildTimeDocument)
        {
            // The build's OpenAPI pass (Microsoft.Extensions.ApiDescription.Server) runs this up to Build() and reads the routes:
            // no Azurite, no files in the repository's data directory (nothing connects to this storage).
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pulang:StorageConnectionString"] = "UseDevelopmentStorage=true",
                ["Pulang:DataDirectory"] = Path.Combine(Path.GetTempPath(), "pulang-openapi"),
            });
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Quiet defaults for chatty libraries; an explicit Logging:LogLevel:{category} in configuration wins.
        foreach (var category in new[] { "DurableTask", "Microsoft.DurableTask", "Azure", "Microsoft.AspNetCore" })
        {
            if (string.IsNullOrEmpty(builder.Configuration[$"Logging:LogLevel:{category}"]))
            {
                builder.Logging.AddFilter(category, LogLevel.Warning);
            }
        }

        configure?.Invoke(builder);

        var config = builder.Configuration;
        var services = builder.Services;
        services.AddPulangWorkflows(config);
        // Traces from the HTTP request through the Durable Task engine's orchestration and activity spans (DurableTask.Core's
        // own activity source) down to storage calls; exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
        services.AddPulangTelemetry(config,
            tracing: t => t.AddAspNetCoreInstrumentation(o => o.RecordException = true).AddSource("DurableTask.Core"),
            metrics: m => m.AddAspNetCoreInstrumentation());
        services.Configure<EngineOptions>(config.GetSection(EngineOptions.Section));
        var pulang = config.GetSection(PulangOptions.Section).Get<PulangOptions>() ?? new PulangOptions();
        var dataDirectory = DataDirectory(config);
        ListenGuard.Check(config, localIssuer: string.IsNullOrEmpty(config[$"{AuthOptions.Section}:{nameof(AuthOptions.Authority)}"]));

        var auth = config.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var local = string.IsNullOrEmpty(auth.Authority) ? LocalTokens.Load(auth, dataDirectory) : null;
        // The release letters' signing key: made only once the start is not refused (nothing is written before ListenGuard).
        services.AddSingleton(Pulang.Workflows.Letters.ReleaseKey.Load(config, dataDirectory));

        using var bootLogging = LoggerFactory.Create(l => l.AddConsole());
        var bootLogger = bootLogging.CreateLogger("Pulang");
        if (ReplicaSecrets.Warning(config, dataDirectory) is { } secretsWarning)
        {
            bootLogger.LogWarning("{Warning}", secretsWarning);
        }

        Azurite? azurite = null;
        var connection = pulang.StorageConnectionString;
        if (string.IsNullOrWhiteSpace(connection))
        {
            azurite = await Azurite.EnsureRunningAsync(config.GetValue("Pulang:AzuritePort", DefaultAzuritePort), Path.Combine(dataDirectory, "azurite"), bootLogger);
            connection = azurite.ConnectionString;
        }

        // Unique per start: a restarted container often has the same host name and process ID as the one it replaces.
        services.PostConfigure<EngineOptions>(o => o.WorkerId ??= $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}");
        services.AddSingleton(new StorageConnection(connection));
        services.AddSingleton(new PulangStorage(connection) { EventsQueueName = pulang.EventsQueue, ScanReadingQueueName = PulangStorage.ScanReadingQueueFor(pulang.TaskHub) });
        services.AddSingleton<DurableEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<DurableEngine>());
        services.AddSingleton<DurableTaskClient>(sp => sp.GetRequiredService<DurableEngine>().Client);
        services.AddHostedService<IntakeQueueListener>();
        services.AddHostedService<ScanReadingListener>();
        services.AddHostedService<Pulang.Workflows.Retention.RetentionSchedule>();
        if (config.GetValue("Pulang:WatchBlobs", true))
        {
            // Two instances of one type: AddHostedService would keep only the first.
            services.AddSingleton<IHostedService>(BlobDropWatcher.Incoming);
            services.AddSingleton<IHostedService>(BlobDropWatcher.Manifests);
        }
        services.AddProblemDetails(o => o.CustomizeProblemDetails = FrameworkProblem);

        services.PostConfigure<PulangOptions>(o => o.DownloadLinkKey = string.IsNullOrWhiteSpace(o.DownloadLinkKey)
            ? Convert.ToBase64String(LocalSecrets.LoadOrCreateKey(dataDirectory, "download-link-key")) : o.DownloadLinkKey);
        if (local is not null)
        {
            services.AddSingleton(local);
            services.AddSingleton<IDemoSignIn>(new LocalDemoSignIn(local));
            local.WriteDemoUsers(dataDirectory);
        }

        services.AddPulangJwtBearer(auth, local?.ValidationParameters());
        // Browser sign-in at the authority (Entra ID) when Pulang:Web:OpenIdConnect:ClientId is set; else demo users (local issuer).
        services.AddPulangBrowserSignIn(config, auth);
        services.AddPulangWeb(config);
        services.AddAuthorization();
        services.AddPulangOpenApi();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = RateLimits.Create(RateLimits.Options(config));
            o.OnRejected = (context, _) => new ValueTask(RateLimits.WriteRejectedAsync(context.HttpContext, context.Lease));
        });

        if (BuildTimeDocument)
        {
            // The build's OpenAPI pass starts the app (with a server that listens nowhere) to read its routes: none of Pulang's
            // own background work (engine, listeners, watchers) runs then.
            foreach (var d in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName?.StartsWith("Microsoft.", StringComparison.Ordinal) != true).ToList())
            {
                services.Remove(d);
            }
        }

        var app = builder.Build();
        if (azurite is { Owned: true })
        {
            app.Lifetime.ApplicationStopped.Register(() => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult());
        }

        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteUnhandledAsync });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication: limited per caller, not per address
        app.UseAuthorization();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapPulangApi().RequireAuthorization();
        app.MapPulangDownloads().AllowAnonymous();
        // The web app for people (docs/web.md): outside /api; its handlers check the session cookie themselves.
        app.MapPulangWeb();
        app.MapPulangLetterChecks().AllowAnonymous();
        // The OpenAPI document (live) and the API reference page (docs/api.md), both anonymous; Scalar's script from the package.
        app.MapOpenApi(ApiDocument.Route).AllowAnonymous();
        app.MapScalarApiReference("/api/reference", o => o.WithOpenApiRoutePattern(ApiDocument.Route).WithTitle("Pulang API").DisableDefaultFonts().DisableTelemetry())
            .AllowAnonymous();

        try
        {
            if (BuildTimeDocument) return app;
            await app.Services.GetRequiredService<PulangStorage>().EnsureCreatedAsync();
        }
        catch when (azurite is { Owned: true })
        {
            await azurite.DisposeAsync(); // the app never starts, so ApplicationStopped would not stop it
            throw;
        }

        return app;
    }

    /// <summary>True when the build's OpenAPI pass (GetDocument.Insider) runs the app only to read its routes.</summary>
    static bool BuildTimeDocument => System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary><c>Pulang:DataDirectory</c>, else <c>.pulang</c> in the repository root, else <c>~/.pulang</c>.</summary>
    public static string DataDirectory(IConfiguration config) =>
        config["Pulang:DataDirectory"] is { Length: > 0 } d ? Path.GetFullPath(d)
        : Azurite.RepositoryRoot() is { } root ? Path.Combine(root, ".pulang")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pulang");

    /// <summary>
    /// Errors that ASP.NET Core answers itself, before or around Pulang's handlers (no route, wrong method, a route or query
    /// value of the wrong form), get a stable <c>code</c>, a <c>urn:pulang:problem:</c> type and a detail like Pulang's own;
    /// problems Pulang wrote (they have a <c>code</c>) are left as they are.
    /// </summary>
    static void FrameworkProblem(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var request = context.HttpContext.Request;
        var route = $"{request.Method} {Problems.Shorten(request.Path.Value)}";
        var (code, detail) = (problem.Status ?? context.HttpContext.Response.StatusCode) switch
        {
            404 => ("route.unknown", $"No API route matches {route}; see docs/api.md."),
            405 => ("method.not-allowed", $"{route}: this route does not take {request.Method}."),
            400 => ("request.malformed", $"{route}: a route or query value has the wrong form (for example max must be a whole number)."),
            413 => ("request.too-large", "The request body is larger than the server accepts."),
            415 => ("request.media-type", "The request's Content-Type is not accepted here."),
            var other => ($"http.{other}", problem.Title ?? "The request was refused."),
        };
        problem.Type = $"urn:pulang:problem:{code}";
        problem.Detail ??= detail;
        problem.Extensions["code"] = code;
    }

    /// <summary>Unhandled errors as problem details: 503 while storage is unreachable, else 500 (details only in the log).</summary>
    static async Task WriteUnhandledAsync(HttpContext http) =>
        await Problems.Unhandled(http.Features.Get<IExceptionHandlerFeature>()?.Error, http.Response).ExecuteAsync(http);
}
