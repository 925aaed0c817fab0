using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Resilience;

/// <summary>
/// Storage goes away under a running self-host: the test starts its own Azurite (ports 20250-20252, its own data),
/// drives cases, stops Azurite for 20 s mid-run and starts it again. While storage is down the service keeps
/// answering, with 503 problem details (<c>storage.unavailable</c>, <c>Retry-After</c>); afterwards it recovers by
/// itself and every case, including one whose intake was first tried during the outage, is released exactly once.
/// </summary>
public sealed class StorageOutageTests
{
    const int AzuritePort = 20250;
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_worker_can_repair_activities_whose_completion_failed_during_an_outage() =>
        Assert.True(Pulang.SelfHost.Durable.OutageTolerantOrchestrationService.CanRepair, "DurableTask.AzureStorage no longer has the field the self-host repairs; check the outage test.");

    [Fact]
    public async Task The_service_answers_503_while_storage_is_down_recovers_by_itself_and_loses_no_case()
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        run.CancelAfter(TimeSpan.FromMinutes(12));
        await using var azurite = new AzuriteProcess(AzuritePort);
        await azurite.StartAsync(run.Token);
        var hub = TestStorage.NewTaskHub("outage");
        await using var host = new SelfHostProcess(azurite.ConnectionString, hub);
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens) { CallTimeout = TimeSpan.FromSeconds(60) };
        var reader = host.Tokens.MintDemo("bp3mi-reader");

        // Cases in flight at every stage when storage goes away.
        const int cases = 6;
        var prefix = $"OUTAGE-{hub}-";
        var drivers = Enumerable.Range(0, cases).Select(i => driver.DriveAsync($"{prefix}{i}", run.Token)).ToList();
        var firstId = await driver.IntakeAsync($"{prefix}0", run.Token);
        await host.Client.WaitForAsync(firstId, reader, s => s.Stage >= Stage.AssessmentPending, TimeSpan.FromMinutes(5), run.Token);

        var stopping = Stopwatch.StartNew();
        Assert.True(await azurite.StopAsync(), "Azurite did not stop cleanly within 2 min and was killed, losing its last writes; the test cannot tell the service's losses from Azurite's.");
        var down = Stopwatch.StartNew();
        var stopTook = stopping.Elapsed;

        // A new case whose intake is first tried while storage is down: its client retries until it takes.
        drivers.Add(driver.DriveAsync($"{prefix}{cases}", run.Token));

        // Probe every second while storage is down: every request gets an answer.
        var probes = new List<Task<Probe>>();
        while (down.Elapsed < Outage)
        {
            var at = down.Elapsed;
            probes.Add(ProbeAsync(host, $"/api/cases/{firstId}", reader, at, run.Token));
            probes.Add(ProbeAsync(host, "/api/cases?max=5", reader, at, run.Token));
            await Task.Delay(1000, run.Token);
        }

        Assert.True(host.Exited is null, host.Exited);
        var health = await host.Client.Http.GetAsync("/healthz", run.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var answered = await Task.WhenAll(probes);

        await azurite.StartAsync(run.Token);
        var up = Stopwatch.StartNew();
        TimeSpan? recovered = null;
        while (recovered is null)
        {
            Assert.True(host.Exited is null, host.Exited);
            Assert.True(up.Elapsed < TimeSpan.FromMinutes(3), $"No 200 within 3 min of storage coming back.\n{CrashTests.Tail(host.Log, 80)}");
            var probe = await ProbeAsync(host, $"/api/cases/{firstId}", reader, up.Elapsed, run.Token);
            if (probe.Status == 200)
            {
                recovered = up.Elapsed;
            }
            else
            {
                await Task.Delay(250, run.Token);
            }
        }

        Assert.All(answered, p => Assert.NotEqual(0, p.Status));

        // Requests that started once the outage was certain (not in flight when it began) got 503 problem details.
        var during = answered.Where(p => p.At > TimeSpan.FromSeconds(2)).ToList();
        Assert.NotEmpty(during);
        Assert.All(during, p =>
        {
            Assert.Equal(503, p.Status);
            Assert.Equal("application/problem+json", p.ContentType);
            Assert.Equal("storage.unavailable", p.Code);
            Assert.Equal("5", p.RetryAfter);
        });

        var all = Task.WhenAll(drivers);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(6), Ct));
        var forensics = all.IsCompleted ? "" : await TaskHubForensics.DescribeAsync(azurite.ConnectionString, hub, driver.UnfinishedCaseIds, ct: Ct);
        Assert.True(all.IsCompleted, $"Not every case was released within 6 min of storage coming back:\n{driver.DescribeUnfinished()}\n--- task hub ---\n{forensics}--- host (last lines; whole log in {host.LogFile}) ---\n{CrashTests.Tail(host.Log, 80)}");
        var results = await all;
        Assert.All(results, r => Assert.Equal(Stage.Released, r.State.Stage));
        Assert.Equal(cases + 1, results.Select(r => r.CaseId).Distinct().Count());
        foreach (var (id, _) in results)
        {
            (await host.Client.GetAsync($"/api/cases/{id}/release", reader, run.Token)).EnsureSuccess();
        }

        // No case lost or doubled: one case orchestration per reference.
        var instances = new TableClient(azurite.ConnectionString, $"{hub}Instances");
        var started = new List<string>();
        await foreach (var row in instances.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Name eq {"CaseOrchestration"}"), cancellationToken: run.Token))
        {
            started.Add(row.PartitionKey);
        }

        Assert.Equal(results.Select(r => r.CaseId).Order(), started.Order());
        var index = new TableClient(azurite.ConnectionString, PulangStorage.CasesTable);
        var indexed = 0;
        await foreach (var _ in index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"case"}"), cancellationToken: run.Token))
        {
            indexed++;
        }

        Assert.Equal(cases + 1, indexed);

        var line = $"storage outage: Azurite took {stopTook.TotalSeconds:F0} s to stop; {answered.Length} probes in {Outage.TotalSeconds:F0} s, {during.Count} x 503 storage.unavailable, " +
            $"slowest answer {answered.Max(p => p.Took).TotalSeconds:F1} s; first 200 {recovered.Value.TotalSeconds:F1} s after storage was back; " +
            $"{cases + 1} cases released, {driver.FailedCalls} client calls retried";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("PULANG_CRASH_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, line + Environment.NewLine, CancellationToken.None);
        }
    }

    sealed record Probe(TimeSpan At, int Status, string? ContentType, string? Code, string? RetryAfter, TimeSpan Took);

    /// <summary>One GET with a 60 s timeout; status 0 when there was no answer.</summary>
    static async Task<Probe> ProbeAsync(SelfHostProcess host, string path, string token, TimeSpan at, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await host.Client.Http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            string? code = null;
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                code = JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            }

            return new(at, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, code,
                response.Headers.RetryAfter?.Delta is { } delta ? ((int)delta.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null, watch.Elapsed);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
        {
            return new(at, 0, null, null, null, watch.Elapsed);
        }
    }
}
