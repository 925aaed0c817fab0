using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Storage;

namespace Pulang.Web.Hosting;

/// <summary>
/// The ASP.NET Core data-protection key ring (which signs the anti-forgery tokens) kept in the deployment's storage account,
/// container <see cref="Container"/>, one blob per key (<c>{friendlyName}.xml</c>), so every replica of either host (the
/// Function App's instances, self-hosts on one task hub) accepts the forms another one served. Without it each process keeps
/// its own ring and a form posted to another instance is refused as forged.
/// </summary>
/// <remarks>
/// The keys are stored as ASP.NET Core writes them (not encrypted again: the account encrypts at rest and only the app's
/// identity may read the container). Storage calls are synchronous because <see cref="IXmlRepository"/> is; the ring is read
/// at start and when a key expires or is not yet known (about once a day).
/// </remarks>
public sealed class BlobKeyRing(BlobContainerClient container) : IXmlRepository
{
    /// <summary>The blob container of the key ring.</summary>
    public const string Container = "dataprotection-keys";

    /// <summary>Every key element in the container (an empty list when it does not exist yet).</summary>
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = new List<XElement>();
        if (!container.Exists().Value)
        {
            return elements;
        }

        foreach (var item in container.GetBlobs())
        {
            using var stream = container.GetBlobClient(item.Name).OpenRead();
            elements.Add(XElement.Load(stream));
        }

        return elements;
    }

    /// <summary>Stores a new key as <c>{friendlyName}.xml</c>; a key is never rewritten (409 from a concurrent writer of the same name is kept as it is).</summary>
    public void StoreElement(XElement element, string friendlyName)
    {
        container.CreateIfNotExists();
        using var content = new MemoryStream();
        element.Save(content, SaveOptions.DisableFormatting);
        content.Position = 0;
        try
        {
            container.GetBlobClient($"{friendlyName}.xml").Upload(content, overwrite: false);
        }
        catch (RequestFailedException e) when (PulangStorage.IsAlreadyExists(e))
        {
        }
    }

    /// <summary>
    /// Keeps the data-protection key ring in <see cref="PulangStorage"/> (resolved from the container), under the application
    /// name <c>pulang</c> so both hosts share it.
    /// </summary>
    public static IServiceCollection AddPulangKeyRing(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("pulang");
        services.AddOptions<KeyManagementOptions>()
            .Configure<PulangStorage>((o, storage) => o.XmlRepository = new BlobKeyRing(storage.Blobs.GetBlobContainerClient(Container)));
        return services;
    }
}
