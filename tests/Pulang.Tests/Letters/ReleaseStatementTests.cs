using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Pulang.Workflows.Letters;

namespace Pulang.Tests.Letters;

/// <summary>The signed statement's format and checks, and where the release key comes from.</summary>
public sealed class ReleaseStatementTests
{
    static readonly DateTimeOffset Released = new(2026, 12, 6, 18, 18, 20, 123, TimeSpan.Zero);
    static readonly string Hash = new string('a', 63) + "b";

    [Fact]
    public void A_signed_statement_round_trips_and_verifies_only_with_its_key_and_unchanged()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var text = ReleaseStatement.Sign("PLG-9CD7N2WXNF", Released, 15, Hash, key).ToString();
        Assert.StartsWith($"PULANG-RILIS/1;c=PLG-9CD7N2WXNF;t=2026-12-06T18:18:20Z;a=15:{Hash};k={ReleaseStatement.KeyIdOf(key)};s=", text);
        Assert.True(text.Length < 260, text);

        var parsed = ReleaseStatement.TryParse(text, out var error)!;
        Assert.Null(error);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 18, 18, 20, TimeSpan.Zero), parsed.ReleasedAt);
        Assert.True(parsed.Verify(key, out _));
        Assert.False(parsed.Verify(other, out error));
        Assert.Contains("kunci lain", error);

        var changed = ReleaseStatement.TryParse(text.Replace("a=15:", "a=16:"), out _)!;
        Assert.False(changed.Verify(key, out error));
        Assert.Contains("Tanda tangan tidak cocok", error);

        // Printed over several lines on the letter, it is found again.
        Assert.Equal(text, ReleaseStatement.FindIn("Pernyataan:\n" + text[..90] + "\n" + text[90..180] + "\n" + text[180..] + "\nlain"));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("PULANG-RILIS/1;c=PLG-1;t=2026-13-01T00:00:00Z;a=1:x;k=0123456789abcdef;s=AA")]
    [InlineData("PULANG-RILIS/1;t=2026-12-01T00:00:00Z;c=PLG-1;a=1:x;k=0123456789abcdef;s=AA")]
    [InlineData("PULANG-RILIS/1;c=PLG-1;t=2026-12-01T00:00:00Z;a=0:aaaa;k=0123456789abcdef;s=AA")]
    public void Text_that_is_not_a_statement_is_refused_with_a_reason(string text)
    {
        Assert.Null(ReleaseStatement.TryParse(text, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void The_release_key_comes_from_the_setting_else_from_an_owner_only_file_in_the_data_directory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pulang-release-key-" + Guid.NewGuid().ToString("N"));
        var empty = new ConfigurationBuilder().Build();
        using var created = ReleaseKey.Load(empty, dir);
        using var again = ReleaseKey.Load(empty, dir);
        Assert.Equal(created.KeyId, again.KeyId);
        Assert.Equal(Path.Combine(dir, "keys", ReleaseKey.FileName), ReleaseKey.PathIn(dir));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ReleaseKey.PathIn(dir)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(dir, "keys")));
        }

        // A key file where the self-host kept it before (the data directory itself) is taken over, not replaced.
        var earlier = Path.Combine(Path.GetTempPath(), "pulang-release-key-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(earlier);
        using var old = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(earlier, ReleaseKey.FileName), old.ExportPkcs8PrivateKeyPem());
        using (var adopted = ReleaseKey.Load(empty, earlier))
        {
            Assert.Equal(ReleaseStatement.KeyIdOf(old), adopted.KeyId);
        }

        Assert.False(File.Exists(Path.Combine(earlier, ReleaseKey.FileName)));
        using (var adoptedAgain = ReleaseKey.Load(empty, earlier))
        {
            Assert.Equal(ReleaseStatement.KeyIdOf(old), adoptedAgain.KeyId);
        }

        Directory.Delete(earlier, true);

        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ReleaseKey.Setting] = ec.ExportPkcs8PrivateKeyPem() }).Build();
        using var fromSetting = ReleaseKey.Load(configured, dir);
        Assert.Equal(ReleaseStatement.KeyIdOf(ec), fromSetting.KeyId);

        var publicOnly = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ReleaseKey.Setting] = ec.ExportSubjectPublicKeyInfoPem() }).Build();
        Assert.Throws<InvalidOperationException>(() => ReleaseKey.Load(publicOnly, dir));
        Assert.Contains("Pulang:ReleaseKey is not set", Assert.Throws<InvalidOperationException>(() => ReleaseKey.Load(empty, null)).Message);
        Directory.Delete(dir, true);
    }
}
