using System.Text.Json;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>
/// Finds the fictional sample scans: <c>PULANG_SAMPLES</c> if set, else the first <c>shared/samples</c> folder found walking up
/// from the test binaries (the repository is cloned at X/&lt;repo&gt; with the samples at X/shared/samples).
/// </summary>
internal static class Samples
{
    static readonly Lazy<string?> Folder = new(() =>
    {
        var env = Environment.GetEnvironmentVariable("PULANG_SAMPLES");
        if (!string.IsNullOrWhiteSpace(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "samples");
            if (File.Exists(Path.Combine(candidate, "ground_truth.json"))) return candidate;
        }
        return null;
    });

    /// <summary>
    /// The full path of a sample file. When the samples folder is absent (a clone without shared/) the test is skipped, unless
    /// <c>PULANG_REQUIRE_SAMPLES=1</c> (set by <c>scripts/test.sh</c>, so CI, which always has the samples, never passes by skipping):
    /// then the test fails.
    /// </summary>
    public static string PathOf(string relative)
    {
        if (Folder.Value is null)
        {
            const string missing = "Sample scans not found: set PULANG_SAMPLES or place shared/samples beside the repository.";
            if (Environment.GetEnvironmentVariable("PULANG_REQUIRE_SAMPLES") == "1") Assert.Fail(missing + " PULANG_REQUIRE_SAMPLES=1 requires them.");
            Assert.Skip(missing);
        }
        return Path.Combine(Folder.Value!, relative);
    }

    public static JsonElement GroundTruth
    {
        get
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(PathOf("ground_truth.json")));
            return doc.RootElement.Clone();
        }
    }
}
