using System.Diagnostics;
using System.Net.Sockets;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// The real self-host with an Azurite of its own (no storage connection string, its own ports and data folder): SIGTERM
/// stops both, and a self-host killed with SIGKILL leaves an Azurite that the next start adopts and stops at its end.
/// </summary>
public sealed class CleanStopTests : IDisposable
{
    readonly string data = Path.Combine(Path.GetTempPath(), "pulang-stop-" + Guid.NewGuid().ToString("N")[..12]);
    readonly int port = FreePortTriple();

    SelfHostProcess NewHost() => new("", TestStorage.NewTaskHub("stop"), new Dictionary<string, string>
    {
        ["Pulang__StorageConnectionString"] = "",
        ["Pulang__AzuritePort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pulang__DataDirectory"] = data,
        ["Logging__LogLevel__Pulang"] = "Information",
    });

    string PidFile => Path.Combine(data, "azurite", Azurite.PidFileName);

    int AzuritePid() => int.Parse(File.ReadAllText(PidFile).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Sigterm_stops_the_self_host_and_the_azurite_it_started()
    {
        await using var host = NewHost();
        await host.StartAsync();
        var azurite = AzuritePid();
        Assert.True(Alive(azurite));

        var exit = await host.TerminateAsync(TimeSpan.FromSeconds(90));

        Assert.True(exit is not null, $"the self-host did not stop within 90 s of SIGTERM:\n{host.Log}");
        await AssertGoneAsync(azurite, host.Log);
    }

    [Fact]
    public async Task A_second_start_adopts_the_azurite_a_killed_self_host_left_and_stops_it_at_its_end()
    {
        await using var host = NewHost();
        await host.StartAsync();
        var azurite = AzuritePid();
        await host.KillHostOnlyAsync();
        Assert.True(Alive(azurite), "SIGKILL gives the self-host no chance to stop its Azurite");

        await host.StartAsync();
        Assert.Equal(azurite, AzuritePid());
        Assert.Contains($"Reusing the Azurite (process {azurite})", host.Log);

        Assert.NotNull(await host.TerminateAsync(TimeSpan.FromSeconds(90)));
        await AssertGoneAsync(azurite, host.Log);
    }

    async Task AssertGoneAsync(int azurite, string log)
    {
        for (var i = 0; i < 50 && Alive(azurite); i++) await Task.Delay(100);
        Assert.False(Alive(azurite), $"Azurite (process {azurite}) still runs after the self-host stopped:\n{log}");
        Assert.False(File.Exists(PidFile));
        foreach (var p in new[] { port, port + 1, port + 2 })
        {
            using var tcp = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(async () => await tcp.ConnectAsync("127.0.0.1", p, TestContext.Current.CancellationToken));
        }
    }

    static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A blob port whose next two ports are free too (Azurite's blob, queue, table).</summary>
    static int FreePortTriple()
    {
        for (var attempt = 0; ; attempt++)
        {
            var candidate = Random.Shared.Next(30000, 39000);
            if (Enumerable.Range(candidate, 3).All(Free)) return candidate;
            if (attempt > 100) throw new InvalidOperationException("No three free ports in a row.");
        }

        static bool Free(int p)
        {
            try
            {
                using var l = new TcpListener(System.Net.IPAddress.Loopback, p);
                l.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(PidFile) && AzuritePid() is var pid && Alive(pid)) Process.GetProcessById(pid).Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is IOException or ArgumentException or FormatException)
        {
        }

        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
    }
}
