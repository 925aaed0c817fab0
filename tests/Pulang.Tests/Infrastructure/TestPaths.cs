namespace Pulang.Tests.Infrastructure;

/// <summary>Where the repository, the self-host build and the shared samples are.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder with Pulang.slnx).</summary>
    public static string RepositoryRoot { get; } = FindUp(AppContext.BaseDirectory, d => File.Exists(Path.Combine(d, "Pulang.slnx")))
        ?? throw new DirectoryNotFoundException("Pulang.slnx not found above the test binaries.");

    /// <summary><c>PULANG_SAMPLES</c>, else <c>shared/samples</c> beside the repository (or above it).</summary>
    /// <remarks>Looked up on use, so tests that need no sample scans still run where the samples are missing.</remarks>
    public static string Samples => Environment.GetEnvironmentVariable("PULANG_SAMPLES") is { Length: > 0 } env ? env
        : FindUp(RepositoryRoot, d => Directory.Exists(Path.Combine(d, "shared", "samples"))) is { } root ? Path.Combine(root, "shared", "samples")
        : throw new DirectoryNotFoundException("shared/samples not found; set PULANG_SAMPLES.");

    /// <summary>A sample scan by file name (under <c>samples/scans</c>).</summary>
    public static string Scan(string file) => Path.Combine(Samples, "scans", file);

    /// <summary>The built self-host (<c>pulang.dll</c>) of the same configuration as the tests.</summary>
    public static string SelfHostDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var dll = Path.Combine(RepositoryRoot, "selfhost", "bin", configuration, "net10.0", "pulang.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the self-host is missing.", dll);
        }
    }

    static string? FindUp(string start, Func<string, bool> match)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (match(dir.FullName))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
