using Azure.Core;
using Azure.Core.Serialization;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Pulang.Web.Hosting;
using Pulang.Workflows;
using Pulang.Workflows.Http;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Storage;

namespace Pulang.Functions.Hosting;

/// <summary>The Function App's service registration: the shared one plus what only this host decides.</summary>
public static class FunctionsServices
{
    /// <summary>The connection name every trigger and the Durable Task extension use (<c>AzureWebJobsStorage</c>).</summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    /// <summary>
    /// Registers <see cref="PulangServices.AddPulangWorkflows"/>, the worker serializer (Pulang's JSON, which the
    /// Durable extension also turns into its DataConverter, so payloads match the self-host's
    /// <see cref="PulangJson.DataConverter"/>), <see cref="PulangStorage"/> from <c>AzureWebJobsStorage</c> (a connection
    /// string, or <c>AzureWebJobsStorage__accountName</c> / <c>__blobServiceUri</c>... with a managed identity), the
    /// per-invocation <see cref="DurableTaskClient"/>, the OCR engine, and the web app's services
    /// (<see cref="WebServices.AddPulangWeb"/>: anti-forgery, the session cookie, thumbnails).
    /// </summary>
    public static IServiceCollection AddPulangFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        // Scans are downloaded straight from Blob Storage with a SAS on one blob (user delegation in Azure).
        services.TryAddSingleton<IDownloadLinkIssuer, BlobSasDownloadLinks>();
        services.AddPulangWorkflows(configuration);
        services.TryAddSingleton(_ => RateLimits.Create(RateLimits.Options(configuration)));

        // The Durable extension builds its DataConverter from WorkerOptions.Serializer (and binds activity inputs
        // with it directly), so this is the one place to make Durable payloads Pulang's JSON.
        services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(PulangJson.Options));

        services.TryAddSingleton(sp => CreateStorage(sp.GetRequiredService<IConfiguration>()));
        services.AddHostedService<LocalStorageSetup>();

        // The [DurableClient] binding hands each invocation its own client; the trigger puts it in the scope,
        // and the scoped services (CaseService, DocumentUploads, IntakeQueue) take it from there.
        services.AddScoped<DurableClientScope>();
        // (Wrapped: the container disposes what a scoped factory returns; the extension's client is not ours.)
        services.AddScoped<DurableTaskClient>(sp => new BorrowedDurableTaskClient(sp.GetRequiredService<DurableClientScope>().Client));

        // Bearer tokens validated in the worker as in the self-host, when an authority (Entra ID) is configured.
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            services.AddPulangJwtBearer(auth);
        }

        // The web app as in the self-host: anti-forgery (cookie and form token), the page thumbnails' cache, and the session
        // cookie read as the bearer token outside /api (CallerAuthenticationMiddleware asks the JWT bearer handler for it).
        services.AddPulangWeb(configuration);
        if (AppServiceSignIn.IsOn(configuration))
        {
            // People sign in through App Service Authentication (Entra ID, infra/main.bicep); the pages send them there.
            services.AddSingleton<IExternalSignIn>(AppServiceSignIn.From(configuration));
        }

        return services;
    }

    /// <summary>
    /// <see cref="PulangStorage"/> for the <c>AzureWebJobsStorage</c> connection: a connection string (Azurite,
    /// <c>UseDevelopmentStorage=true</c>) or identity-based settings (<c>AzureWebJobsStorage__accountName</c>, or the
    /// three <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>; <c>__clientId</c> picks a
    /// user-assigned identity, otherwise <see cref="DefaultAzureCredential"/>, i.e. the system-assigned identity).
    /// </summary>
    public static PulangStorage CreateStorage(IConfiguration configuration)
    {
        if (configuration[StorageConnection] is { Length: > 0 } connectionString)
        {
            return new PulangStorage(connectionString);
        }

        var section = configuration.GetSection(StorageConnection);
        var account = section["accountName"];
        Uri Endpoint(string service) => section[$"{service}ServiceUri"] is { Length: > 0 } uri ? new Uri(uri)
            : !string.IsNullOrEmpty(account) ? new Uri($"https://{account}.{service}.core.windows.net")
            : throw new InvalidOperationException($"Set {StorageConnection} (a connection string) or {StorageConnection}__accountName (managed identity).");
        TokenCredential credential = section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        return new PulangStorage(Endpoint("blob"), Endpoint("queue"), Endpoint("table"), credential);
    }

    /// <summary>
    /// Locally (a connection string, e.g. Azurite) creates Pulang's containers, tables and queues at start; in Azure
    /// the Bicep deployment creates them and the app's identity has data-plane roles only.
    /// </summary>
    sealed class LocalStorageSetup(IConfiguration configuration, PulangStorage storage) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            string.IsNullOrEmpty(configuration[StorageConnection]) ? Task.CompletedTask : storage.EnsureCreatedAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// Holds the <see cref="DurableTaskClient"/> of the current invocation (from its <c>[DurableClient]</c> binding).
/// Scoped: one per function invocation; the trigger sets it before calling shared code.
/// </summary>
public sealed class DurableClientScope
{
    DurableTaskClient? client;

    /// <summary>The invocation's client; throws when a trigger forgot to bind one.</summary>
    public DurableTaskClient Client
    {
        get => client ?? throw new InvalidOperationException("This function has no [DurableClient] binding; the shared services need one.");
        set => client = value;
    }

    /// <summary>Puts <paramref name="client"/> in the scope of <paramref name="services"/> (the invocation's services).</summary>
    public static void Use(IServiceProvider services, DurableTaskClient client) =>
        services.GetRequiredService<DurableClientScope>().Client = client;
}
