using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Queues;
using Pulang.SelfHost;
using Pulang.SelfHost.Hosting;
using Pulang.Workflows;
using Pulang.Workflows.Activities;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// The real self-host (<c>pulang.dll serve</c>) as a separate process on a free loopback port, on the test
/// Azurite with its own task hub. It can be killed with SIGKILL and started again on the same task hub.
/// </summary>
public sealed class SelfHostProcess : IAsyncDisposable
{
    readonly Dictionary<string, string> environment;
    readonly List<string> log = [];
    Process? process;
    int starts;

    /// <summary>
    /// Prepares (does not start) a self-host; <paramref name="settings"/> are extra <c>Pulang__...</c> variables;
    /// <paramref name="signingKey"/> (32 bytes; default: new at random) is the local issuer's key, the same for every replica of one deployment.
    /// </summary>
    public SelfHostProcess(string storageConnectionString, string taskHub, IDictionary<string, string>? settings = null, byte[]? signingKey = null)
    {
        var key = signingKey ?? RandomNumberGenerator.GetBytes(32);
        Tokens = new LocalTokens(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(key), "pulang");
        Port = FreePort();
        TaskHub = taskHub;
        environment = new()
        {
            ["Pulang__StorageConnectionString"] = storageConnectionString,
            ["Pulang__TaskHub"] = taskHub,
            ["Pulang__EventsQueue"] = EventsQueueFor(taskHub),
            ["Pulang__Webhooks__SubscriptionsTable"] = WebhookTablesFor(taskHub).Subscriptions,
            ["Pulang__Webhooks__DeliveriesTable"] = WebhookTablesFor(taskHub).Deliveries,
            ["Pulang__Auth__SigningKey"] = Convert.ToBase64String(key),
            ["Pulang__DataDirectory"] = Path.Combine(Path.GetTempPath(), "pulang-test-" + taskHub),
            ["Pulang__Engine__WorkerId"] = $"test-{taskHub}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            // A test environment: the test-only embedded-text engine may be chosen (refused at start elsewhere).
            ["Pulang__Ocr__AllowTestEngines"] = "true",
            // The containers other systems write to are shared by every test host on the test Azurite: only the tests of the
            // watchers turn them on (BlobWatchTests), so no other host handles their blobs.
            ["Pulang__WatchBlobs"] = "false",
            // The drivers act as many people with one token each (50 cases polled at once by one reader): no per-caller
            // limit, except in the tests of the limits themselves (RateLimitTests).
            ["Pulang__RateLimits__Enabled"] = "false",
            // Timestamps (UTC, to the millisecond) so a failure's log lines can be matched with task hub rows.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            environment[k] = v;
        }
    }

    /// <summary>The events queue of a test task hub (one per process, so tests do not read each other's events).</summary>
    public static string EventsQueueFor(string taskHub) => $"events-{taskHub.ToLowerInvariant()}";

    /// <summary>The webhook tables of a test task hub (one pair per process, so no test delivers another's events).</summary>
    public static (string Subscriptions, string Deliveries) WebhookTablesFor(string taskHub)
    {
        var name = new string([.. taskHub.Where(char.IsAsciiLetterOrDigit)]);
        return (("Subs" + name)[..Math.Min(63, 4 + name.Length)], ("Deliveries" + name)[..Math.Min(63, 10 + name.Length)]);
    }

    /// <summary>
    /// Peeks (without taking) up to 32 messages (CloudEvents, decoded and checked by <see cref="ReceivedEvent.Decode"/>) of <paramref name="taskHub"/>'s events queue and keeps those of <paramref name="caseId"/>;
    /// empty when the queue does not exist yet.
    /// </summary>
    public static async Task<List<ReceivedEvent>> PeekEventsAsync(string storageConnectionString, string taskHub, string caseId, CancellationToken ct)
    {
        var queue = new QueueClient(storageConnectionString, EventsQueueFor(taskHub), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        if (!await queue.ExistsAsync(ct))
        {
            return [];
        }

        return [.. (await queue.PeekMessagesAsync(32, ct)).Value
            .Select(m => ReceivedEvent.Decode(m.Body))
            .Where(e => e.CaseId == caseId)];
    }

    /// <summary>The task hub.</summary>
    public string TaskHub { get; }

    /// <summary>Loopback port (<see cref="PulangHost.DefaultUrl"/>'s with <see cref="DefaultUrls"/>).</summary>
    public int Port { get; private set; }

    /// <summary>
    /// Start without <c>--urls</c> (and without <c>ASPNETCORE_URLS</c>/<c>DOTNET_URLS</c>), so the self-host listens where it
    /// does by default (<see cref="PulangHost.DefaultUrl"/>).
    /// </summary>
    public bool DefaultUrls { get; init; }

    /// <summary>Listen here instead of <c>http://127.0.0.1:{Port}</c> (<c>{port}</c> is replaced by <see cref="Port"/>).</summary>
    public string? ListenUrl { get; init; }

    /// <summary>The data directory (<c>Pulang__DataDirectory</c>).</summary>
    public string DataDirectory => environment["Pulang__DataDirectory"];

    /// <summary>Mints tokens this process accepts.</summary>
    public LocalTokens Tokens { get; }

    /// <summary>A client for the process.</summary>
    public PulangClient Client { get; private set; } = null!;

    /// <summary>What the process printed (for failure messages).</summary>
    public string Log { get { lock (log) return string.Join('\n', log); } }

    /// <summary>Starts the process and waits until <c>/healthz</c> answers (at most 90 s).</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (DefaultUrls)
        {
            Port = new Uri(PulangHost.DefaultUrl).Port;
            foreach (var v in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS" })
            {
                start.Environment.Remove(v);
            }
        }

        foreach (var a in DefaultUrls ? [TestPaths.SelfHostDll, "serve"] : new[] { TestPaths.SelfHostDll, "serve", "--urls", (ListenUrl ?? "http://127.0.0.1:{port}").Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }

        // Each start is a new worker, as a restarted process in production is (see PulangHost's default worker ID).
        start.Environment["Pulang__Engine__WorkerId"] = $"{environment["Pulang__Engine__WorkerId"]}-{++starts}";

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Client = new PulangClient(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(60) });

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The self-host exited with {process.ExitCode}:\n{Log}");
            }

            try
            {
                if ((await Client.Http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The self-host did not answer within 90 s:\n{Log}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Null while the process runs (or was never started); else how it ended, with its log, for failure messages.</summary>
    public string? Exited => process is { HasExited: true } p ? $"The self-host exited with {p.ExitCode}:\n{string.Join('\n', Log.Split('\n').TakeLast(80))}" : null;

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The process ID of the running self-host (null before the first start).</summary>
    public int? ProcessId => process?.Id;

    /// <summary>Kills only the self-host (SIGKILL), not the processes it started (an Azurite of its own survives, as in production).</summary>
    public async Task KillHostOnlyAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Sends SIGTERM (as <c>docker stop</c>, systemd or Ctrl-C's SIGINT would) and waits for the exit; its exit code, or null after <paramref name="timeout"/>.</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        if (process is null) return null;
        var p = process;
        if (p.HasExited) return p.ExitCode;
        if (Kill(p.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {p.Id} failed");
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(wait.Token);
            return p.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    /// <summary>Where the whole log is written when the process is disposed (its data directory), to read after a failure.</summary>
    public string LogFile => Path.Combine(environment["Pulang__DataDirectory"], "host.log");

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (process is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
            await File.WriteAllTextAsync(LogFile, Log);
        }

        process?.Dispose();
        Client?.Http.Dispose();
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
