using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>One self-host process for the error-path tests (upload limit 64 KiB so 413 is cheap to provoke).</summary>
public sealed class ApiHost(TestStorage storage) : IAsyncLifetime
{
    /// <summary>The running self-host.</summary>
    public SelfHostProcess Host { get; private set; } = null!;

    /// <summary>Test storage connection string.</summary>
    public string Storage => storage.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        Host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("api"), new Dictionary<string, string>
        {
            ["Pulang__MaxUploadBytes"] = "65536",
        });
        await Host.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
    }
}

/// <summary>
/// Every refused request answers with the right 4xx as RFC 9457 problem details and changes nothing.
/// </summary>
public sealed class ApiErrorTests(ApiHost fixture) : IClassFixture<ApiHost>
{
    SelfHostProcess Host => fixture.Host;
    PulangClient Api => Host.Client;
    string T(string user) => Host.Tokens.MintDemo(user);
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    async Task<string> NewCaseAsync()
    {
        var created = (await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"ERR-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess();
        var id = created.Json.GetProperty("caseId").GetString()!;
        await Api.WaitForAsync(id, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);
        return id;
    }

    static void AssertProblem(ApiResponse r, HttpStatusCode status, string? code = null)
    {
        Assert.True(r.Status == status, $"expected {(int)status}, got {(int)r.Status}: {r.Body}");
        Assert.Equal("application/problem+json", r.ContentType);
        Assert.Equal((int)status, r.Json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(r.Json.GetProperty("detail").GetString()));
        if (code is not null)
        {
            Assert.Equal(code, r.Json.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Intake_is_idempotent_by_external_reference()
    {
        var reference = $"IDEM-{Guid.NewGuid():N}";
        var first = await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake(reference), ct: Ct);
        var second = await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake(reference), ct: Ct);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Json.GetProperty("caseId").GetString(), second.Json.GetProperty("caseId").GetString());
        Assert.False(second.Json.GetProperty("created").GetBoolean());
    }

    [Fact]
    public async Task Unauthenticated_wrong_role_and_bad_tokens_are_refused()
    {
        AssertProblem(await Api.GetAsync("/api/cases", null, Ct), HttpStatusCode.Unauthorized, "auth.required");
        AssertProblem(await Api.GetAsync("/api/cases", "not-a-jwt", Ct), HttpStatusCode.Unauthorized);
        var foreign = new Pulang.SelfHost.Hosting.LocalTokens(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[32]), "pulang").MintDemo("pulang-admin");
        AssertProblem(await Api.GetAsync("/api/cases", foreign, Ct), HttpStatusCode.Unauthorized);
        var expired = Host.Tokens.Mint("bp3mi-reader", [Roles.Reader], TimeSpan.FromMinutes(-5));
        AssertProblem(await Api.GetAsync("/api/cases", expired, Ct), HttpStatusCode.Unauthorized);
        AssertProblem(await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("bp3mi-reader"), EndToEndTests.Intake("R-1"), ct: Ct), HttpStatusCode.Forbidden, "role.required");
    }

    [Fact]
    public async Task Bad_bodies_get_400_415_413_and_change_nothing()
    {
        var intake = T("embassy-kl-manifest");
        var invalid = await Api.JsonAsync(HttpMethod.Post, "/api/cases", intake, new { externalReference = "X", fullName = "A", sex = "Q", birthDate = "31-02-1990", originRegion = "r", placementCountry = "c", arrivalDate = "12 AGU 2020" }, ct: Ct);
        AssertProblem(invalid, HttpStatusCode.BadRequest, "request.invalid");
        Assert.True(invalid.Json.GetProperty("errors").TryGetProperty("birthDate", out _));
        Assert.True(invalid.Json.GetProperty("errors").TryGetProperty("sex", out _));

        AssertProblem(await Api.SendAsync(HttpMethod.Post, "/api/cases", intake, new StringContent("{\"externalReference\":", Encoding.UTF8, "application/json"), ct: Ct), HttpStatusCode.BadRequest, "request.body");
        AssertProblem(await Api.SendAsync(HttpMethod.Post, "/api/cases", intake, new StringContent("[1,2]", Encoding.UTF8, "application/json"), ct: Ct), HttpStatusCode.BadRequest, "request.body");
        AssertProblem(await Api.SendAsync(HttpMethod.Post, "/api/cases", intake, new StringContent("a=b", Encoding.UTF8, "text/plain"), ct: Ct), HttpStatusCode.UnsupportedMediaType);
        AssertProblem(await Api.SendAsync(HttpMethod.Post, "/api/cases", intake, new StringContent(new string(' ', 70_000) + "{}", Encoding.UTF8, "application/json"), ct: Ct), HttpStatusCode.RequestEntityTooLarge);

        var listed = (await Api.GetAsync("/api/cases?max=1000", T("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        Assert.DoesNotContain(listed.GetProperty("cases").EnumerateArray(), c => c.GetProperty("externalReference").GetString() == "X");
    }

    [Fact]
    public async Task Uploads_refuse_wrong_media_lying_bytes_empty_and_oversized_bodies()
    {
        var caseId = await NewCaseAsync();
        var uploader = T("sentra-intake-officer");
        HttpContent Bytes(byte[] b, string type) { var c = new ByteArrayContent(b); c.Headers.ContentType = new MediaTypeHeaderValue(type); return c; }

        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/passport", uploader, Bytes([0xFF, 0xD8, 0xFF, 0xE0], "image/gif"), ct: Ct), HttpStatusCode.UnsupportedMediaType, "upload.media-type");
        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/passport", uploader, Bytes("%PDF-1.4 not really"u8.ToArray(), "image/jpeg"), ct: Ct), HttpStatusCode.UnsupportedMediaType, "upload.content-mismatch");
        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/passport", uploader, Bytes([], "image/jpeg"), ct: Ct), HttpStatusCode.BadRequest, "upload.empty");
        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/passport", uploader, Bytes(new byte[70_000], "image/jpeg"), ct: Ct), HttpStatusCode.RequestEntityTooLarge, "upload.too-large");
        var chunked = new StreamContent(new UnknownLengthStream([0xFF, 0xD8, 0xFF, .. new byte[200_000 - 3]]));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/passport", uploader, chunked, ct: Ct), HttpStatusCode.RequestEntityTooLarge, "upload.too-large");
        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/selfie", uploader, Bytes([0xFF, 0xD8, 0xFF], "image/jpeg"), ct: Ct), HttpStatusCode.BadRequest, "document.kind");
        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/PLG-0000000000/documents/ktp", uploader, Bytes([0xFF, 0xD8, 0xFF], "image/jpeg"), ct: Ct), HttpStatusCode.NotFound, "case.not-found");
        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/ktp", T("bp3mi-reader"), Bytes([0xFF, 0xD8, 0xFF], "image/jpeg"), ct: Ct), HttpStatusCode.Forbidden);

        var blobs = new Azure.Storage.Blobs.BlobContainerClient(fixture.Storage, PulangStorage.ScansContainer);
        var stored = new List<string>();
        await foreach (var b in blobs.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, caseId + "/", Ct))
        {
            stored.Add(b.Name);
        }

        Assert.Empty(stored);
        var state = (await Api.GetAsync($"/api/cases/{caseId}", T("bp3mi-reader"), Ct)).EnsureSuccess().Case;
        Assert.Empty(state.Documents);
    }

    [Fact]
    public async Task Commands_on_unknown_cases_wrong_stages_and_finished_cases_are_refused()
    {
        AssertProblem(await Api.GetAsync("/api/cases/PLG-0000000000", T("bp3mi-reader"), Ct), HttpStatusCode.NotFound, "case.not-found");
        AssertProblem(await Api.GetAsync("/api/cases/..%2F..%2Fetc", T("bp3mi-reader"), Ct), HttpStatusCode.NotFound);
        AssertProblem(await Api.JsonAsync(HttpMethod.Post, "/api/cases/PLG-0000000000/assessment", T("sentra-social-worker"), new { summary = "s", recommendation = "r" }, ct: Ct), HttpStatusCode.NotFound);

        var caseId = await NewCaseAsync();
        AssertProblem(await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", T("sentra-social-worker"), new { summary = "s", recommendation = "r" }, ct: Ct), HttpStatusCode.Conflict, "stage.not-assessment");
        AssertProblem(await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenlu", T("p2mi-official"), new { approve = true, dossierDigest = new string('a', 64) }, ct: Ct), HttpStatusCode.NotFound, "ministry.unknown");
        AssertProblem(await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", T("p2mi-official"), new { approve = true, dossierDigest = new string('a', 64) }, ct: Ct), HttpStatusCode.Forbidden, "role.required");
        AssertProblem(await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", T("p2mi-official"), new { approve = true, dossierDigest = new string('a', 64) }, ct: Ct), HttpStatusCode.Conflict, "stage.not-signoff");
        AssertProblem(await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/withdraw", T("pulang-admin"), new { reason = "" }, ct: Ct), HttpStatusCode.BadRequest);

        var before = (await Api.GetAsync($"/api/cases/{caseId}", T("bp3mi-reader"), Ct)).EnsureSuccess().Case;
        Assert.Equal(Stage.DocumentsPending, before.Stage);

        var withdrawn = (await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/withdraw", T("pulang-admin"), new { reason = "registered twice" }, ct: Ct)).EnsureSuccess().Case;
        Assert.Equal(Stage.Withdrawn, withdrawn.Stage);
        AssertProblem(await Api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", T("police-liaison"), new { reason = "late" }, ct: Ct), HttpStatusCode.Conflict, "case.finished");
        AssertProblem(await Api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/ktp", T("sentra-intake-officer"), new ByteArrayContent([0xFF, 0xD8, 0xFF]) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, ct: Ct), HttpStatusCode.Conflict, "case.finished");
    }

    [Fact]
    public async Task Intake_queue_starts_cases_and_sends_bad_messages_to_the_poison_queue_with_a_reason()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var intake = new QueueClient(fixture.Storage, PulangStorage.IntakeQueue, options);
        var poison = new QueueClient(fixture.Storage, PulangStorage.IntakePoisonQueue, options);
        var reference = $"QUEUE-{Guid.NewGuid():N}";
        await intake.SendMessageAsync(JsonSerializer.Serialize(EndToEndTests.Intake(reference)), Ct);
        var marker = $"not json {Guid.NewGuid():N}";
        await intake.SendMessageAsync(marker, Ct);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        CaseIndexEntry? entry = null;
        PoisonIntakeMessage? poisoned = null;
        while (DateTime.UtcNow < deadline && (entry is null || poisoned is null))
        {
            var listed = (await Api.GetAsync("/api/cases?max=1000", T("bp3mi-reader"), Ct)).EnsureSuccess().Json;
            entry ??= listed.GetProperty("cases").EnumerateArray().Select(c => c.Deserialize<CaseIndexEntry>(PulangJson.Options)!).FirstOrDefault(c => c.ExternalReference == reference);
            foreach (var m in (await poison.PeekMessagesAsync(32, Ct)).Value)
            {
                var p = JsonSerializer.Deserialize<PoisonIntakeMessage>(m.Body.ToString(), PulangJson.Options)!;
                if (p.OriginalMessage == marker)
                {
                    poisoned = p;
                }
            }

            await Task.Delay(250, Ct);
        }

        Assert.NotNull(entry);
        Assert.NotNull(poisoned);
        Assert.Contains("JSON", poisoned.Reason, StringComparison.OrdinalIgnoreCase);
    }
}
