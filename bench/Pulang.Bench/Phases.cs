using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Storage.Queues;
using Pulang.SelfHost;
using Pulang.SelfHost.Hosting;

namespace Pulang.Bench;

/// <summary>The suite's measurements that are not the batch itself: baseline, memory, approvers, release check.</summary>
public static class Phases
{
    /// <summary>
    /// The baseline: the same pages OCRed by plain <c>tesseract</c> processes (the page pass Pulang runs: <c>-l ind+eng --psm 3 tsv</c>),
    /// <paramref name="parallel"/> at once, each with <c>OMP_THREAD_LIMIT=1</c>. Wall time in seconds.
    /// </summary>
    public static async Task<double> TesseractBaselineAsync(IReadOnlyList<string> pages, int parallel)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(pages, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (page, ct) =>
        {
            var psi = new ProcessStartInfo("tesseract") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { page, "stdout", "-l", "ind+eng", "--psm", "3", "tsv" }) psi.ArgumentList.Add(a);
            psi.Environment["OMP_THREAD_LIMIT"] = "1";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            await stdout;
            await stderr;
            if (p.ExitCode != 0) throw new InvalidOperationException($"tesseract failed on {page}: {await stderr}");
        });
        return clock.Elapsed.TotalSeconds;
    }

    static async Task<string> NewCaseAsync(PulangClient api, LocalTokens tokens, string reference)
    {
        var r = (await api.JsonAsync(HttpMethod.Post, "/api/cases", tokens.MintDemo("embassy-kl-manifest"), new
        {
            externalReference = reference,
            fullName = "TESTA CONTOH WATI",
            sex = "F",
            birthDate = "1995-04-17",
            originRegion = "Kabupaten Contoh",
            placementCountry = "Malaysia",
            arrivalDate = "2025-10-02",
        })).EnsureSuccess();
        return r.Json.GetProperty("caseId").GetString()!;
    }

    /// <summary>
    /// A valid PNG of about <paramref name="bytes"/> bytes: opaque random noise (which does not compress), square, RGB. The
    /// upload inspects the whole PNG (chunks, checksums, the inflated size), so the memory phase needs a real image; a file
    /// that only starts like a PNG is refused with 400 before it is stored.
    /// </summary>
    public static string BigScan(string folder, long bytes)
    {
        var path = Path.Combine(folder, $"big-{bytes / (1024 * 1024)}mb.png");
        if (File.Exists(path)) return path;
        var side = (int)Math.Sqrt(bytes / 3.0);
        using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(side, side, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan().ToArray();
        new Random(7).NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4) pixels[i] = 0xFF;
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        using var f = File.Create(path);
        data.SaveTo(f);
        return path;
    }

    static async Task<(int Status, double Seconds)> UploadAsync(PulangClient api, string caseId, string file, string token)
    {
        var clock = Stopwatch.StartNew();
        await using var stream = File.OpenRead(file);
        var content = new StreamContent(stream, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        content.Headers.ContentLength = stream.Length;
        var r = await api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/other", token, content);
        return ((int)r.Status, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Peak resident memory of the self-host while one 100 MB scan is uploaded, then while 20 scans of 20 MB are uploaded at
    /// once: growth over the RSS just before (VmRSS sampled every 10 ms, and VmHWM after resetting it).
    /// </summary>
    public static async Task<IReadOnlyList<Measurement>> MemoryAsync(Replica replica, LocalTokens tokens, string folder, TextWriter log)
    {
        var api = replica.Client;
        var token = tokens.MintDemo("sentra-intake-officer");
        var caseId = await NewCaseAsync(api, tokens, $"BENCH-MEM-{Guid.NewGuid():N}");
        var big = BigScan(folder, 100L * 1024 * 1024);
        var medium = BigScan(folder, 20L * 1024 * 1024);
        // Warm up the upload path (JIT, pools) with one small upload, then let the process settle.
        await UploadAsync(api, caseId, BigScan(folder, 1024 * 1024), token);
        await Task.Delay(3000);

        async Task<(long Before, long Peak, double Seconds, int[] Statuses)> MeasureAsync(Func<Task<(int Status, double Seconds)[]>> upload)
        {
            var before = Rss.Read(replica.Pid, "VmRSS");
            var reset = Rss.ResetPeak(replica.Pid);
            using var stop = new CancellationTokenSource();
            var sampler = Rss.SamplePeakAsync(replica.Pid, stop.Token);
            var clock = Stopwatch.StartNew();
            var results = await upload();
            var seconds = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            var peak = await sampler;
            if (reset) peak = Math.Max(peak, Rss.Read(replica.Pid, "VmHWM"));
            return (before, peak, seconds, [.. results.Select(r => r.Status)]);
        }

        var single = await MeasureAsync(async () => [await UploadAsync(api, caseId, big, token)]);
        log.WriteLine($"  {new FileInfo(big).Length / 1e6:F0} MB upload: HTTP {string.Join(",", single.Statuses)} in {single.Seconds:F1} s, RSS {single.Before / 1e6:F0} -> peak {single.Peak / 1e6:F0} MB");
        await Task.Delay(3000);
        var many = await MeasureAsync(() => Task.WhenAll(Enumerable.Range(0, 20).Select(_ => UploadAsync(api, caseId, medium, token))));
        log.WriteLine($"  20 x 20 MB uploads: HTTP {string.Join(",", many.Statuses.Distinct())} in {many.Seconds:F1} s, RSS {many.Before / 1e6:F0} -> peak {many.Peak / 1e6:F0} MB");

        const double mb = 1024 * 1024;
        var growth = (single.Peak - single.Before) / mb;
        return
        [
            new("memory", "RSS before the uploads", single.Before / mb, "MiB"),
            new("memory", $"1 x 100 MB upload: peak RSS growth (HTTP {single.Statuses[0]})", growth, "MiB", growth / 32, "target", "< 32 MiB", 1.0),
            new("memory", "1 x 100 MB upload: time", single.Seconds, "s"),
            new("memory", $"20 x 20 MB at once: peak RSS growth (HTTP {string.Join("/", many.Statuses.Distinct())})", (many.Peak - many.Before) / mb, "MiB"),
            new("memory", "20 x 20 MB at once: time", many.Seconds, "s"),
        ];
    }

    /// <summary>
    /// <paramref name="approvers"/> approvers (half KemenP2MI, half Kemensos signers, each their own user) on loopback: each reads
    /// their inbox, signs the first case assigned to them (case index modulo the signers of the ministry), and reads the inbox
    /// again, until all their cases are signed. Latency of every request; throughput. Sign-offs are sent the way an inbox app
    /// sends them: <c>Prefer: respond-async</c> (202 once pre-checked and raised; the case decides moments later). First, as a
    /// baseline for the profile, one KemenP2MI signer alone signs the first 10 cases one request at a time (the concurrent
    /// KemenP2MI approvers leave those cases out).
    /// </summary>
    public static async Task<IReadOnlyList<Measurement>> ApproversAsync(PulangClient api, LocalTokens tokens, IReadOnlyList<string> caseIds, int approvers, TextWriter log)
    {
        // The profile's first question: what one request costs with nobody else waiting (one KemenP2MI signer, one request at a
        // time, on the first 10 cases), against what it costs with 50 approvers at once on the same machine and storage.
        var solo = caseIds.Take(10).ToHashSet();
        var soloInbox = new List<double>();
        var soloSignoffs = new List<double>();
        var soloToken = tokens.Mint("bench-p2mi-solo", ["p2mi-signer"], TimeSpan.FromHours(1));
        foreach (var id in solo)
        {
            var t = Stopwatch.StartNew();
            var r = await api.GetAsync("/api/inbox?max=1000", soloToken);
            soloInbox.Add(t.Elapsed.TotalMilliseconds);
            var entry = r.Json.GetProperty("cases").EnumerateArray().FirstOrDefault(c => c.GetProperty("caseId").GetString() == id);
            if (entry.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            t.Restart();
            await api.JsonAsync(HttpMethod.Post, $"/api/cases/{id}/signoffs/kemenp2mi", soloToken,
                new { approve = true, dossierDigest = entry.GetProperty("dossierDigest").GetString() }, $"bench-sign-{id}", prefer: "respond-async");
            soloSignoffs.Add(t.Elapsed.TotalMilliseconds);
            await Task.Delay(500);
        }

        log.WriteLine($"  1 approver alone: inbox p50 {Stats.Percentile(soloInbox, 50):F0} ms, sign-off p50 {Stats.Percentile(soloSignoffs, 50):F0} ms");
        var perMinistry = approvers / 2;
        var inbox = new System.Collections.Concurrent.ConcurrentBag<double>();
        var signoffs = new System.Collections.Concurrent.ConcurrentBag<double>();
        var failures = 0;
        var index = caseIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, approvers).Select(a => Task.Run(async () =>
        {
            var p2mi = a < perMinistry;
            var slot = a % perMinistry;
            var token = tokens.Mint($"bench-{(p2mi ? "p2mi" : "kemensos")}-{slot:00}", [p2mi ? "p2mi-signer" : "kemensos-signer"], TimeSpan.FromHours(1));
            var mine = new HashSet<string>(caseIds.Where(id => index[id] % perMinistry == slot && !(p2mi && solo.Contains(id))));
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (mine.Count > 0 && DateTime.UtcNow < deadline)
            {
                var t = Stopwatch.StartNew();
                var r = await api.GetAsync("/api/inbox?max=1000", token);
                inbox.Add(t.Elapsed.TotalMilliseconds);
                var next = r.Json.GetProperty("cases").EnumerateArray().FirstOrDefault(c => mine.Contains(c.GetProperty("caseId").GetString()!));
                if (next.ValueKind != JsonValueKind.Object)
                {
                    await Task.Delay(100);
                    continue;
                }

                var id = next.GetProperty("caseId").GetString()!;
                t.Restart();
                var s = await api.JsonAsync(HttpMethod.Post, $"/api/cases/{id}/signoffs/{(p2mi ? "kemenp2mi" : "kemensos")}", token,
                    new { approve = true, dossierDigest = next.GetProperty("dossierDigest").GetString() }, $"bench-sign-{id}", prefer: "respond-async");
                signoffs.Add(t.Elapsed.TotalMilliseconds);
                if ((int)s.Status is 200 or 202) mine.Remove(id);
                else Interlocked.Increment(ref failures);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = inbox.Concat(signoffs).ToList();
        log.WriteLine($"  {approvers} approvers: {signoffs.Count} sign-offs, {inbox.Count} inbox reads in {seconds:F1} s, {failures} refused");
        return
        [
            new("approvers", "1 approver alone: inbox p50", Stats.Percentile(soloInbox, 50), "ms"),
            new("approvers", "1 approver alone: sign-off p50", Stats.Percentile(soloSignoffs, 50), "ms"),
            new("approvers", $"{approvers} approvers: throughput (all requests)", all.Count / seconds, "req/s"),
            new("approvers", "sign-offs per second", signoffs.Count / seconds, "/s"),
            new("approvers", "inbox p50", Stats.Percentile(inbox, 50), "ms"),
            new("approvers", "inbox p95", Stats.Percentile(inbox, 95), "ms", Stats.Percentile(inbox, 95) / 50, "target", "p95 < 50 ms", 1.0),
            new("approvers", "inbox p99", Stats.Percentile(inbox, 99), "ms"),
            new("approvers", "sign-off p50", Stats.Percentile(signoffs, 50), "ms"),
            new("approvers", "sign-off p95", Stats.Percentile(signoffs, 95), "ms", Stats.Percentile(signoffs, 95) / 50, "target", "p95 < 50 ms", 1.0),
            new("approvers", "sign-off p99", Stats.Percentile(signoffs, 99), "ms"),
            new("approvers", "all requests p95", Stats.Percentile(all, 95), "ms", Stats.Percentile(all, 95) / 50, "target", "p95 < 50 ms", 1.0),
            new("approvers", "refused sign-offs", failures, ""),
        ];
    }

    /// <summary>
    /// Release check for a batch: per case, the release record exists and the <c>case.released</c> events on the hub's events
    /// queue (at-least-once) carry one ID. Returns (cases with a release record, cases with exactly one distinct released event ID,
    /// released messages in total).
    /// </summary>
    public static async Task<(int Records, int OnceEvents, int Messages)> CheckReleasesAsync(PulangClient api, LocalTokens tokens, string connection, string eventsQueue, IReadOnlyList<string> caseIds)
    {
        var reader = tokens.MintDemo("bp3mi-reader");
        var records = 0;
        foreach (var id in caseIds)
        {
            if ((await api.GetAsync($"/api/cases/{id}/release", reader)).Status == System.Net.HttpStatusCode.OK) records++;
        }

        var queue = new QueueClient(connection, eventsQueue);
        var released = new List<(string CaseId, string Id)>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0) break;
            foreach (var m in batch)
            {
                // Pulang's queues use Base64 message encoding.
                using var doc = JsonDocument.Parse(Convert.FromBase64String(m.Body.ToString()));
                if (doc.RootElement.GetProperty("type").GetString() == "case.released")
                {
                    released.Add((doc.RootElement.GetProperty("caseId").GetString()!, doc.RootElement.GetProperty("id").GetString()!));
                }
            }
        }

        var set = caseIds.ToHashSet();
        var once = released.Where(r => set.Contains(r.CaseId)).GroupBy(r => r.CaseId).Count(g => g.Select(x => x.Id).Distinct().Count() == 1);
        return (records, once, released.Count(r => set.Contains(r.CaseId)));
    }

    /// <summary>This machine, for the results: cores, CPU model, memory, OS, load average.</summary>
    public static Dictionary<string, string> Machine()
    {
        string Read(string path) { try { return File.ReadAllText(path); } catch (IOException) { return ""; } }
        var cpu = Read("/proc/cpuinfo").Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var mem = Read("/proc/meminfo").Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        string Version(string exe, string arg)
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(exe, arg) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                return text.Split('\n')[0].Trim();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "?";
            }
        }

        return new()
        {
            ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["cpu"] = cpu,
            ["memory"] = mem,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["dotnet"] = Environment.Version.ToString(),
            ["tesseract"] = Version("tesseract", "--version"),
            ["loadavg-start"] = Read("/proc/loadavg").Trim(),
        };
    }
}
