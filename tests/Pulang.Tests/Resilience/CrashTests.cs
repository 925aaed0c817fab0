using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Resilience;

/// <summary>
/// The crash test: the self-host runs as its own process and is killed with SIGKILL at random moments (then started
/// again on the same task hub) while idempotent clients (<see cref="CaseDriver"/>) carry many cases through the whole
/// workflow. At the end every case is Released exactly once: one release record, one <c>case.released</c> event ID per
/// case (a repeat carries the same ID), an intact audit trail, no case stuck and no case doubled.
/// </summary>
/// <remarks>
/// Size: <c>PULANG_CRASH_CASES</c> (default 30) and <c>PULANG_CRASH_KILLS</c> (default 10); <c>PULANG_CRASH_MINUTES</c>
/// (default 15 + 2 per 10 cases + 1 per 2 kills) bounds the whole run; <c>PULANG_CRASH_PARALLEL</c> (default 50) cases
/// are driven at once. The full run is 200 cases and 50 kills: <c>scripts/crash-test.sh</c>. Case <c>i</c> starts once
/// <c>i * kills / cases</c> kills have happened and a slot is free, and kill <c>k</c> comes once <c>k * cases / kills</c>
/// cases have started, so the kills fall while cases are in flight at every stage, over the whole run. Why a limit: with
/// all 200 cases at once on one machine, Azurite (one Node.js process, at 88% CPU) was the bottleneck and about one case a
/// minute was released.
/// </remarks>
public sealed class CrashTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) && v > 0 ? v : fallback;

    [Fact]
    public Task Every_case_is_released_exactly_once_while_the_self_host_is_killed_again_and_again() => RunAsync(replicas: 1, defaultCases: 30, defaultKills: 10);

    /// <summary>
    /// Two replicas of the self-host on one task hub and one storage account, each with its own HTTP port, data directory
    /// and worker ID, and the same local secrets (token-signing key, download-link key, release key: set in configuration,
    /// as a real deployment of several replicas must). The clients reach them as through a load balancer that skips a
    /// replica while it is down. The kills alternate between the two, so one keeps working while the other is dead, and
    /// a killed replica stays down for up to 20 s (longer than a partition lease, 15 s), so the survivor must take over
    /// its control-queue partitions before the dead one comes back as a new worker. Full run: <c>PULANG_CRASH_REPLICAS=2
    /// scripts/crash-test.sh</c>.
    /// </summary>
    [Fact]
    public Task Every_case_is_released_exactly_once_by_two_replicas_on_one_task_hub_while_one_is_killed_again_and_again() => RunAsync(replicas: 2, defaultCases: 20, defaultKills: 6);

    async Task RunAsync(int replicas, int defaultCases, int defaultKills)
    {
        var cases = Setting("PULANG_CRASH_CASES", defaultCases);
        var kills = Setting("PULANG_CRASH_KILLS", defaultKills);
        var minutes = Setting("PULANG_CRASH_MINUTES", 15 + cases / 5 + kills / 2);
        var parallel = Setting("PULANG_CRASH_PARALLEL", 50);
        var seed = Setting("PULANG_CRASH_SEED", Environment.TickCount & 0x7fffffff);
        var random = new Random(seed);
        var hub = TestStorage.NewTaskHub("crash");
        var prefix = $"CRASH-{hub}-";
        var watch = Stopwatch.StartNew();
        var report = new List<string> { $"seed {seed}, {replicas} replica(s), {cases} cases ({parallel} at once), {kills} kills, at most {minutes} min" };

        // The embedded-text engine (no Tesseract): this test is about the engine surviving kills, and OCR under the CPU load
        // of a whole test run made each blank page take 20-40 s, so the cases could not finish in time. OCR has its own tests.
        // At CI size the provider's informational log (every message received, processed, abandoned or deleted, with its
        // queue) goes into the host log, so a case that stops can be traced message by message (about 1 MB a minute; too
        // much load and memory for the full run).
        var settings = new Dictionary<string, string>
        {
            ["Pulang__Ocr__Engine"] = "embedded-text",
            ["Logging__LogLevel__DurableTask.AzureStorage"] = cases <= 50 ? "Information" : "Warning",
        };
        var signingKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        if (replicas > 1)
        {
            // The secrets every replica must share, from configuration (each replica's data directory would make its own).
            using var releaseKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            settings[Pulang.Workflows.Letters.ReleaseKey.Setting.Replace(":", "__", StringComparison.Ordinal)] = Convert.ToBase64String(releaseKey.ExportPkcs8PrivateKey());
            settings["Pulang__DownloadLinkKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }

        var hosts = Enumerable.Range(0, replicas).Select(r => new SelfHostProcess(storage.ConnectionString, hub, replicas == 1 ? settings : new Dictionary<string, string>(settings)
        {
            ["Pulang__DataDirectory"] = Path.Combine(Path.GetTempPath(), $"pulang-test-{hub}-{(char)('a' + r)}"),
            ["Pulang__Engine__WorkerId"] = $"test-{hub}-{(char)('a' + r)}",
        }, signingKey)).ToList();
        await using var cleanup = new AsyncDisposables(hosts);
        await Task.WhenAll(hosts.Select(h => h.StartAsync()));
        var host = hosts[0];
        var balancer = new Balancer(hosts);
        var driver = new CaseDriver(balancer.Next, host.Tokens);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        run.CancelAfter(TimeSpan.FromMinutes(minutes));
        var killed = 0;
        var started = 0;
        var done = 0;
        using var slots = new SemaphoreSlim(parallel);
        var results = new (string CaseId, CaseState State)?[cases];
        var drivers = Enumerable.Range(0, cases).Select(async i =>
        {
            while (Volatile.Read(ref killed) < (long)i * kills / cases)
            {
                await Task.Delay(200, run.Token);
            }

            await slots.WaitAsync(run.Token);
            Interlocked.Increment(ref started);
            try
            {
                results[i] = await driver.DriveAsync($"{prefix}{i:D4}", run.Token);
            }
            finally
            {
                slots.Release();
            }

            Interlocked.Increment(ref done);
        }).ToList();
        var all = Task.WhenAll(drivers);

        // Kill at random moments: between 0.5 and 12 s after the process answered (sometimes while it still recovers).
        var killsInFlight = 0;
        try
        {
            while (killed < kills)
            {
                // Kill k comes once k * cases / kills cases have started, so with cases waiting for a slot the kills spread over the whole run.
                while (Volatile.Read(ref started) < (long)killed * cases / kills && !all.IsCompleted)
                {
                    await Task.Delay(200, run.Token);
                }

                await Task.WhenAny(all, Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 12_000)), run.Token));
                run.Token.ThrowIfCancellationRequested();
                if (all.IsFaulted)
                {
                    break;
                }

                if (Volatile.Read(ref done) < cases)
                {
                    killsInFlight++;
                }

                // With two replicas the kills alternate, and the dead one stays down for up to 20 s while the other works on.
                var victim = killed % replicas;
                balancer.Down(victim);
                await hosts[victim].KillAsync();
                Interlocked.Increment(ref killed);
                if (replicas > 1)
                {
                    await Task.WhenAny(all, Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 20_000)), run.Token));
                    run.Token.ThrowIfCancellationRequested();
                }

                await hosts[victim].StartAsync();
                balancer.Up(victim);
            }

            await all;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested && !Ct.IsCancellationRequested)
        {
            var stuck = results.Count(r => r is null);
            var forensics = await TaskHubForensics.DescribeAsync(storage.ConnectionString, host.TaskHub, driver.UnfinishedCaseIds, ct: Ct);
            Assert.Fail($"Not every case was released within {minutes} min ({killed} kills): {stuck} stuck:\n{driver.DescribeUnfinished()}\n{string.Join('\n', report)}\n" +
                $"--- task hub ---\n{forensics}" + string.Concat(hosts.Select((h, r) => $"--- replica {(char)('a' + r)} (last lines; whole log in {h.LogFile}) ---\n{Tail(h.Log)}\n")));
        }

        report.Add($"driving: {watch.Elapsed.TotalSeconds:F0} s, {killed} kills ({killsInFlight} with cases in flight), {driver.FailedCalls} calls failed and were retried, " +
            (replicas > 1 ? $"calls per replica {string.Join('/', balancer.Calls)}, " : "") + $"statuses {string.Join(' ', driver.Statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}x{p.Value}"))}");
        Assert.Equal(kills, killed);
        var ids = results.Select(r => r!.Value.CaseId).ToList();
        Assert.Equal(cases, ids.Distinct().Count());

        // Every case: Released once, with one release record for its current dossier and an intact audit trail.
        using var check = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        check.CancelAfter(TimeSpan.FromMinutes(5));
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        var admin = host.Tokens.MintDemo("pulang-admin");
        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            // With two replicas, each case is checked on both: the records are the task hub's and the storage's, not a replica's.
            var state = await driver.ReadAsync(id, check.Token);
            Assert.Equal(Stage.Released, state.Stage);
            Assert.Single(state.History, h => h.Detail.EndsWith("; released", StringComparison.Ordinal));
            var release = (await hosts[n % replicas].Client.GetAsync($"/api/cases/{id}/release", reader, check.Token)).EnsureSuccess().Json;
            Assert.Equal(id, release.GetProperty("caseId").GetString());
            Assert.Equal(state.DossierDigest, release.GetProperty("dossierDigest").GetString());
            var audit = (await hosts[(n + 1) % replicas].Client.GetAsync($"/api/cases/{id}/audit", admin, check.Token)).EnsureSuccess().Json;
            Assert.True(audit.GetProperty("verification").GetProperty("valid").GetBoolean(), $"audit trail of {id}: {audit.GetProperty("verification")}");
        }

        if (replicas > 1)
        {
            // Both replicas answered for the cases, and publish the same release key (a letter fetched from one checks on the other).
            Assert.All(balancer.Calls, c => Assert.True(c > 0, $"calls per replica: {string.Join('/', balancer.Calls)}"));
            var keys = new List<string>();
            foreach (var h in hosts)
            {
                keys.Add((await h.Client.Http.GetStringAsync(Pulang.Workflows.Http.CaseEndpoints.ReleaseKeyRoute, check.Token)));
            }

            Assert.Single(keys.Distinct());
        }

        var releases = new BlobContainerClient(storage.ConnectionString, PulangStorage.ReleasesContainer);
        var records = 0;
        foreach (var id in ids)
        {
            await foreach (var _ in releases.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id, check.Token))
            {
                records++;
            }
        }

        Assert.Equal(cases, records);

        // No doubled case: one case orchestration per reference in the task hub (other tests' processes share the
        // intake queue, so only instances started for this test's references count), one index entry per reference.
        var instances = new TableClient(storage.ConnectionString, $"{hub}Instances");
        var orchestrations = new List<string>();
        await foreach (var row in instances.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Name eq {"CaseOrchestration"}"), cancellationToken: check.Token))
        {
            if (row.GetString("Input") is { } input && input.Contains(prefix, StringComparison.Ordinal))
            {
                orchestrations.Add(row.PartitionKey);
            }
        }

        Assert.Equal(ids.Order(), orchestrations.Order());
        var index = new TableClient(storage.ConnectionString, PulangStorage.CasesTable);
        var indexed = new List<string>();
        await foreach (var row in index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ExternalReference ge {prefix} and ExternalReference lt {prefix + "~"}"), cancellationToken: check.Token))
        {
            indexed.Add(row.RowKey);
        }

        Assert.Equal(ids.Order(), indexed.Order());

        // Exactly one distinct case.released event ID per case; repeats (at-least-once activities) carry the same ID.
        var events = await DrainEventsAsync(SelfHostProcess.EventsQueueFor(hub), check.Token);
        var released = events.Where(e => e.Type == "id.go.pulang.case.released.v1").GroupBy(e => e.CaseId).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(ids.Order(), released.Keys.Order());
        Assert.All(released, p => Assert.Equal([$"{p.Key}:released"], p.Value.Select(e => e.Id).Distinct()));
        report.Add($"checked: {watch.Elapsed.TotalSeconds:F0} s; {cases} released, {records} release records, {released.Sum(p => p.Value.Count) - cases} repeated case.released deliveries, 0 lost, 0 doubled");
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("; ", report));
        if (Environment.GetEnvironmentVariable("PULANG_CRASH_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, "crash test: " + string.Join("; ", report) + Environment.NewLine, CancellationToken.None);
        }
    }

    async Task<List<ReceivedEvent>> DrainEventsAsync(string queueName, CancellationToken ct)
    {
        var queue = new QueueClient(storage.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var all = new List<ReceivedEvent>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10), ct)).Value;
            if (batch.Length == 0)
            {
                return all;
            }

            all.AddRange(batch.Select(m => ReceivedEvent.Decode(m.Body)));
        }
    }

    /// <summary>
    /// What a load balancer in front of the replicas does: each call goes to the next replica in turn, skipping one while it
    /// is known to be down (as a health probe would); a replica killed without notice still gets calls until then, which fail
    /// and are retried by the driver.
    /// </summary>
    sealed class Balancer(IReadOnlyList<SelfHostProcess> hosts)
    {
        readonly bool[] down = new bool[hosts.Count];
        readonly int[] calls = new int[hosts.Count];
        int next;

        /// <summary>Calls handed to each replica so far.</summary>
        public IReadOnlyList<int> Calls => calls;

        public void Down(int replica) => Volatile.Write(ref down[replica], true);

        public void Up(int replica) => Volatile.Write(ref down[replica], false);

        public PulangClient Next()
        {
            for (var tries = 0; ; tries++)
            {
                var r = (int)((uint)Interlocked.Increment(ref next) % (uint)hosts.Count);
                if (!Volatile.Read(ref down[r]) || tries >= hosts.Count)
                {
                    Interlocked.Increment(ref calls[r]);
                    return hosts[r].Client;
                }
            }
        }
    }

    /// <summary>Disposes every host (kills it and writes its log).</summary>
    sealed class AsyncDisposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var item in items)
            {
                await item.DisposeAsync();
            }
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of a process log.</summary>
    internal static string Tail(string log, int lines = 40) => string.Join('\n', log.Split('\n').TakeLast(lines));
}
