using System.Net;
using System.Net.Http.Headers;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pulang.SelfHost;
using Pulang.SelfHost.Durable;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>One self-host with the embedded-text engine (a blank PNG is unreadable: its document gets a finding).</summary>
public sealed class SideRouteHost(TestStorage storage) : IAsyncLifetime
{
    /// <summary>The running self-host.</summary>
    public SelfHostProcess Host { get; private set; } = null!;

    /// <summary>The test storage account.</summary>
    public TestStorage Storage => storage;

    public async ValueTask InitializeAsync()
    {
        Host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("sideroute"), new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await Host.StartAsync();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The side routes by which investigation papers and hold reasons used to reach other roles, over the real self-host:
/// the verifier's inbox, the scanners' <c>incoming</c> container, case views, the release record and the events.
/// </summary>
public sealed class RestrictedSideRouteTests(SideRouteHost fixture) : IClassFixture<SideRouteHost>
{
    SelfHostProcess Host => fixture.Host;
    PulangClient Api => Host.Client;
    string T(string user) => Host.Tokens.MintDemo(user);
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    async Task<string> NewCaseAsync(string prefix)
    {
        var caseId = (await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"{prefix}-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await Api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);
        return caseId;
    }

    async Task<string> UploadBlankAsync(string caseId, string kind, string user)
    {
        var content = new ByteArrayContent(CaseDriver.BlankPng());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return (await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/{kind}", T(user), content, ct: Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
    }

    async Task<bool> InInboxAsync(string user, string caseId) =>
        (await Api.GetAsync("/api/inbox?max=1000", T(user), Ct)).EnsureSuccess().Json.GetProperty("cases").EnumerateArray().Any(c => c.GetProperty("caseId").GetString() == caseId);

    [Fact]
    public async Task An_unreadable_investigation_paper_is_filed_without_review_and_never_puts_the_case_in_a_verifiers_inbox()
    {
        var caseId = await NewCaseAsync("SIDE-INBOX");
        var paper = await UploadBlankAsync(caseId, "investigation", "police-liaison");
        var state = await Api.WaitForAsync(caseId, T("police-liaison"), s => s.Documents.Any(d => d.DocumentId == paper), TimeSpan.FromMinutes(2), Ct);

        // The investigators see it as read, with the OCR finding kept; nobody is asked to review it.
        var filed = Assert.Single(state.Documents);
        Assert.Equal(DocumentStatus.Accepted, filed.Status);
        Assert.Contains(filed.Findings, f => f.Code.StartsWith("ocr.", StringComparison.Ordinal));
        Assert.Empty(Inbox.AwaitingRoles(state));

        // A verifier who guesses the ID learns nothing: the same 404 as for a document that does not exist.
        var guess = await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{paper}/verification", T("sentra-verifier"), new { note = "n" }, ct: Ct);
        Assert.Equal(HttpStatusCode.NotFound, guess.Status);
        Assert.Contains("document.unknown", guess.Body);

        // A KTP that needs review brings the case to the verifier (the inbox works); once it is verified the case
        // leaves the verifier's inbox: the investigation paper keeps it there for nobody.
        var ktp = await UploadBlankAsync(caseId, "ktp", "sentra-intake-officer");
        await Api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Any(d => d.DocumentId == ktp && d.Status == DocumentStatus.NeedsReview), TimeSpan.FromMinutes(2), Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await InInboxAsync("sentra-verifier", caseId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
        }

        Assert.True(await InInboxAsync("sentra-verifier", caseId), "the KTP that needs review should bring the case to the verifier");
        (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{ktp}/verification", T("sentra-verifier"), new { note = "checked (test)" }, ct: Ct)).EnsureSuccess();
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (await InInboxAsync("sentra-verifier", caseId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
        }

        foreach (var user in new[] { "sentra-verifier", "bp3mi-reader", "police-liaison", "pulang-admin" })
        {
            Assert.False(await InInboxAsync(user, caseId), $"{user}'s inbox still lists the case");
        }

        var admin = (await Api.GetAsync($"/api/cases/{caseId}", T("pulang-admin"), Ct)).EnsureSuccess().Case;
        Assert.Equal(DocumentStatus.Accepted, admin.Documents.Single(d => d.DocumentId == paper).Status);
        Assert.DoesNotContain(paper, (await Api.GetAsync($"/api/cases/{caseId}", T("sentra-verifier"), Ct)).EnsureSuccess().Body);
    }

    [Fact]
    public async Task An_investigation_paper_written_to_the_incoming_container_is_rejected_and_stores_nothing()
    {
        var caseId = await NewCaseAsync("SIDE-INCOMING");
        var incoming = new BlobContainerClient(fixture.Storage.ConnectionString, PulangStorage.IncomingContainer);
        await incoming.CreateIfNotExistsAsync(cancellationToken: Ct);
        var blob = incoming.GetBlobClient($"{caseId}/investigation/statement-0001.png");
        await blob.UploadAsync(BinaryData.FromBytes(CaseDriver.BlankPng(230, 150)), Ct);

        // The import path as the Function App's blob trigger calls it, against the self-host's task hub.
        await using var sp = WorkflowServices(Host.TaskHub);
        await using var scope = sp.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IncomingScans>().HandleAsync(blob, caseId, "investigation", Ct);
        Assert.Null(outcome.Scan);
        Assert.NotNull(outcome.Rejection);
        Assert.StartsWith(IncomingScans.RestrictedKindCode + ":", outcome.Rejection);
        Assert.Contains("investigator", outcome.Rejection);

        // Nothing stored, nothing reported to the case; a permitted kind through the same path still works.
        var passport = await scope.ServiceProvider.GetRequiredService<IncomingScans>().HandleAsync(blob, caseId, "passport", Ct);
        Assert.Null(passport.Rejection);
        var state = await Api.WaitForAsync(caseId, T("pulang-admin"), s => s.Documents.Count > 0, TimeSpan.FromMinutes(2), Ct);
        Assert.Equal(DocumentKind.Passport, Assert.Single(state.Documents).Kind);
        var scans = new List<string>();
        await foreach (var b in new BlobContainerClient(fixture.Storage.ConnectionString, PulangStorage.ScansContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, caseId + "/", Ct))
        {
            if (!b.Name.EndsWith(".analysis.json", StringComparison.Ordinal)) scans.Add(b.Name);
        }

        Assert.Equal([$"{caseId}/{passport.Scan!.DocumentId}"], scans);
    }

    [Fact]
    public async Task Hold_reasons_are_shown_only_to_investigators_and_admins_and_stay_out_of_the_release_record_and_events()
    {
        var driver = new CaseDriver(() => Api, Host.Tokens);
        var (caseId, ready) = await driver.DriveAsync($"SIDE-HOLD-{Guid.NewGuid():N}", Ct, s => s.Stage == Stage.SignOffPending && s.DossierDigest is not null);
        var placeReason = $"Placed-{Guid.NewGuid():N}";
        var liftReason = $"Lifted-{Guid.NewGuid():N}";
        var placed = (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", T("police-liaison"), new { reason = placeReason }, ct: Ct)).EnsureSuccess();
        Assert.Contains(placeReason, placed.Body);
        var holdId = placed.Case.Holds.Single().HoldId;

        // The signers see that a hold is open (and when it was placed), not why, also in their own command's answer.
        var signed = (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", T("p2mi-official"), new { approve = true, dossierDigest = ready.DossierDigest }, ct: Ct)).EnsureSuccess();
        Assert.DoesNotContain(placeReason, signed.Body);
        var seen = Assert.Single(signed.Case.Holds);
        Assert.Equal(holdId, seen.HoldId);
        Assert.True(seen.IsOpen);
        Assert.Null(seen.Reason);
        Assert.Equal(Stage.OnHold, signed.Case.ShownStage);

        using (var lift = new HttpRequestMessage(HttpMethod.Delete, $"/api/cases/{caseId}/holds/{holdId}") { Content = System.Net.Http.Json.JsonContent.Create(new { reason = liftReason }) })
        {
            lift.Headers.Authorization = new AuthenticationHeaderValue("Bearer", T("police-liaison"));
            using var lifted = await Api.Http.SendAsync(lift, Ct);
            Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        }

        (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", T("kemensos-official"), new { approve = true, dossierDigest = ready.DossierDigest }, ct: Ct)).EnsureSuccess();
        await Api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.Released, TimeSpan.FromMinutes(1), Ct);

        foreach (var user in new[] { "embassy-kl-manifest", "sentra-intake-officer", "sentra-verifier", "sentra-social-worker", "sentra-supervisor", "p2mi-official", "kemensos-official", "bp3mi-reader" })
        {
            var view = (await Api.GetAsync($"/api/cases/{caseId}", T(user), Ct)).EnsureSuccess();
            Assert.DoesNotContain(placeReason, view.Body);
            Assert.DoesNotContain(liftReason, view.Body);
            var hold = Assert.Single(view.Case.Holds);
            Assert.Equal((holdId, "police-liaison", "police-liaison"), (hold.HoldId, hold.PlacedBy, hold.LiftedBy));
            Assert.NotNull(hold.LiftedAt);
        }

        foreach (var user in new[] { "police-liaison", "pulang-admin" })
        {
            var hold = Assert.Single((await Api.GetAsync($"/api/cases/{caseId}", T(user), Ct)).EnsureSuccess().Case.Holds);
            Assert.Equal((placeReason, liftReason), (hold.Reason, hold.LiftReason));
        }

        // The release record (readable by every role) and the outgoing events name the hold, never its reasons.
        foreach (var user in new[] { "bp3mi-reader", "pulang-admin" })
        {
            var release = (await Api.GetAsync($"/api/cases/{caseId}/release", T(user), Ct)).EnsureSuccess();
            Assert.Contains(holdId, release.Body);
            Assert.DoesNotContain(placeReason, release.Body);
            Assert.DoesNotContain(liftReason, release.Body);
        }

        var stored = (await new BlobContainerClient(fixture.Storage.ConnectionString, PulangStorage.ReleasesContainer).GetBlobClient($"{caseId}.json").DownloadContentAsync(Ct)).Value.Content.ToString();
        Assert.Contains(holdId, stored);
        Assert.DoesNotContain(placeReason, stored);
        Assert.DoesNotContain(liftReason, stored);

        var events = new QueueClient(fixture.Storage.ConnectionString, SelfHostProcess.EventsQueueFor(Host.TaskHub), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var peeked = (await events.PeekMessagesAsync(32, Ct)).Value;
        var bodies = peeked.Select(m => m.Body.ToString()).Where(b => b.Contains(caseId, StringComparison.Ordinal)).ToList();
        var decoded = peeked.Select(m => ReceivedEvent.Decode(m.Body)).Where(e => e.CaseId == caseId).ToList();
        Assert.Contains(decoded, e => e.Type == "id.go.pulang.case.released.v1");
        Assert.Contains(decoded, e => e.Type == "id.go.pulang.case.on-hold.v1");
        Assert.All(bodies, b => Assert.DoesNotContain(placeReason, b));
        Assert.All(bodies, b => Assert.DoesNotContain(liftReason, b));
    }

    ServiceProvider WorkflowServices(string hub)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pulang:TaskHub"] = hub }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPulangWorkflows(config);
        services.AddSingleton(new PulangStorage(fixture.Storage.ConnectionString) { EventsQueueName = SelfHostProcess.EventsQueueFor(hub) });
        var provider = new AzureStorageOrchestrationService(DurableEngine.Settings(new PulangOptions { TaskHub = hub }, new EngineOptions { WorkerId = "side-route-tests" }, fixture.Storage.ConnectionString, NullLoggerFactory.Instance));
        services.AddSingleton<DurableTaskClient>(new CoreDurableTaskClient(provider, PulangJson.DataConverter));
        return services.BuildServiceProvider();
    }
}
