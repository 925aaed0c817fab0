using System.Diagnostics;
using System.Net;
using Pulang.SelfHost;

namespace Pulang.Bench;

/// <summary>
/// One self-host replica (<c>pulang.dll serve</c>) as its own process on a fixed loopback port, on the suite's Azurite and
/// a task hub of the caller's choice; killed (with its children) on dispose.
/// </summary>
public sealed class Replica : IAsyncDisposable
{
    readonly Process process;
    readonly List<string> log = [];

    Replica(Process process, int port)
    {
        this.process = process;
        Port = port;
        Client = new PulangClient(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromMinutes(5),
        });
    }

    /// <summary>HTTP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Process ID (for /proc/&lt;pid&gt;/status).</summary>
    public int Pid => process.Id;

    /// <summary>A client for this replica.</summary>
    public PulangClient Client { get; }

    /// <summary>The last lines the process printed.</summary>
    public string Log { get { lock (log) return string.Join('\n', log.TakeLast(40)); } }

    /// <summary>
    /// The built self-host next to the suite (same configuration), under <c>selfhost/bin</c>; or <c>PULANG_BENCH_SELFHOST</c>, the
    /// path of another build's <c>pulang.dll</c> (e.g. a copy of the build before a change, to measure before and after back to back).
    /// </summary>
    public static string SelfHostDll()
    {
        if (Environment.GetEnvironmentVariable("PULANG_BENCH_SELFHOST") is { Length: > 0 } other)
        {
            return File.Exists(other) ? other : throw new FileNotFoundException("PULANG_BENCH_SELFHOST names no file.", other);
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(Suite.RepositoryRoot, "selfhost", "bin", configuration, "net10.0", "pulang.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the self-host first (bench/run.sh does).", dll);
    }

    /// <summary>Starts a replica and waits until <c>/healthz</c> answers (at most 90 s).</summary>
    /// <param name="port">HTTP port.</param>
    /// <param name="settings">Environment (<c>Pulang__...</c>) for the process.</param>
    public static async Task<Replica> StartAsync(int port, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { SelfHostDll(), "serve", "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in settings)
        {
            start.Environment[k] = v;
        }

        var replica = new Replica(Process.Start(start)!, port);
        replica.process.OutputDataReceived += (_, e) => replica.Add(e.Data);
        replica.process.ErrorDataReceived += (_, e) => replica.Add(e.Data);
        replica.process.BeginOutputReadLine();
        replica.process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (replica.process.HasExited)
            {
                throw new InvalidOperationException($"Replica on port {port} exited with {replica.process.ExitCode}:\n{replica.Log}");
            }

            try
            {
                if ((await replica.Client.Http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return replica;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await replica.DisposeAsync();
                throw new TimeoutException($"Replica on port {port} did not answer within 90 s:\n{replica.Log}");
            }

            await Task.Delay(200);
        }
    }

    void Add(string? line)
    {
        if (line is null) return;
        lock (log)
        {
            log.Add(line);
            if (log.Count > 200) log.RemoveRange(0, 100);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Client.Http.Dispose();
    }
}

/// <summary>Resident memory of a process from <c>/proc/&lt;pid&gt;/status</c> (Linux).</summary>
public static class Rss
{
    /// <summary>A field of /proc/&lt;pid&gt;/status in bytes (VmRSS, VmHWM); 0 when unavailable.</summary>
    public static long Read(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>Resets the process's peak RSS (VmHWM) to its current RSS (<c>echo 5 &gt; /proc/&lt;pid&gt;/clear_refs</c>); false if not allowed.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Samples VmRSS every 10 ms until cancelled; the highest value seen.</summary>
    public static async Task<long> SamplePeakAsync(int pid, CancellationToken ct)
    {
        long peak = 0;
        while (!ct.IsCancellationRequested)
        {
            peak = Math.Max(peak, Read(pid, "VmRSS"));
            try
            {
                await Task.Delay(10, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return Math.Max(peak, Read(pid, "VmRSS"));
    }
}
