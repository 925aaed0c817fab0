using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Configurations the real self-host process refuses at start, with a message that names the setting, before it
/// listens or touches storage.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StartRefusalTests(TestStorage storage)
{
    [Fact]
    public async Task The_embedded_text_engine_without_the_test_switch_stops_the_self_host_at_start()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("refuse"), new Dictionary<string, string>
        {
            ["Pulang__Ocr__Engine"] = "embedded-text",
            ["Pulang__Ocr__AllowTestEngines"] = "false",
        });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(host.StartAsync);
        Assert.Contains("exited with", e.Message);
        Assert.Contains("test-only engine", e.Message);
        Assert.Contains("Pulang__Ocr__AllowTestEngines=true", e.Message);
    }

    [Fact]
    public async Task The_local_issuer_on_a_network_address_stops_the_self_host_unless_told_explicitly()
    {
        await using var refused = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("refuse")) { ListenUrl = "http://0.0.0.0:{port}" };
        var e = await Assert.ThrowsAsync<InvalidOperationException>(refused.StartAsync);
        Assert.Contains("http://0.0.0.0:", e.Message);
        Assert.Contains("Pulang__Auth__AllowLocalIssuerOnNetwork=true", e.Message);
        Assert.False(Directory.Exists(refused.DataDirectory), "refused before it made anything");

        await using var allowed = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("network"),
            new Dictionary<string, string> { ["Pulang__Auth__AllowLocalIssuerOnNetwork"] = "true", ["Pulang__Auth__SigningKey"] = "" })
        { ListenUrl = "http://0.0.0.0:{port}" };
        await allowed.StartAsync();

        // Its keys (the local issuer's, the download links' and the release letters') were made owner-only, in an owner-only folder.
        var keys = Path.Combine(allowed.DataDirectory, "keys");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        Assert.Equal(["download-link-key", "release-key.pem", "signing-key"], Directory.GetFiles(keys).Select(Path.GetFileName).Order());
        foreach (var file in Directory.GetFiles(keys))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}
