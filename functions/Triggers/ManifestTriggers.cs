using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulang.Functions.Hosting;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Http;
using Pulang.Workflows.Manifests;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Functions.Triggers;

/// <summary>
/// Manifests in the Function App: the two HTTP routes, the orchestration and its activity, and the blob trigger on the
/// <c>manifests</c> container. Each delegates to the same shared code the self-host runs.
/// </summary>
public static class ManifestTriggers
{
    /// <summary>The blob path the manifest trigger watches (any name; <c>.csv</c> or <c>.json</c> says the format).</summary>
    public const string ManifestsPath = PulangStorage.ManifestsContainer + "/{name}";

    /// <summary><c>POST /api/manifests</c>: <see cref="CaseEndpoints.SubmitManifest"/>.</summary>
    [Function("SubmitManifest")]
    public static Task<IResult> SubmitManifest([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manifests")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, CaseEndpoints.SubmitManifest);

    /// <summary><c>GET /api/manifests/{manifestId}</c>: <see cref="CaseEndpoints.GetManifest"/>.</summary>
    [Function("GetManifest")]
    public static Task<IResult> GetManifest([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manifests/{manifestId}")] HttpRequest req, string manifestId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseEndpoints.GetManifest(http, manifestId));

    /// <summary>The manifest orchestration (instance ID = manifest ID).</summary>
    [Function(nameof(ManifestOrchestration))]
    public static Task<ManifestCounts> RunManifestOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ManifestOrchestration().RunAsync(context, context.GetInput<ManifestInput>()!);

    /// <summary><see cref="StartManifestLinesActivity"/>: it starts cases, so it takes a Durable client like the HTTP triggers.</summary>
    [Function(StartManifestLinesActivity.Name)]
    public static Task<ManifestCounts> RunStartManifestLines([ActivityTrigger] ManifestBatch input, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        DurableClientScope.Use(context.InstanceServices, client);
        return WorkflowTriggers.RunActivityAsync<StartManifestLinesActivity, ManifestBatch, ManifestCounts>(StartManifestLinesActivity.Name, input, context);
    }

    /// <summary>
    /// A manifest file dropped in the <c>manifests</c> container (Event Grid source, as for incoming scans; the Bicep wires
    /// the subscription) goes the same way as <c>POST /api/manifests</c> (<see cref="ManifestBlobs"/>); a file that cannot be
    /// read is recorded as rejected under its manifest ID and logged.
    /// </summary>
    [Function("IncomingManifest")]
    public static async Task IncomingManifest(
        [BlobTrigger(ManifestsPath, Source = BlobTriggerSource.EventGrid, Connection = FunctionsServices.StorageConnection)] BlobClient blob,
        string name, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        DurableClientScope.Use(context.InstanceServices, client);
        var outcome = await context.InstanceServices.GetRequiredService<ManifestBlobs>().HandleAsync(blob, context.CancellationToken);
        var logger = context.GetLogger("Pulang.Functions.IncomingManifest");
        logger.LogInformation("Manifest blob {Name}: {Outcome}", Pulang.Workflows.LogSafe.Mask(name), Pulang.Workflows.LogSafe.Mask(outcome));
    }
}
