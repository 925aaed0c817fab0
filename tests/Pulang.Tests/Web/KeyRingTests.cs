using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Tests.Infrastructure;
using Pulang.Web.Hosting;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Web;

/// <summary>
/// The data-protection key ring in storage (<see cref="BlobKeyRing"/>, real Azurite): what one replica protects (an
/// anti-forgery token, a session's form) another replica on the same storage account reads, and a process with its own ring
/// cannot.
/// </summary>
public sealed class KeyRingTests(TestStorage storage)
{
    ServiceProvider Replica(bool sharedRing = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new PulangStorage(storage.ConnectionString));
        if (sharedRing)
        {
            BlobKeyRing.AddPulangKeyRing(services);
        }
        else
        {
            services.AddDataProtection().SetApplicationName("pulang").UseEphemeralDataProtectionProvider();
        }

        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task What_one_replica_protects_another_on_the_same_storage_reads()
    {
        using var a = Replica();
        using var b = Replica();
        using var own = Replica(sharedRing: false);
        const string purpose = "Pulang.Tests.KeyRing";
        var secret = $"form-{Guid.NewGuid():N}";

        var protectedByA = a.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Protect(secret);

        Assert.Equal(secret, b.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Unprotect(protectedByA));
        Assert.ThrowsAny<CryptographicException>(() => own.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Unprotect(protectedByA));

        var container = new PulangStorage(storage.ConnectionString).Blobs.GetBlobContainerClient(BlobKeyRing.Container);
        var keys = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            keys.Add(blob.Name);
        }

        Assert.Contains(keys, k => k.StartsWith("key-", StringComparison.Ordinal) && k.EndsWith(".xml", StringComparison.Ordinal));
    }
}
