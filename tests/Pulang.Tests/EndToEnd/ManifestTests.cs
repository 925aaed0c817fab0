using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Http;
using Pulang.Workflows.Manifests;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>One self-host with the blob watchers on (1 s), for the manifest and intake-conflict tests.</summary>
public sealed class ManifestHost(TestStorage storage) : IAsyncLifetime
{
    /// <summary>The running self-host.</summary>
    public SelfHostProcess Host { get; private set; } = null!;

    /// <summary>Test storage connection string.</summary>
    public string Storage => storage.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        Host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("manifest"), new Dictionary<string, string>
        {
            ["Pulang__WatchBlobs"] = "true",
            ["Pulang__BlobWatchInterval"] = "00:00:01",
        });
        await Host.StartAsync();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Manifest intake on the real self-host and Azurite: a case per line through the idempotent intake, a result per line, the
/// same file twice changes nothing, a dropped blob starts the same way; and the intake conflict (409) for a known reference
/// sent with other data.
/// </summary>
[Collection(BlobWatchCollection.Name)]
public sealed class ManifestTests(ManifestHost fixture) : IClassFixture<ManifestHost>
{
    SelfHostProcess Host => fixture.Host;
    PulangClient Api => Host.Client;
    string T(string user) => Host.Tokens.MintDemo(user);
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    async Task<JsonElement> WaitCompletedAsync(string manifestId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var view = (await Api.GetAsync($"/api/manifests/{manifestId}", T("bp3mi-reader"), Ct)).EnsureSuccess().Json;
            if (view.GetProperty("status").GetString() != "running")
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Manifest {manifestId} still running after {timeout}: {view}");
            await Task.Delay(250, Ct);
        }
    }

    [Fact]
    public async Task A_101_line_manifest_with_7_bad_lines_and_3_repeats_gives_91_cases_a_result_per_line_and_the_same_file_twice_changes_nothing()
    {
        var prefix = $"M{Guid.NewGuid():N}"[..13];
        var persons = ManifestSample.Persons(98, seed: 7, prefix, Today);
        // Seven bad lines (data lines 5, 15, ... 65; file lines 6, 16, ...), each breaking one rule.
        persons[4] = persons[4] with { FullName = null };
        persons[14] = persons[14] with { Nik = "99" + persons[14].Nik![2..] };
        persons[24] = persons[24] with { Nik = "35071254089" };
        persons[34] = persons[34] with { BirthDate = "14-08-1992" };
        persons[44] = persons[44] with { ArrivalDate = Today.AddDays(3).ToString("yyyy-MM-dd") };
        persons[54] = persons[54] with { Sex = "X" };
        persons[64] = persons[64] with { OriginRegion = "" };
        // Three repeats of references already in the file (the same data: a copy-paste in the embassy's sheet).
        persons.AddRange([persons[0], persons[1], persons[2]]);
        Assert.Equal(101, persons.Count);
        var csv = ManifestSample.ToCsv(persons);

        var clock = Stopwatch.StartNew();
        var posted = await Api.SendAsync(HttpMethod.Post, "/api/manifests", T("embassy-kl-manifest"), Csv(csv), ct: Ct);
        Assert.True(posted.Status == HttpStatusCode.Accepted, posted.Body);
        var manifestId = posted.Json.GetProperty("manifestId").GetString()!;
        Assert.Equal(ManifestFile.IdOf(Encoding.UTF8.GetBytes(csv)), manifestId);
        Assert.Equal(101, posted.Json.GetProperty("lines").GetInt32());
        var view = await WaitCompletedAsync(manifestId, TimeSpan.FromMinutes(4));
        var elapsed = clock.Elapsed;
        TestContext.Current.SendDiagnosticMessage($"101-line manifest: every case started {elapsed.TotalSeconds:F1} s after the POST");
        Console.WriteLine($"MANIFEST-TIMING 101 lines: {elapsed.TotalSeconds:F1} s");

        Assert.Equal("completed", view.GetProperty("status").GetString());
        var results = view.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(101, results.Count);
        Assert.Equal(Enumerable.Range(2, 101), results.Select(r => r.GetProperty("line").GetInt32()));
        var counts = view.GetProperty("counts");
        Assert.Equal(91, counts.GetProperty("created").GetInt32());
        Assert.Equal(10, counts.GetProperty("refused").GetInt32());
        Assert.Equal(0, counts.GetProperty("existing").GetInt32());
        var caseIds = results.Where(r => r.GetProperty("status").GetString() == "created").Select(r => r.GetProperty("caseId").GetString()!).ToList();
        Assert.Equal(91, caseIds.Distinct().Count());

        string[] Codes(int dataLine) => [.. results[dataLine - 1].GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()!)];
        string[] Fields(int dataLine) => [.. results[dataLine - 1].GetProperty("errors").EnumerateArray().Select(e => e.TryGetProperty("field", out var f) ? f.GetString()! : "")];
        Assert.Equal(["field.required"], Codes(5)); Assert.Equal(["fullName"], Fields(5));
        Assert.Equal(["nik.province"], Codes(15)); Assert.Equal(["nik"], Fields(15));
        Assert.Contains("nik.length", Codes(25));
        Assert.Equal(["date.invalid"], Codes(35)); Assert.Equal(["birthDate"], Fields(35));
        Assert.Equal(["date.invalid"], Codes(45)); Assert.Equal(["arrivalDate"], Fields(45));
        Assert.Equal(["field.invalid"], Codes(55)); Assert.Equal(["sex"], Fields(55));
        Assert.Equal(["field.required"], Codes(65)); Assert.Equal(["originRegion"], Fields(65));
        foreach (var repeat in new[] { 99, 100, 101 })
        {
            Assert.Equal(["manifest.repeated-reference"], Codes(repeat));
            Assert.Contains($"line {repeat - 97}", results[repeat - 1].GetProperty("errors")[0].GetProperty("message").GetString());
        }

        // The cases are real: one of them, through the case API.
        var one = (await Api.GetAsync($"/api/cases/{caseIds[^1]}", T("bp3mi-reader"), Ct)).EnsureSuccess().Case;
        Assert.Equal(persons[97].ExternalReference, one.Intake.ExternalReference);

        // The same file again: 200, the same manifest, nothing started, the same results.
        var again = await Api.SendAsync(HttpMethod.Post, "/api/manifests", T("embassy-kl-manifest"), Csv(csv), ct: Ct);
        Assert.True(again.Status == HttpStatusCode.OK, again.Body);
        Assert.Equal(manifestId, again.Json.GetProperty("manifestId").GetString());
        Assert.False(again.Json.GetProperty("created").GetBoolean());
        var after = await WaitCompletedAsync(manifestId, TimeSpan.FromMinutes(1));
        Assert.Equal(view.GetProperty("results").GetRawText(), after.GetProperty("results").GetRawText());
        var listed = (await Api.GetAsync("/api/cases?max=1000", T("bp3mi-reader"), Ct)).EnsureSuccess().Json.GetProperty("cases").EnumerateArray()
            .Count(c => c.GetProperty("externalReference").GetString()!.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(91, listed);
    }

    [Fact]
    public async Task A_known_reference_with_other_data_is_409_naming_the_differing_fields_and_the_same_data_is_200()
    {
        var person = ManifestSample.Persons(1, seed: 11, $"C{Guid.NewGuid():N}"[..13], Today)[0];
        var first = await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), person, ct: Ct);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var caseId = first.Json.GetProperty("caseId").GetString()!;

        var same = await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), person with { OriginRegion = person.OriginRegion!.ToLowerInvariant() }, ct: Ct);
        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.Equal(caseId, same.Json.GetProperty("caseId").GetString());

        var other = person with { FullName = "LAIN ORANG FIKTIF", BirthDate = "1990-01-02" };
        var conflict = await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), other, ct: Ct);
        Assert.True(conflict.Status == HttpStatusCode.Conflict, conflict.Body);
        Assert.Equal("application/problem+json", conflict.ContentType);
        Assert.Equal("intake.conflict", conflict.Json.GetProperty("code").GetString());
        Assert.Equal(caseId, conflict.Json.GetProperty("caseId").GetString());
        Assert.Equal(["fullName", "birthDate"], conflict.Json.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!));
        Assert.DoesNotContain("LAIN ORANG", conflict.Body);

        // Nothing changed: the case keeps its first data.
        var state = (await Api.GetAsync($"/api/cases/{caseId}", T("bp3mi-reader"), Ct)).EnsureSuccess().Case;
        Assert.Equal(person.FullName, state.Intake.FullName);

        // In a (JSON) manifest: the other data is a conflict line, a known reference with the same data an existing one.
        var second = ManifestSample.Persons(1, seed: 12, $"D{Guid.NewGuid():N}"[..13], Today)[0];
        var secondId = (await Api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), second, ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString();
        var json = JsonSerializer.Serialize(new { persons = new[] { other, second } }, Pulang.Workflows.PulangJson.Options);
        var posted = await Api.SendAsync(HttpMethod.Post, "/api/manifests", T("embassy-kl-manifest"), new StringContent(json, Encoding.UTF8, "application/json"), ct: Ct);
        Assert.True(posted.Status == HttpStatusCode.Accepted, posted.Body);
        var view = await WaitCompletedAsync(posted.Json.GetProperty("manifestId").GetString()!, TimeSpan.FromMinutes(2));
        var results = view.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("conflict", results[0].GetProperty("status").GetString());
        Assert.Equal(caseId, results[0].GetProperty("caseId").GetString());
        Assert.Equal(["fullName", "birthDate"], results[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal("existing", results[1].GetProperty("status").GetString());
        Assert.Equal(secondId, results[1].GetProperty("caseId").GetString());
    }

    [Fact]
    public async Task A_manifest_dropped_in_the_manifests_container_is_started_once_and_a_bad_one_is_recorded_as_rejected()
    {
        var persons = ManifestSample.Persons(3, seed: 5, $"B{Guid.NewGuid():N}"[..13], Today);
        var csv = ManifestSample.ToCsv(persons);
        var container = new BlobContainerClient(fixture.Storage, PulangStorage.ManifestsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        var name = $"kbri-kl/{Guid.NewGuid():N}.csv";
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(csv), Ct);
        // The same bytes again under another name: the same manifest.
        await container.GetBlobClient(name + ".copy.csv").UploadAsync(BinaryData.FromString(csv), Ct);

        var manifestId = ManifestFile.IdOf(Encoding.UTF8.GetBytes(csv));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while ((await Api.GetAsync($"/api/manifests/{manifestId}", T("bp3mi-reader"), Ct)).Status == HttpStatusCode.NotFound)
        {
            Assert.True(DateTime.UtcNow < deadline, "The dropped manifest was not picked up.");
            await Task.Delay(250, Ct);
        }

        var view = await WaitCompletedAsync(manifestId, TimeSpan.FromMinutes(2));
        Assert.Equal(3, view.GetProperty("counts").GetProperty("created").GetInt32());
        Assert.StartsWith("blob:manifests/kbri-kl/", view.GetProperty("source").GetString());

        var bad = "externalReference,fullName,bogus\nX,Y,Z\n";
        var badId = ManifestFile.IdOf(Encoding.UTF8.GetBytes(bad + name));
        await container.GetBlobClient($"kbri-kl/{Guid.NewGuid():N}.csv").UploadAsync(BinaryData.FromString(bad + name), Ct);
        while ((await Api.GetAsync($"/api/manifests/{badId}", T("bp3mi-reader"), Ct)) is { Status: HttpStatusCode.NotFound })
        {
            Assert.True(DateTime.UtcNow < deadline, "The bad manifest was not recorded.");
            await Task.Delay(250, Ct);
        }

        var rejected = (await Api.GetAsync($"/api/manifests/{badId}", T("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("manifest.columns", rejected.GetProperty("rejection").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unreadable_manifests_are_refused_as_a_whole_and_start_nothing()
    {
        var intake = T("embassy-kl-manifest");
        async Task Refused(HttpContent body, HttpStatusCode status, string code)
        {
            var r = await Api.SendAsync(HttpMethod.Post, "/api/manifests", intake, body, ct: Ct);
            Assert.True(r.Status == status, $"{code}: {(int)r.Status} {r.Body}");
            Assert.Equal(code, r.Json.GetProperty("code").GetString());
        }

        await Refused(Csv("externalReference,fullName,sex,birthDate,originRegion,placementCountry,arrivalDate,umur\n"), HttpStatusCode.BadRequest, "manifest.columns");
        await Refused(Csv("externalReference,fullName\nA,B\n"), HttpStatusCode.BadRequest, "manifest.columns");
        await Refused(Csv(string.Join(',', ManifestFile.Columns) + "\n"), HttpStatusCode.BadRequest, "manifest.empty");
        var latin1 = new ByteArrayContent([.. Encoding.UTF8.GetBytes(string.Join(',', ManifestFile.Columns) + "\nR-1,J"), 0xD6, .. "SEPH,M,1990-01-01,r,c,2026-01-01,\n"u8.ToArray()]);
        latin1.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        await Refused(latin1, HttpStatusCode.BadRequest, "manifest.encoding");
        await Refused(new StringContent("{\"persons\": 5}", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "manifest.json");
        await Refused(new StringContent("[{\"externalReference\": ", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "manifest.json");
        await Refused(new StringContent("a,b", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, "request.media-type");
        var forbidden = await Api.SendAsync(HttpMethod.Post, "/api/manifests", T("bp3mi-reader"), Csv("x"), ct: Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("/api/manifests/MAN-0000000000000000", T("bp3mi-reader"), Ct)).Status);
    }
}

/// <summary>The tests whose self-hosts watch the shared <c>incoming</c> and <c>manifests</c> containers run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BlobWatchCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "blob-watchers";
}
