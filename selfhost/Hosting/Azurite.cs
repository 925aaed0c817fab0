using System.Diagnostics;
using System.Net.Sockets;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// Starts Azurite (npm package <c>azurite</c>, pinned in the repository's <c>package.json</c>) on 127.0.0.1 when
/// no storage connection string is configured, installing it with <c>npm ci</c> on first use. An Azurite already
/// listening on the ports is reused (a self-host restarted after a crash finds its storage as it left it); one that an
/// earlier self-host started and left behind when it was killed (named in <see cref="PidFileName"/>) is adopted, and
/// stopped at this run's end, or replaced when it no longer answers.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft; not a secret).</summary>
    public const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    Process? process;
    string? pidFile;

    Azurite(int blobPort)
    {
        BlobPort = blobPort;
    }

    /// <summary>Blob port; queue and table use the next two.</summary>
    public int BlobPort { get; }

    /// <summary>True when this object started the process (and will stop it).</summary>
    public bool Owned => process is not null;

    /// <summary>Connection string for the account <c>devstoreaccount1</c> on 127.0.0.1.</summary>
    public string ConnectionString => ConnectionStringFor(BlobPort);

    /// <summary>The connection string for an Azurite on 127.0.0.1 with blob, queue and table on <paramref name="blobPort"/>..+2.</summary>
    public static string ConnectionStringFor(int blobPort) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{blobPort + 1}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{blobPort + 2}/devstoreaccount1;";

    /// <summary>
    /// Ensures an Azurite listens on <paramref name="blobPort"/>..+2, starting one with its data in
    /// <paramref name="dataDirectory"/> if none does.
    /// </summary>
    /// <exception cref="InvalidOperationException">npm or Azurite is missing and cannot be installed, or it did not start in 60 s.</exception>
    public static async Task<Azurite> EnsureRunningAsync(int blobPort, string dataDirectory, ILogger logger, CancellationToken ct = default)
    {
        var azurite = new Azurite(blobPort);
        var pidFile = Path.Combine(dataDirectory, PidFileName);
        var leftover = AzuritePidFile.FindLeftover(pidFile, blobPort);
        var listening = await ListeningAsync(blobPort, ct) && await ListeningAsync(blobPort + 1, ct) && await ListeningAsync(blobPort + 2, ct);
        if (leftover is not null && listening)
        {
            // Left running by a self-host that was killed (SIGKILL gives it no chance to stop its child): adopt it, so this
            // run stops it at its end.
            logger.LogInformation("Reusing the Azurite (process {Pid}) an earlier run left on 127.0.0.1:{Port}", leftover.Id, blobPort);
            azurite.process = leftover;
            azurite.pidFile = pidFile;
            return azurite;
        }

        if (leftover is not null)
        {
            logger.LogWarning("Replacing the Azurite (process {Pid}) an earlier run left that does not answer on 127.0.0.1:{Port}-{Last}", leftover.Id, blobPort, blobPort + 2);
            leftover.Kill(entireProcessTree: true);
            await leftover.WaitForExitAsync(ct);
            leftover.Dispose();
            listening = false;
        }

        if (listening)
        {
            logger.LogInformation("Using the Azurite already listening on 127.0.0.1:{Port}", blobPort);
            return azurite;
        }

        var executable = await FindOrInstallAsync(logger, ct);
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{blobPort + 1}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{blobPort + 2}",
            "--location", dataDirectory,
        })
        {
            start.ArgumentList.Add(a);
        }

        azurite.process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        azurite.pidFile = pidFile;
        AzuritePidFile.Write(pidFile, azurite.process.Id, blobPort);
        azurite.process.OutputDataReceived += (_, _) => { };
        azurite.process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) logger.LogWarning("azurite: {Line}", e.Data); };
        azurite.process.BeginOutputReadLine();
        azurite.process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await ListeningAsync(blobPort, ct) && await ListeningAsync(blobPort + 1, ct) && await ListeningAsync(blobPort + 2, ct)))
        {
            if (azurite.process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {azurite.process.ExitCode}; are ports {blobPort}-{blobPort + 2} free?");
            }

            if (DateTime.UtcNow > deadline)
            {
                await azurite.DisposeAsync();
                throw new InvalidOperationException("Azurite did not start listening within 60 s.");
            }

            await Task.Delay(200, ct);
        }

        logger.LogInformation("Started Azurite on 127.0.0.1:{Port}-{Last} with data in {Dir}", blobPort, blobPort + 2, dataDirectory);
        return azurite;
    }

    /// <summary>Stops Azurite if this object started (or adopted) it, and removes its process ID file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
        if (pidFile is not null)
        {
            File.Delete(pidFile);
            pidFile = null;
        }
    }

    /// <summary>The file in Azurite's data directory that names the Azurite process a self-host started (<see cref="AzuritePidFile"/>).</summary>
    public const string PidFileName = "azurite.pid";

    /// <summary>The process ID of the Azurite this object started or adopted; null when it uses someone else's.</summary>
    public int? ProcessId => process?.Id;

    static async Task<bool> ListeningAsync(int port, CancellationToken ct)
    {
        try
        {
            using var tcp = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(500);
            await tcp.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The repository's <c>node_modules/.bin/azurite</c>, installed with <c>npm ci</c> if missing; else <c>azurite</c> on PATH.</summary>
    static async Task<string> FindOrInstallAsync(ILogger logger, CancellationToken ct)
    {
        var root = RepositoryRoot();
        if (root is not null)
        {
            var local = Path.Combine(root, "node_modules", ".bin", "azurite");
            if (File.Exists(local))
            {
                return local;
            }

            logger.LogInformation("Installing Azurite with npm ci in {Root} (first run only)", root);
            var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error") { WorkingDirectory = root, UseShellExecute = false })
                ?? throw new InvalidOperationException("npm is not installed; install Node.js and npm, or set Pulang__StorageConnectionString.");
            await npm.WaitForExitAsync(ct);
            if (npm.ExitCode == 0 && File.Exists(local))
            {
                return local;
            }

            throw new InvalidOperationException($"npm ci failed with exit code {npm.ExitCode}; run it in {root} to see why, or set Pulang__StorageConnectionString.");
        }

        return "azurite";
    }

    /// <summary>The nearest folder above the program (or the working directory) with a package.json naming azurite.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var package = Path.Combine(dir.FullName, "package.json");
                if (File.Exists(package) && File.ReadAllText(package).Contains("\"azurite\"", StringComparison.Ordinal))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
