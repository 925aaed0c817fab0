using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulang.Functions.Hosting;
using Pulang.Functions.Triggers;
using Pulang.SelfHost.Durable;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Functions;

/// <summary>
/// Calls the Function App's trigger methods with real inputs against Azurite, with the Function App's own service
/// registration (<see cref="FunctionsServices.AddPulangFunctions"/>). In place of the Functions host's Durable
/// extension, the self-host's engine runs the orchestrations on a fresh task hub and its client is what the
/// <c>[DurableClient]</c> binding would pass: so these show the triggers reach the same workflow as the self-host.
/// </summary>
public sealed partial class FunctionsAdapterTests(TestStorage storage) : IAsyncLifetime
{
    ServiceProvider services = null!;
    DurableEngine engine = null!;

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["Pulang:TaskHub"] = TestStorage.NewTaskHub("fn"),
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(config);
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddPulangFunctions(config);
        collection.Configure<EngineOptions>(o => o.WorkerId = "functions-adapter-tests");
        collection.AddSingleton(new StorageConnection(storage.ConnectionString));
        collection.AddSingleton<DurableEngine>();
        // Here the self-host's engine runs the activities, outside any trigger invocation, so an activity that publishes
        // events (CommitDecision) takes the engine's client; in Azure its activity trigger binds [DurableClient] into the scope.
        collection.AddScoped(sp => new DurableClientScope { Client = sp.GetRequiredService<DurableEngine>().Client });
        services = collection.BuildServiceProvider();
        await services.GetRequiredService<PulangStorage>().EnsureCreatedAsync(Ct);
        engine = services.GetRequiredService<DurableEngine>();
        await engine.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await engine.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }

    /// <summary>A FunctionContext whose services are a fresh invocation scope, as the worker makes one per invocation.</summary>
    TestFunctionContext NewInvocation(IDictionary<string, object?>? bindingData = null) =>
        new(services.CreateScope().ServiceProvider, bindingData ?? new Dictionary<string, object?>());

    async Task<string> StartCaseThroughQueueTriggerAsync(string reference)
    {
        var body = JsonSerializer.Serialize(EndToEndTests.Intake(reference));
        var message = QueuesModelFactory.QueueMessage("m-" + reference, "pop", BinaryData.FromString(body), 1);
        await StorageTriggers.CaseIntake(message, engine.Client, NewInvocation());
        var row = await services.GetRequiredService<PulangStorage>().Intake.GetEntityAsync<Azure.Data.Tables.TableEntity>("ref",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(reference))), cancellationToken: Ct);
        return row.Value.GetString("CaseId");
    }

    async Task<CaseState> WaitForAsync(string caseId, Func<CaseState, bool> done)
    {
        for (var i = 0; ; i++)
        {
            await using var scope = services.CreateAsyncScope();
            DurableClientScope.Use(scope.ServiceProvider, engine.Client);
            var state = await scope.ServiceProvider.GetRequiredService<CaseService>().GetAsync(caseId, Ct);
            if (state is not null && done(state)) return state;
            if (i > 120) throw new TimeoutException($"Case {caseId} did not reach the expected state; last: {state?.Stage}");
            await Task.Delay(250, Ct);
        }
    }

    [Fact]
    public async Task Queue_trigger_starts_a_case_orchestration_and_the_same_message_twice_starts_one_case()
    {
        var reference = "FN-Q-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = await StartCaseThroughQueueTriggerAsync(reference);
        Assert.Equal(caseId, await StartCaseThroughQueueTriggerAsync(reference));
        var state = await WaitForAsync(caseId, s => s.Stage == Stage.DocumentsPending);
        Assert.Equal(reference, state.Intake.ExternalReference);
        var instance = await engine.Client.GetInstanceAsync(caseId, Ct);
        Assert.Equal("CaseOrchestration", instance!.Name);
    }

    [Fact]
    public async Task Queue_trigger_sends_a_bad_message_to_the_poison_queue_with_a_reason()
    {
        var marker = "not-json-" + Guid.NewGuid().ToString("N");
        var message = QueuesModelFactory.QueueMessage("m-" + marker, "pop", BinaryData.FromString(marker), 1);
        await StorageTriggers.CaseIntake(message, engine.Client, NewInvocation());

        var poison = new QueueClient(storage.ConnectionString, PulangStorage.IntakePoisonQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var found = (await poison.PeekMessagesAsync(32, Ct)).Value
            .Select(m => JsonSerializer.Deserialize<PoisonIntakeMessage>(m.Body.ToString(), PulangJson.Options)!)
            .SingleOrDefault(p => p.OriginalMessage == marker);
        Assert.NotNull(found);
        Assert.StartsWith("Not an intake JSON object", found.Reason);
    }

    /// <summary>
    /// Fires the Function App's <c>ScanReading</c> queue trigger as the host would, for the messages of <paramref name="caseId"/>'s
    /// scans on the scan-reading queue (others are put back): reads each one and deletes it, until at least one was read (2 min at most).
    /// </summary>
    async Task ReadQueuedScansAsync(string caseId)
    {
        var queue = services.GetRequiredService<PulangStorage>().ScanReading;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        var read = 0;
        while (read == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no scan of {caseId} was queued for reading within 2 min");
            foreach (var m in (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(2), Ct)).Value)
            {
                if (!m.Body.ToString().Contains(caseId, StringComparison.Ordinal))
                {
                    await queue.UpdateMessageAsync(m.MessageId, m.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: Ct);
                    continue;
                }

                await StorageTriggers.ScanReading(m, engine.Client, NewInvocation());
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, Ct);
                read++;
            }

            if (read == 0) await Task.Delay(250, Ct);
        }
    }

    [Fact]
    public async Task Blob_trigger_takes_an_incoming_scan_once_even_when_it_fires_twice()
    {
        var caseId = await StartCaseThroughQueueTriggerAsync("FN-B-" + Guid.NewGuid().ToString("N")[..8]);
        await WaitForAsync(caseId, s => s.Stage == Stage.DocumentsPending);
        var pulang = services.GetRequiredService<PulangStorage>();
        var incoming = pulang.Blobs.GetBlobContainerClient(PulangStorage.IncomingContainer).GetBlobClient($"{caseId}/passport/scan-0001.jpg");
        await incoming.UploadAsync(TestPaths.Scan("passport_datapage_200dpi.jpg"), Ct); // no Content-Type: taken from the extension

        var bindingData = new Dictionary<string, object?> { ["caseId"] = caseId, ["kind"] = "passport", ["name"] = "scan-0001.jpg" };
        await StorageTriggers.IncomingScan(incoming, caseId, "passport", engine.Client, NewInvocation(bindingData));
        await StorageTriggers.IncomingScan(incoming, caseId, "passport", engine.Client, NewInvocation(bindingData));
        await ReadQueuedScansAsync(caseId);

        var state = await WaitForAsync(caseId, s => s.Documents.Count > 0);
        var document = Assert.Single(state.Documents);
        Assert.Equal(DocumentKind.Passport, document.Kind);
        Assert.Equal(IncomingScans.Importer.Id, document.UploadedBy);
        Assert.Equal("image/jpeg", document.ContentType);
        var scans = new List<string>();
        await foreach (var b in pulang.Scans.GetBlobsAsync(BlobTraits.None, BlobStates.None, caseId + "/", Ct))
        {
            if (!b.Name.EndsWith(".analysis.json", StringComparison.Ordinal)) scans.Add(b.Name);
        }

        Assert.Equal([$"{caseId}/{document.DocumentId}"], scans);

        // A scan for a case that does not exist is refused and stores nothing.
        var stray = pulang.Blobs.GetBlobContainerClient(PulangStorage.IncomingContainer).GetBlobClient("PLG-0000000000/passport/x.jpg");
        await stray.UploadAsync(BinaryData.FromBytes([0xFF, 0xD8, 0xFF, 0xE0]), overwrite: true, Ct);
        await StorageTriggers.IncomingScan(stray, "PLG-0000000000", "passport", engine.Client, NewInvocation());
        Assert.False(await pulang.Scans.GetBlobsAsync(BlobTraits.None, BlobStates.None, "PLG-0000000000/", Ct).GetAsyncEnumerator(Ct).MoveNextAsync());
    }

    [Fact]
    public async Task Http_trigger_answers_through_the_shared_handler_with_the_same_errors()
    {
        var caseId = await StartCaseThroughQueueTriggerAsync("FN-H-" + Guid.NewGuid().ToString("N")[..8]);
        await WaitForAsync(caseId, s => s.Stage == Stage.DocumentsPending);

        var reader = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "reader-1"), new Claim("roles", Roles.Reader)], "test", "name", "roles"));
        var (status, body) = await InvokeAsync(http => HttpTriggers.GetCase(http.Request, caseId, engine.Client), reader);
        Assert.Equal(200, status);
        Assert.Equal(caseId, JsonDocument.Parse(body).RootElement.GetProperty("caseId").GetString());

        (status, body) = await InvokeAsync(http => HttpTriggers.GetCase(http.Request, "PLG-0000000000", engine.Client), reader);
        Assert.Equal(404, status);
        Assert.Equal("case.not-found", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());

        (status, _) = await InvokeAsync(http => HttpTriggers.GetCase(http.Request, caseId, engine.Client), new ClaimsPrincipal(new ClaimsIdentity()));
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task Web_triggers_render_the_case_page_and_take_a_form_post_only_with_its_anti_forgery_token()
    {
        var caseId = await StartCaseThroughQueueTriggerAsync("FN-W-" + Guid.NewGuid().ToString("N")[..8]);
        await WaitForAsync(caseId, s => s.Stage == Stage.DocumentsPending);
        var investigator = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "investigator-1"), new Claim("roles", Roles.Investigator)], "test", "name", "roles"));

        // The page, rendered by the web project's handler through the Functions trigger, with the same security headers.
        var page = await InvokeWebAsync(http => WebTriggers.Case(http.Request, caseId, engine.Client), investigator);
        Assert.Equal(200, page.Status);
        Assert.StartsWith("text/html", page.Http.Response.ContentType);
        Assert.Contains(caseId, page.Body);
        Assert.Contains("script-src 'self'", page.Http.Response.Headers.ContentSecurityPolicy.ToString());
        var formToken = System.Text.RegularExpressions.Regex.Match(page.Body, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(formToken);
        var cookie = page.Http.Response.Headers.SetCookie.Select(c => c!.Split(';')[0]).Single(c => c.StartsWith("pulang_csrf=", StringComparison.Ordinal));

        // A post without the token is refused and changes nothing; with the page's token (cookie and form field) the hold is placed.
        void Post(HttpContext http, bool withToken)
        {
            http.Request.Method = "POST";
            http.Request.Path = $"/cases/{caseId}/holds";
            http.Request.ContentType = "application/x-www-form-urlencoded";
            var fields = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["reason"] = "Saksi belum diperiksa (uji)" };
            if (withToken)
            {
                fields["__RequestVerificationToken"] = formToken;
                http.Request.Headers.Cookie = cookie;
            }

            http.Features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(new Microsoft.AspNetCore.Http.Features.FormFeature(new FormCollection(fields)));
        }

        var refused = await InvokeWebAsync(http => { Post(http, withToken: false); return WebTriggers.PlaceHold(http.Request, caseId, engine.Client); }, investigator);
        Assert.Equal(400, refused.Status);
        Assert.Empty((await WaitForAsync(caseId, _ => true)).Holds);

        var placed = await InvokeWebAsync(http => { Post(http, withToken: true); return WebTriggers.PlaceHold(http.Request, caseId, engine.Client); }, investigator);
        Assert.Equal(303, placed.Status);
        Assert.StartsWith($"/cases/{caseId}", placed.Http.Response.Headers.Location.ToString());
        Assert.Single((await WaitForAsync(caseId, s => s.Holds.Count > 0)).Holds);

        // Nobody signed in: the page sends the browser to the sign-in page.
        var anonymous = await InvokeWebAsync(http => WebTriggers.Case(http.Request, caseId, engine.Client), new ClaimsPrincipal(new ClaimsIdentity()));
        Assert.Equal(302, anonymous.Status);
        Assert.StartsWith("/signin", anonymous.Http.Response.Headers.Location.ToString());
    }

    async Task<(int Status, string Body, HttpContext Http)> InvokeWebAsync(Func<HttpContext, Task<IResult>> trigger, ClaimsPrincipal user)
    {
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, User = user };
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("pulang.example");
        var body = new MemoryStream();
        http.Response.Body = body;
        var result = await trigger(http);
        await result.ExecuteAsync(http);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), http);
    }

    [Fact]
    public void Durable_payloads_are_pulang_json_as_in_the_self_host()
    {
        // The Durable extension builds its DataConverter from WorkerOptions.Serializer; the self-host uses PulangJson.DataConverter.
        var serializer = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkerOptions>>().Value.Serializer!;
        var result = new Workflows.Documents.ScanResult(2, new Dictionary<string, string> { ["nik"] = "3507015408920001" }, [], "PLG-0000000001/DOC-1.analysis.json");
        Assert.Equal(PulangJson.DataConverter.Serialize(result), serializer.Serialize(result, cancellationToken: Ct).ToString());

        // Effects are polymorphic: the self-host's converter writes the "type" discriminator, the worker's serializer
        // does not; each host reads what either writes.
        var effect = new AppendAudit("PLG-0000000001", new AuditRecord("PLG-0000000001:h1:holdPlaced", DateTimeOffset.UnixEpoch, "inv-1", [], "holdPlaced", AuditRecord.Accepted, null, "h1"));
        var fromSelfHost = PulangJson.DataConverter.Serialize(effect)!;
        var fromFunctions = serializer.Serialize(effect, cancellationToken: Ct).ToString();
        Assert.Contains("\"entryId\"", fromFunctions);
        Assert.Equal(fromSelfHost, PulangJson.DataConverter.Serialize(serializer.Deserialize(new MemoryStream(Encoding.UTF8.GetBytes(fromSelfHost)), typeof(AppendAudit), Ct)));
        Assert.Equal(fromSelfHost, PulangJson.DataConverter.Serialize(PulangJson.DataConverter.Deserialize<AppendAudit>(fromFunctions)));
    }

    [Fact]
    public void App_service_authentication_header_becomes_the_user_with_oid_and_roles()
    {
        var json = """{"auth_typ":"aad","claims":[{"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"u-1"},{"typ":"roles","val":"intake"},{"typ":"roles","val":"reader"}]}""";
        var user = CallerAuthenticationMiddleware.Parse(Convert.ToBase64String(Encoding.UTF8.GetBytes(json)))!;
        var actor = Workflows.Http.CaseEndpoints.ActorOf(user)!;
        Assert.Equal("u-1", actor.Id);
        Assert.Equal([Roles.Intake, Roles.Reader], actor.Roles.Order());
        Assert.Null(CallerAuthenticationMiddleware.Parse("not base64!"));
    }

    async Task<(int Status, string Body)> InvokeAsync(Func<HttpContext, Task<IResult>> trigger, ClaimsPrincipal user)
    {
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, User = user };
        var body = new MemoryStream();
        http.Response.Body = body;
        var result = await trigger(http);
        await result.ExecuteAsync(http);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()));
    }

    sealed class TestFunctionContext(IServiceProvider services, IDictionary<string, object?> bindingData) : FunctionContext
    {
        public override string InvocationId { get; } = Guid.NewGuid().ToString();
        public override string FunctionId => "test";
        public override TraceContext TraceContext => throw new NotSupportedException();
        public override BindingContext BindingContext { get; } = new TestBindingContext(bindingData.AsReadOnly());
        public override RetryContext RetryContext => throw new NotSupportedException();
        public override IServiceProvider InstanceServices { get; set; } = services;
        public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
        public override IInvocationFeatures Features => throw new NotSupportedException();
        public override CancellationToken CancellationToken => TestContext.Current.CancellationToken;
    }

    sealed class TestBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
    }
}
