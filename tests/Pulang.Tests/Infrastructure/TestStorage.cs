using Microsoft.Extensions.Logging.Abstractions;
using Pulang.SelfHost.Hosting;

[assembly: AssemblyFixture(typeof(Pulang.Tests.Infrastructure.TestStorage))]

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// The Azurite every integration test uses: <c>PULANG_TEST_STORAGE</c> (set by .ci/run, which starts Azurite on
/// its own ports), else an Azurite this fixture starts on 127.0.0.1:20010-20012 (reused if already running).
/// Tests isolate themselves by task hub name and by case, never by wiping storage.
/// </summary>
public sealed class TestStorage : IAsyncLifetime
{
    Azurite? azurite;

    /// <summary>Connection string of the test Azurite.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("PULANG_TEST_STORAGE") is { Length: > 0 } configured)
        {
            ConnectionString = configured;
            return;
        }

        azurite = await Azurite.EnsureRunningAsync(20010, Path.Combine(Path.GetTempPath(), "pulang-test-azurite"), NullLogger.Instance);
        ConnectionString = azurite.ConnectionString;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>A fresh task hub name (letters and digits only).</summary>
    public static string NewTaskHub(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];
}
