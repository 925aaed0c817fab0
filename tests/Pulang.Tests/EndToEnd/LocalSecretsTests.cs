using Microsoft.Extensions.Configuration;
using Pulang.SelfHost.Hosting;
using Pulang.Workflows.Http;
using Pulang.Workflows.Letters;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>The self-host's local keys (<see cref="LocalSecrets"/>) and where the local issuer may listen (<see cref="ListenGuard"/>).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalSecretsTests : IDisposable
{
    readonly string data = Path.Combine(Path.GetTempPath(), "pulang-secrets-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Keys_are_created_owner_only_in_an_owner_only_folder_and_read_back_the_same()
    {
        var tokens = LocalTokens.Load(new AuthOptions(), data);
        var again = LocalTokens.Load(new AuthOptions(), data);
        Assert.Equal(tokens.Key.Key, again.Key.Key);
        Assert.Equal(32, tokens.Key.Key.Length);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        Assert.Equal(LocalSecrets.DirectoryMode, File.GetUnixFileMode(LocalSecrets.Folder(data)));
        Assert.Equal(LocalSecrets.FileMode, File.GetUnixFileMode(Path.Combine(LocalSecrets.Folder(data), "signing-key")));
        Assert.Empty(Directory.GetFiles(LocalSecrets.Folder(data), "*.tmp"));
    }

    [Fact]
    public void A_key_or_folder_left_readable_by_others_is_made_owner_only_again()
    {
        var key = LocalSecrets.LoadOrCreateKey(data, "download-link-key");
        var file = Path.Combine(LocalSecrets.Folder(data), "download-link-key");
        File.SetUnixFileMode(file, LocalSecrets.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(LocalSecrets.Folder(data), LocalSecrets.DirectoryMode | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        Assert.Equal(key, LocalSecrets.LoadOrCreateKey(data, "download-link-key"));
        Assert.Equal(LocalSecrets.FileMode, File.GetUnixFileMode(file));
        Assert.Equal(LocalSecrets.DirectoryMode, File.GetUnixFileMode(LocalSecrets.Folder(data)));
    }

    [Fact]
    public void A_secret_file_is_owner_only_from_its_first_byte_and_the_release_key_is_written_that_way()
    {
        // While the content is written, the only file in the keys folder is the temporary one, already 0600: there is no
        // moment in which another local user could open it (the mode is not set after writing).
        var seen = new List<(string Name, UnixFileMode Mode, long Length)>();
        var text = LocalSecrets.LoadOrCreate(data, "probe", stream =>
        {
            foreach (var f in Directory.GetFiles(LocalSecrets.Folder(data)))
            {
                seen.Add((Path.GetFileName(f), File.GetUnixFileMode(f), new FileInfo(f).Length));
            }

            stream.Write("secret"u8);
        });
        Assert.Equal("secret", text);
        var (name, mode, length) = Assert.Single(seen);
        Assert.EndsWith(".tmp", name);
        Assert.Equal(LocalSecrets.FileMode, mode);
        Assert.Equal(0, length);
        Assert.Equal(LocalSecrets.FileMode, File.GetUnixFileMode(LocalSecrets.PathOf(data, "probe")));

        // The release key goes the same way: into the keys folder, 0600, no temporary file left.
        using var key = ReleaseKey.Load(new ConfigurationBuilder().Build(), data);
        Assert.Equal(LocalSecrets.PathOf(data, ReleaseKey.FileName), ReleaseKey.PathIn(data));
        Assert.Equal(LocalSecrets.FileMode, File.GetUnixFileMode(ReleaseKey.PathIn(data)));
        Assert.Empty(Directory.GetFiles(LocalSecrets.Folder(data), "*.tmp"));
        Assert.Equal(key.KeyId, ReleaseKey.FromPem(File.ReadAllText(ReleaseKey.PathIn(data))).KeyId);

        // A content writer that fails leaves no file behind, and the next call creates the secret.
        Assert.Throws<IOException>(() => LocalSecrets.LoadOrCreate(data, "broken", _ => throw new IOException("disk full")));
        Assert.False(File.Exists(LocalSecrets.PathOf(data, "broken")));
        Assert.Empty(Directory.GetFiles(LocalSecrets.Folder(data), "*.tmp"));
    }

    [Fact]
    public async Task Replicas_creating_the_key_at_once_all_get_the_same_key()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => LocalSecrets.LoadOrCreateKey(data, "race-key"))));
        Assert.Single(keys.Select(Convert.ToBase64String).Distinct());
        Assert.Single(Directory.GetFiles(LocalSecrets.Folder(data)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.1.2.3:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://192.168.1.10:5080", false)]
    [InlineData("https://pulang.example:443", false)]
    public void Loopback_addresses_are_told_from_network_ones(string url, bool loopback) => Assert.Equal(loopback, ListenGuard.IsLoopback(url));

    [Theory]
    [InlineData("urls", "http://127.0.0.1:1;http://0.0.0.0:2", "http://0.0.0.0:2")]
    [InlineData("http_ports", "8080", "http://*:8080")]
    [InlineData("Kestrel:Endpoints:Web:Url", "http://10.0.0.5:80", "http://10.0.0.5:80")]
    public void The_local_issuer_on_a_network_address_is_refused_unless_allowed_or_with_entra_id(string key, string value, string named)
    {
        IConfiguration Config(params (string, string)[] more) => new ConfigurationBuilder()
            .AddInMemoryCollection(more.Select(m => new KeyValuePair<string, string?>(m.Item1, m.Item2)).Append(new(key, value))).Build();

        var e = Assert.Throws<InvalidOperationException>(() => ListenGuard.Check(Config(), localIssuer: true));
        Assert.Contains(named, e.Message);
        ListenGuard.Check(Config((ListenGuard.AllowSetting, "true")), localIssuer: true);
        ListenGuard.Check(Config(), localIssuer: false);
    }

    public void Dispose()
    {
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
    }
}
