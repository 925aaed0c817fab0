using System.Diagnostics;
using System.Net.Sockets;
using Pulang.SelfHost.Hosting;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// An Azurite of a test's own (not the shared test storage), on 127.0.0.1 ports <c>blobPort</c>..<c>blobPort+2</c>
/// with its data in its own folder: it can be stopped (SIGTERM, so it saves its data as a real shutdown would) and
/// started again on the same ports and data, to take storage away from a running service.
/// </summary>
public sealed class AzuriteProcess(int blobPort) : IAsyncDisposable
{
    readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"pulang-azurite-{blobPort}-{Guid.NewGuid():N}");
    Process? process;

    /// <summary>Blob port (queue +1, table +2).</summary>
    public int BlobPort { get; } = blobPort;

    /// <summary>Its connection string.</summary>
    public string ConnectionString => Azurite.ConnectionStringFor(BlobPort);

    /// <summary>Starts Azurite and waits (at most 60 s) until all three services accept connections.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (await ListeningAsync(BlobPort) || await ListeningAsync(BlobPort + 1) || await ListeningAsync(BlobPort + 2))
        {
            throw new InvalidOperationException($"Ports {BlobPort}-{BlobPort + 2} are taken; this test needs its own Azurite there.");
        }

        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo(Path.Combine(TestPaths.RepositoryRoot, "node_modules", ".bin", "azurite"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--location", dataDirectory,
            "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{BlobPort + 1}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{BlobPort + 2}",
        })
        {
            start.ArgumentList.Add(a);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Azurite (run npm ci).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await ListeningAsync(BlobPort) && await ListeningAsync(BlobPort + 1) && await ListeningAsync(BlobPort + 2)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start on {BlobPort}-{BlobPort + 2} (exited: {process.HasExited}).");
            }

            await Task.Delay(200, ct);
        }
    }

    /// <summary>
    /// Stops Azurite with SIGTERM and waits until it has closed its listeners and saved its data. That can take
    /// 20 s or more: it keeps serving open keep-alive connections until they close. Only after
    /// <paramref name="grace"/> (default 2 min) is it killed (SIGKILL), which loses the writes of its last few
    /// seconds (Azurite saves its metadata every 5 s), something real storage never does; so the answer says
    /// whether it stopped cleanly (true) or had to be killed (false).
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan? grace = null)
    {
        if (process is not { HasExited: false } p)
        {
            return true;
        }

        _ = Kill(p.Id, 15);
        using var wait = new CancellationTokenSource(grace ?? TimeSpan.FromMinutes(2));
        var clean = true;
        try
        {
            await p.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            clean = false;
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        p.Dispose();
        process = null;
        return clean;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    static async Task<bool> ListeningAsync(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            using var timeout = new CancellationTokenSource(500);
            await tcp.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    static bool Kill(int pid, int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", $"{pid}"]) { UseShellExecute = false });
        kill?.WaitForExit(10_000);
        return kill?.ExitCode == 0;
    }
}
