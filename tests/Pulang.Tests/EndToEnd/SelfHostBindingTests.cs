using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// The self-host started with no <c>--urls</c> listens on 127.0.0.1 only (<see cref="PulangHost.DefaultUrl"/>): not on
/// every IPv4 address (0.0.0.0), not on the IPv6 any address (::), so nothing outside the machine reaches it unless told
/// to. The listening sockets are read from the kernel (<c>/proc/net/tcp</c>, <c>/proc/net/tcp6</c>).
/// </summary>
public sealed class SelfHostBindingTests(TestStorage storage)
{
    [Fact]
    public async Task Without_urls_the_self_host_listens_on_ipv4_loopback_only()
    {
        var port = new Uri(PulangHost.DefaultUrl).Port;
        Assert.Equal("127.0.0.1", new Uri(PulangHost.DefaultUrl).Host);
        Assert.True(Listeners(port).Count == 0, $"port {port} is already in use on this machine: {string.Join(", ", Listeners(port))}; stop what listens there and run again");

        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("bind")) { DefaultUrls = true };
        await host.StartAsync();
        Assert.Equal(port, host.Port);

        var listeners = Listeners(port);
        Assert.Equal(["127.0.0.1"], listeners);

        // And so: not reachable on the machine's other addresses.
        foreach (var address in (await Dns.GetHostAddressesAsync(Dns.GetHostName(), TestContext.Current.CancellationToken)).Where(a => !IPAddress.IsLoopback(a)))
        {
            using var tcp = new TcpClient(address.AddressFamily);
            var refused = await Assert.ThrowsAsync<SocketException>(async () => await tcp.ConnectAsync(address, port, TestContext.Current.CancellationToken));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
    }

    /// <summary>Local addresses of the TCP sockets listening on <paramref name="port"/> (IPv4 and IPv6), e.g. <c>127.0.0.1</c>, <c>0.0.0.0</c>, <c>::</c>.</summary>
    static List<string> Listeners(int port)
    {
        var found = new List<string>();
        foreach (var (file, v6) in new[] { ("/proc/net/tcp", false), ("/proc/net/tcp6", true) })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != "0A" || int.Parse(local[1], NumberStyles.HexNumber) != port) continue; // 0A: LISTEN
                var bytes = Convert.FromHexString(local[0]);
                // The kernel prints each 32-bit word in host (little-endian) order.
                for (var i = 0; i < bytes.Length; i += 4) Array.Reverse(bytes, i, 4);
                found.Add(new IPAddress(bytes).ToString());
            }
        }

        return found;
    }
}
