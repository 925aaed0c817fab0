using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.DurableTask.Client;
using Pulang.SelfHost.Durable;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Resilience;

/// <summary>
/// The same thing arriving twice takes effect once, on the real self-host process: an intake message (over HTTP and
/// on the intake queue, at the same moment and later), a scan uploaded twice, a blob reported twice to the import
/// path, and a command re-sent with the same Idempotency-Key after the client gave up waiting.
/// </summary>
public sealed class DuplicateTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_intake_twice_over_HTTP_and_twice_from_the_queue_makes_one_case()
    {
        var hub = TestStorage.NewTaskHub("dupintake");
        await using var host = new SelfHostProcess(storage.ConnectionString, hub);
        await host.StartAsync();
        await using var sp = WorkflowServices(hub);
        var reference = $"DUP-INTAKE-{Guid.NewGuid():N}";
        var intake = host.Tokens.MintDemo("embassy-kl-manifest");

        // Twice over HTTP and twice through the intake queue's handler (what the listener and the queue trigger call
        // for each delivery; called directly so no other test's process on the shared queue takes the messages).
        var message = JsonSerializer.Serialize(EndToEndTests.Intake(reference));
        async Task<string> QueueAsync(int delivery)
        {
            await using var scope = sp.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<IntakeQueue>().HandleOrPoisonAsync(message, delivery, Ct);
            Assert.Null(outcome.PoisonReason);
            return outcome.CaseId!;
        }

        var posts = Enumerable.Range(0, 2).Select(_ => host.Client.JsonAsync(HttpMethod.Post, "/api/cases", intake, EndToEndTests.Intake(reference), ct: Ct)).ToList();
        var fromQueue = await Task.WhenAll(QueueAsync(1), QueueAsync(1));
        var answers = await Task.WhenAll(posts);
        Assert.All(answers, a => a.EnsureSuccess());
        var caseId = answers[0].Json.GetProperty("caseId").GetString()!;
        Assert.All(answers.Select(a => a.Json.GetProperty("caseId").GetString()).Concat(fromQueue), id => Assert.Equal(caseId, id));
        Assert.True(answers.Count(a => a.Status == HttpStatusCode.Created) <= 1);

        // Later, the same message delivered again and the same request sent again: the same case.
        var state = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromMinutes(2), Ct);
        Assert.Equal(caseId, await QueueAsync(2));
        var again = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", intake, EndToEndTests.Intake(reference), ct: Ct)).EnsureSuccess();
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(caseId, again.Json.GetProperty("caseId").GetString());

        var index = new TableClient(storage.ConnectionString, PulangStorage.CasesTable);
        var rows = new List<string>();
        await foreach (var row in index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ExternalReference eq {reference}"), cancellationToken: Ct))
        {
            rows.Add(row.RowKey);
        }

        Assert.Equal([caseId], rows);
        Assert.Equal(1, await CaseOrchestrationsAsync(hub));
        Assert.Empty(state.History);
    }

    async Task<int> CaseOrchestrationsAsync(string hub)
    {
        var count = 0;
        await foreach (var _ in new TableClient(storage.ConnectionString, $"{hub}Instances").QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Name eq {"CaseOrchestration"}"), cancellationToken: Ct))
        {
            count++;
        }

        return count;
    }

    /// <summary>Pulang's shared services in this process, with a client (no worker) on the self-host's task hub: the process runs what they schedule.</summary>
    ServiceProvider WorkflowServices(string hub)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pulang:TaskHub"] = hub }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPulangWorkflows(config);
        services.AddSingleton(new PulangStorage(storage.ConnectionString) { EventsQueueName = SelfHostProcess.EventsQueueFor(hub) });
        var provider = new AzureStorageOrchestrationService(DurableEngine.Settings(new PulangOptions { TaskHub = hub }, new EngineOptions { WorkerId = "duplicate-tests" }, storage.ConnectionString, NullLoggerFactory.Instance));
        services.AddSingleton<DurableTaskClient>(new CoreDurableTaskClient(provider, PulangJson.DataConverter));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_same_scan_uploaded_twice_at_once_becomes_one_document()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("dupscan"));
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);
        var caseId = await driver.IntakeAsync($"DUP-SCAN-{Guid.NewGuid():N}", Ct);
        var uploader = host.Tokens.MintDemo("sentra-intake-officer");
        var scan = CaseDriver.BlankPng(200, 120);

        var uploads = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
        {
            var content = new ByteArrayContent(scan);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            return host.Client.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/ktp", uploader, content, ct: Ct);
        }));
        Assert.All(uploads, u => Assert.Equal(HttpStatusCode.Accepted, u.Status));
        var documentIds = uploads.Select(u => u.Json.GetProperty("documentId").GetString()!).ToList();
        Assert.Equal(2, documentIds.Distinct().Count());

        // Both scans are read and reported to the case; the second is recognized by its bytes.
        var state = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"),
            s => documentIds.All(d => s.History.Any(h => h.CommandId == $"scanned:{d}")), TimeSpan.FromMinutes(4), Ct);
        var document = Assert.Single(state.Documents);
        Assert.Equal(DocumentKind.Ktp, document.Kind);
        Assert.Contains(state.History, h => h.Detail.StartsWith("duplicate of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_blob_reported_twice_at_once_and_again_later_is_stored_and_read_once()
    {
        var hub = TestStorage.NewTaskHub("dupblob");
        await using var host = new SelfHostProcess(storage.ConnectionString, hub);
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);
        var caseId = await driver.IntakeAsync($"DUP-BLOB-{Guid.NewGuid():N}", Ct);
        await driver.ReadAsync(caseId, Ct);

        // The import path as the Function App's blob trigger calls it, against the self-host's task hub (the process runs the scan).
        await using var sp = WorkflowServices(hub);

        var incoming = new BlobContainerClient(storage.ConnectionString, PulangStorage.IncomingContainer);
        await incoming.CreateIfNotExistsAsync(cancellationToken: Ct);
        var blob = incoming.GetBlobClient($"{caseId}/passport/scan-0001.png");
        await blob.UploadAsync(BinaryData.FromBytes(CaseDriver.BlankPng(220, 140)), Ct);

        async Task<IncomingScanOutcome> ReportAsync()
        {
            await using var scope = sp.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IncomingScans>().HandleAsync(blob, caseId, "passport", Ct);
        }

        var first = await Task.WhenAll(ReportAsync(), ReportAsync());
        var later = await ReportAsync();
        var outcomes = first.Append(later).ToList();
        Assert.All(outcomes, o => Assert.Null(o.Rejection));
        var documentId = Assert.Single(outcomes.Select(o => o.Scan!.DocumentId).Distinct());

        var state = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.Documents.Count > 0, TimeSpan.FromMinutes(4), Ct);
        var document = Assert.Single(state.Documents);
        Assert.Equal(documentId, document.DocumentId);
        var scans = new List<string>();
        await foreach (var b in new BlobContainerClient(storage.ConnectionString, PulangStorage.ScansContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, caseId + "/", Ct))
        {
            if (!b.Name.EndsWith(".analysis.json", StringComparison.Ordinal)) scans.Add(b.Name);
        }

        Assert.Equal([$"{caseId}/{documentId}"], scans);
        Assert.Single(state.History, h => h.Command == "documentScanned");
    }

    [Fact]
    public async Task A_command_re_sent_after_the_client_gave_up_waiting_takes_effect_once()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("dupcmd"));
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);
        var caseId = await driver.IntakeAsync($"DUP-CMD-{Guid.NewGuid():N}", Ct);
        await driver.ReadAsync(caseId, Ct);
        var investigator = host.Tokens.MintDemo("police-liaison");
        const string key = "hold-once";

        // The first attempt is abandoned by the client while the service is still waiting for the case.
        using (var impatient = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            impatient.CancelAfter(TimeSpan.FromMilliseconds(150));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", investigator, new { reason = "check the agency" }, key, impatient.Token));
        }

        // Re-sent with the same key, twice (once at the same moment as another re-send).
        var resent = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", investigator, new { reason = "check the agency" }, key, Ct)));
        var last = await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", investigator, new { reason = "check the agency" }, key, Ct);
        Assert.All(resent.Append(last), r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, r.Body));

        var state = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.Holds.Count > 0, TimeSpan.FromMinutes(2), Ct);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        state = (await host.Client.GetAsync($"/api/cases/{caseId}", host.Tokens.MintDemo("bp3mi-reader"), Ct)).EnsureSuccess().Case;
        var hold = Assert.Single(state.Holds);
        Assert.Equal(Stage.OnHold, state.ShownStage);
        Assert.Single(state.History, h => h.Command == "holdPlaced");
        Assert.Equal(1, state.Version);

        // The events queue has the on-hold event once per delivery, always with the same ID.
        var onHold = (await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, host.TaskHub, caseId, Ct))
            .Where(e => e.Type == "id.go.pulang.case.on-hold.v1").Select(e => e.Id).Distinct().ToList();
        Assert.Equal([$"{caseId}:on-hold:{hold.HoldId}"], onHold);
    }
}
