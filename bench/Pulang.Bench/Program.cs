using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using Pulang.Bench;
using Pulang.SelfHost.Hosting;

// pulang-bench [--only batch,engine,memory,approvers,scaling,micro] [--cases 101] [--approvers 50] [--out bench/results] [--azurite-port 20500] [--replica-port 20550]
// pulang-bench --compare a.json b.json
// See docs/benchmarks.md.
var options = Suite.Parse(args);
if (options.Compare is { } compare)
{
    Console.Write(SuiteResults.Compare(SuiteResults.FromJson(File.ReadAllText(compare.A)), SuiteResults.FromJson(File.ReadAllText(compare.B))));
    return 0;
}

return await new Suite(options).RunAsync();

namespace Pulang.Bench
{
    /// <summary>Command line of the suite.</summary>
    /// <param name="Only">Phases to run (all when empty).</param>
    /// <param name="Cases">Cases in the batch (default 101).</param>
    /// <param name="Approvers">Concurrent approvers (default 50).</param>
    /// <param name="EngineCases">Cases in the engine and scaling phases, both on the no-op OCR engine (default 40).</param>
    /// <param name="Output">Folder for the JSON results.</param>
    /// <param name="Compare">Two result files to compare instead of running.</param>
    /// <param name="AzuritePort">Blob port of the suite's Azurite (<c>--azurite-port</c>, default 20500; queue and table on the next two).</param>
    /// <param name="ReplicaPort">First self-host port (<c>--replica-port</c>, default 20550; a second replica uses the next).</param>
    public sealed record SuiteOptions(HashSet<string> Only, int Cases, int Approvers, string Output, (string A, string B)? Compare, int EngineCases = 40, int AzuritePort = Suite.DefaultAzuritePort, int ReplicaPort = Suite.DefaultReplicaPort);

    /// <summary>
    /// The benchmark suite: starts its own Azurite (127.0.0.1:20500-20502, data in a temporary folder) and self-host
    /// replicas (127.0.0.1:20550, 20551), runs the phases, prints the table and writes <c>{output}/{timestamp}.json</c> and
    /// <c>{output}/latest.json</c>.
    /// </summary>
    public sealed class Suite(SuiteOptions options)
    {
        /// <summary>Default blob port of the suite's Azurite (queue, table: +1, +2); <c>--azurite-port</c> sets another.</summary>
        public const int DefaultAzuritePort = 20500;

        /// <summary>Default first self-host port (a second replica uses the next); <c>--replica-port</c> sets another.</summary>
        public const int DefaultReplicaPort = 20550;

        int AzuritePort => options.AzuritePort;

        int FirstReplicaPort => options.ReplicaPort;

        /// <summary>The repository root (the folder with Pulang.slnx).</summary>
        public static string RepositoryRoot { get; } = FindRoot();

        readonly List<Measurement> measurements = [];
        readonly List<string> notes = [];
        readonly TextWriter log = Console.Out;
        readonly byte[] key = RandomNumberGenerator.GetBytes(32);
        string connection = "";
        string work = "";

        static string FindRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Pulang.slnx"))) return d.FullName;
            }

            return Directory.GetCurrentDirectory();
        }

        /// <summary>Parses the command line.</summary>
        public static SuiteOptions Parse(string[] args)
        {
            var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            int cases = 101, approvers = 50, engineCases = 40, azuritePort = DefaultAzuritePort, replicaPort = DefaultReplicaPort;
            var output = Path.Combine(RepositoryRoot, "bench", "results");
            (string, string)? compare = null;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--only": foreach (var p in args[++i].Split(',')) only.Add(p.Trim()); break;
                    case "--cases": cases = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--approvers": approvers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--engine-cases": engineCases = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--azurite-port": azuritePort = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--replica-port": replicaPort = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--out": output = Path.GetFullPath(args[++i]); break;
                    case "--compare": compare = (args[i + 1], args[i + 2]); i += 2; break;
                    default: throw new ArgumentException($"Unknown argument {args[i]}; see bench/run.sh.");
                }
            }

            return new SuiteOptions(only, cases, approvers, output, compare, engineCases, azuritePort, replicaPort);
        }

        bool Selected(string phase) => options.Only.Count == 0 || options.Only.Contains(phase);

        LocalTokens Tokens => new(new SymmetricSecurityKey(key), "pulang");

        Dictionary<string, string> Settings(string taskHub, int port, string engine) => new()
        {
            ["Pulang__StorageConnectionString"] = connection,
            ["Pulang__TaskHub"] = taskHub,
            ["Pulang__EventsQueue"] = $"events-{taskHub.ToLowerInvariant()}",
            ["Pulang__Auth__SigningKey"] = Convert.ToBase64String(key),
            ["Pulang__DownloadLinkKey"] = Convert.ToBase64String(key),
            ["Pulang__DataDirectory"] = Path.Combine(work, "data-" + taskHub),
            ["Pulang__Engine__WorkerId"] = $"bench-{taskHub}-{port}",
            ["Pulang__Ocr__Engine"] = engine,
            ["Pulang__Ocr__AllowTestEngines"] = "true",
            ["Pulang__RateLimits__Enabled"] = "false",
            // The memory phase uploads 100 MB; the default limit is 50 MiB.
            ["Pulang__MaxUploadBytes"] = (256L * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["OMP_THREAD_LIMIT"] = "1",
        };

        static string Hub(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

        void Add(Measurement m)
        {
            measurements.Add(m);
            log.WriteLine($"  = {m.Group} / {m.Name}: {m.Value.ToString("0.###", CultureInfo.InvariantCulture)} {m.Unit}" + (m.Ratio is { } r ? $" ({r.ToString("0.00", CultureInfo.InvariantCulture)}x {m.RatioOf}, target {m.Target})" : ""));
        }

        /// <summary>Runs the selected phases; 0 when every phase ran (targets missed or not).</summary>
        public async Task<int> RunAsync()
        {
            var started = DateTimeOffset.UtcNow;
            var total = Stopwatch.StartNew();
            var machine = Phases.Machine();
            work = Path.Combine(Path.GetTempPath(), "pulang-bench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(work);
            var failed = false;
            await using var azurite = await Azurite.EnsureRunningAsync(AzuritePort, Path.Combine(work, "azurite"), NullLogger.Instance);
            connection = azurite.ConnectionString;
            try
            {
                log.WriteLine($"Pulang benchmark suite: {options.Cases} cases, {options.Approvers} approvers, on {machine["cores"]} x {machine["cpu"]} (load {machine["loadavg-start"]}); work folder {work}");

                if (Selected("micro"))
                {
                    failed |= !await PhaseAsync("micro", () => { foreach (var m in Micro.Run(Path.Combine(work, "bdn"))) Add(m); return Task.CompletedTask; });
                }

                IReadOnlyList<GeneratedCase> cases = [];
                if (new[] { "batch", "scaling", "engine", "approvers" }.Any(Selected))
                {
                    var clock = Stopwatch.StartNew();
                    cases = ScanGenerator.Generate(ScanGenerator.People(options.Cases), Path.Combine(work, "scans"));
                    log.WriteLine($"Generated {cases.Count} fictional cases, {cases.Sum(c => c.Scans.Count)} pages in {clock.Elapsed.TotalSeconds:F1} s");
                }

                if (Selected("batch"))
                {
                    failed |= !await PhaseAsync("batch", () => BatchAsync(cases));
                }

                // Engine and scaling run the first EngineCases cases on the no-op engine: they measure the engine and the sharing
                // of one task hub, which OCR on two cores would only hide (and the suite must stay under 15 minutes).
                var engineCases = cases.Take(options.EngineCases).ToList();
                double? oneReplica = null;
                if (new[] { "engine", "memory", "approvers" }.Any(Selected))
                {
                    failed |= !await PhaseAsync("engine/memory/approvers", async () => oneReplica = await EngineMemoryApproversAsync(cases, engineCases));
                }

                if (Selected("scaling"))
                {
                    failed |= !await PhaseAsync("scaling", () => ScalingAsync(engineCases, oneReplica));
                }
            }
            finally
            {
                machine["loadavg-end"] = File.ReadAllText("/proc/loadavg").Trim();
                var results = new SuiteResults(started.ToString("O", CultureInfo.InvariantCulture), total.Elapsed.TotalSeconds, machine, measurements, notes);
                Directory.CreateDirectory(options.Output);
                var json = results.ToJson();
                File.WriteAllText(Path.Combine(options.Output, $"{started:yyyyMMdd-HHmmss}.json"), json);
                File.WriteAllText(Path.Combine(options.Output, "latest.json"), json);
                log.WriteLine();
                log.WriteLine($"Pulang benchmarks, {started:yyyy-MM-dd HH:mm} UTC, {total.Elapsed.TotalMinutes:F1} min, {machine["cores"]} x {machine["cpu"]}, load {machine["loadavg-start"]} -> {machine["loadavg-end"]}");
                log.Write(results.ToTable());
                foreach (var n in notes) log.WriteLine("- " + n);
                log.WriteLine($"Written: {Path.Combine(options.Output, "latest.json")}");
                try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }

            return failed ? 1 : 0;
        }

        async Task<bool> PhaseAsync(string name, Func<Task> phase)
        {
            var clock = Stopwatch.StartNew();
            log.WriteLine($"== {name}");
            try
            {
                await phase();
                log.WriteLine($"== {name} done in {clock.Elapsed.TotalSeconds:F0} s");
                return true;
            }
            catch (Exception e)
            {
                log.WriteLine($"== {name} FAILED after {clock.Elapsed.TotalSeconds:F0} s: {e}");
                notes.Add($"{name} failed: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                return false;
            }
        }

        /// <summary>Measurements of one batch run: wall, pages/s, per-stage p50/p95, failures.</summary>
        IReadOnlyList<CaseRun> Report(string group, string label, IReadOnlyList<CaseRun> runs, double wall, double? baseline, string? target, double? targetRatio, string baselineName = "baseline")
        {
            var ok = runs.Where(r => r.Error is null).ToList();
            var pages = runs.Sum(r => r.Case.Scans.Count);
            Add(new Measurement(group, $"{label}: wall time, {runs.Count} cases intake to release", wall, "s", baseline is { } b ? wall / b : null, baseline is null ? null : baselineName, target, targetRatio));
            Add(new Measurement(group, $"{label}: pages per second", pages / wall, "pages/s"));
            foreach (var (stage, from, to) in new (string, Func<CaseRun, double>, Func<CaseRun, double>)[]
            {
                ("intake", r => r.Start, r => r.Created),
                ("upload 4 scans", r => r.Created, r => r.Uploaded),
                ("scanning (uploaded to assessor's inbox)", r => r.Uploaded, r => r.AssessReady),
                ("asesmen submitted + approved", r => r.AssessReady, r => r.Assessed),
                ("sign-off (approved to both signed)", r => r.Assessed, r => r.Signed),
                ("total per case", r => r.Start, r => double.IsNaN(r.Released) ? r.Signed : r.Released),
            })
            {
                var values = ok.Select(r => to(r) - from(r)).Where(v => !double.IsNaN(v)).ToList();
                Add(new Measurement(group, $"{label}: {stage} p50", Stats.Percentile(values, 50), "s"));
                Add(new Measurement(group, $"{label}: {stage} p95", Stats.Percentile(values, 95), "s"));
            }

            Add(new Measurement(group, $"{label}: documents a verifier confirmed", runs.Sum(r => r.Verifications), ""));
            Add(new Measurement(group, $"{label}: cases failed", runs.Count(r => r.Error is not null), ""));
            foreach (var e in runs.Where(r => r.Error is not null).Select(r => r.Error!).Distinct().Take(3))
            {
                notes.Add($"{group}/{label}: {e.Split('\n')[0]}");
            }

            return runs;
        }

        /// <summary>
        /// Decision latency of people's commands (sent to answered decided, as the API shows it): those sent while OCR still ran
        /// (before the last case had every document read) against the target p95 &lt; 1 s, and all of them.
        /// </summary>
        void ReportDecisions(string group, string label, IReadOnlyList<CaseRun> runs, IReadOnlyCollection<CommandTiming> commands)
        {
            var ocrEnd = runs.Select(r => r.AssessReady).Where(t => !double.IsNaN(t)).DefaultIfEmpty(0).Max();
            var during = commands.Where(c => c.Sent < ocrEnd).ToList();
            Add(new Measurement(group, $"{label}: people's commands sent while OCR ran (until {ocrEnd:F0} s)", during.Count, "commands"));
            if (during.Count > 0)
            {
                var latencies = during.Select(c => c.Latency).ToList();
                Add(new Measurement(group, $"{label}: command decided, while OCR ran, p50", Stats.Percentile(latencies, 50), "s"));
                var p95 = Stats.Percentile(latencies, 95);
                Add(new Measurement(group, $"{label}: command decided, while OCR ran, p95", p95, "s", p95 / 1.0, "target", "p95 < 1 s", 1.0));
                foreach (var kind in during.GroupBy(c => c.Command).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    Add(new Measurement(group, $"{label}: {kind.Key} decided, while OCR ran, p50 (n = {kind.Count()})", Stats.Percentile(kind.Select(c => c.Latency).ToList(), 50), "s"));
                }
            }

            var all = commands.Select(c => c.Latency).ToList();
            Add(new Measurement(group, $"{label}: command decided, all {all.Count}, p50", Stats.Percentile(all, 50), "s"));
            Add(new Measurement(group, $"{label}: command decided, all {all.Count}, p95", Stats.Percentile(all, 95), "s"));
        }

        async Task BatchAsync(IReadOnlyList<GeneratedCase> cases)
        {
            var pages = cases.SelectMany(c => c.Scans.Select(s => s.File)).ToList();
            log.WriteLine($"  baseline: {pages.Count} pages with plain tesseract, 2 at once");
            var baseline = await Phases.TesseractBaselineAsync(pages, 2);
            Add(new Measurement("batch", $"baseline: {pages.Count} pages by plain tesseract, 2 at once", baseline, "s"));
            Add(new Measurement("batch", "baseline: pages per second", pages.Count / baseline, "pages/s"));

            var hub = Hub("benchone");
            await using var replica = await Replica.StartAsync(FirstReplicaPort, Settings(hub, FirstReplicaPort, "tesseract"));
            var clock = Stopwatch.StartNew();
            var driver = new BatchDriver([replica.Client], Tokens, log);
            var runs = await driver.RunAsync(cases, $"BENCH-{hub}", TimeSpan.FromMinutes(15));
            var wall = clock.Elapsed.TotalSeconds;
            Report("batch", "1 replica", runs, wall, baseline, "<= 1.10x", 1.10);
            ReportDecisions("batch", "1 replica", runs, driver.Commands);
            if (runs.Any(r => r.Error is not null)) log.WriteLine(replica.Log);
        }

        async Task ScalingAsync(IReadOnlyList<GeneratedCase> cases, double? oneReplica)
        {
            var hub = Hub("benchtwo");
            await using var a = await Replica.StartAsync(FirstReplicaPort, Settings(hub, FirstReplicaPort, "embedded-text"));
            await using var b = await Replica.StartAsync(FirstReplicaPort + 1, Settings(hub, FirstReplicaPort + 1, "embedded-text"));
            var clock = Stopwatch.StartNew();
            var runs = await new BatchDriver([a.Client, b.Client], Tokens, log).RunAsync(cases, $"BENCH-{hub}", TimeSpan.FromMinutes(8));
            var wall = clock.Elapsed.TotalSeconds;
            Report("scaling", "2 replicas, OCR = embedded-text (no-op)", runs, wall, oneReplica, null, null, "1 replica, same cases");
            var ids = runs.Where(r => r.CaseId is not null).Select(r => r.CaseId!).ToList();
            var (records, once, messages) = await Phases.CheckReleasesAsync(a.Client, Tokens, connection, $"events-{hub.ToLowerInvariant()}", ids);
            Add(new Measurement("scaling", $"2 replicas: cases without a release record (of {cases.Count})", cases.Count - records, "cases", (double)(cases.Count - records) / cases.Count, "all", "none (0.00x)", 0.0));
            Add(new Measurement("scaling", $"2 replicas: cases not released exactly once ({messages} case.released messages)", cases.Count - once, "cases", (double)(cases.Count - once) / cases.Count, "all", "none (0.00x)", 0.0));
        }

        /// <summary>Engine (returns the one-replica no-op wall time, or null), then memory and approvers, on one no-op replica.</summary>
        async Task<double?> EngineMemoryApproversAsync(IReadOnlyList<GeneratedCase> all, IReadOnlyList<GeneratedCase> cases)
        {
            double? oneReplica = null;
            var hub = Hub("benchnoop");
            await using var replica = await Replica.StartAsync(FirstReplicaPort, Settings(hub, FirstReplicaPort, "embedded-text"));
            if (Selected("engine"))
            {
                var clock = Stopwatch.StartNew();
                var runs = await new BatchDriver([replica.Client], Tokens, log).RunAsync(cases, $"BENCH-{hub}", TimeSpan.FromMinutes(8));
                var wall = clock.Elapsed.TotalSeconds;
                oneReplica = wall;
                var first = runs.FirstOrDefault(r => r.Error is null && r.CaseId is not null)
                    ?? throw new InvalidOperationException($"No case finished on the no-op engine: {runs.Select(r => r.Error).FirstOrDefault(e => e is not null)}");
                var shape = await CaseShape.FromHistoryAsync(connection, hub, first.CaseId!, first.Case.Scans.Count);
                log.WriteLine($"  case shape from history: {shape.StartActivities} activities at start, per event [{string.Join(",", shape.ActivitiesPerEvent)}] = {shape.CaseActivities} activities, {shape.ActivitiesPerEvent.Length} events, {shape.ScanEvents} scan orchestrations");
                notes.Add($"engine: one case = {shape.ActivitiesPerEvent.Length} events and {shape.CaseActivities} activities in the case orchestration + {shape.ScanEvents} scan orchestrations of 1 activity each");
                var bareHub = Hub("benchbare");
                await using var bare = new BareEngine(connection, bareHub);
                await bare.StartAsync();
                // Warm-up (not timed): the worker takes its partitions and JITs, as the replica did while it served the batch.
                await bare.RunAsync(2, shape, 8, TimeSpan.FromMinutes(2));
                var bareWall = await bare.RunAsync(cases.Count, shape, 8, TimeSpan.FromMinutes(8));
                Add(new Measurement("engine", $"bare Durable Task: {cases.Count} cases of the same shape", bareWall, "s"));
                Report("engine", "Pulang, OCR = embedded-text (no-op)", runs, wall, bareWall, "<= 1.15x", 1.15, "bare");
            }

            if (Selected("memory"))
            {
                foreach (var m in await Phases.MemoryAsync(replica, Tokens, work, log)) Add(m);
            }

            if (Selected("approvers"))
            {
                var count = Math.Min(all.Count, options.Approvers);
                log.WriteLine($"  preparing {count} cases in SignOffPending");
                var prep = await new BatchDriver([replica.Client], Tokens, log) { SignOff = false }.RunAsync(all.Take(count).ToList(), $"BENCH-APPR-{hub}", TimeSpan.FromMinutes(8));
                var ids = prep.Where(r => r.Error is null && r.CaseId is not null).Select(r => r.CaseId!).ToList();
                foreach (var m in await Phases.ApproversAsync(replica.Client, Tokens, ids, options.Approvers, log)) Add(m);
            }

            return oneReplica;
        }
    }
}
