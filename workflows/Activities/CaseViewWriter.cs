using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Activities;

/// <summary>
/// Writes the case view blob <c>cases/{caseId}.json</c>: the whole <see cref="CaseState"/>, which readers
/// (<c>GET /api/cases/{id}</c>) load instead of the orchestration's custom status, with its version in the blob's
/// metadata (<c>version</c>); then records the stage and whom the case waits for in the case index
/// (<see cref="CaseIndex.SetStateAsync"/>, the inbox). Activities run at least once, and a repeated run can come late:
/// its work-item message reappears (after a crash, or when deleting it failed) once the case has moved on. So the
/// view only moves forward: it is written only over an older version, conditionally on the blob's ETag (or on its
/// absence), read again on a conflict. Returns the version the view holds afterwards. Part of <see cref="CommitDecisionActivity"/>.
/// </summary>
public sealed class CaseViewWriter(PulangStorage storage, CaseIndex index)
{
    /// <summary>Writes <paramref name="input"/> as the case view unless a newer one is there, then its index row; returns the version the view holds.</summary>
    public async Task<int> SaveAsync(CaseState input)
    {
        var blob = storage.CaseViews.GetBlobClient($"{input.CaseId}.json");
        var held = await WriteIfNewerAsync(blob, input);
        await index.SetStateAsync(input, CancellationToken.None);
        return held;
    }

    static async Task<int> WriteIfNewerAsync(BlobClient blob, CaseState input)
    {
        var content = BinaryData.FromObjectAsJson(input, PulangJson.Options);
        while (true)
        {
            BlobRequestConditions conditions;
            try
            {
                var properties = (await blob.GetPropertiesAsync()).Value;
                if (properties.Metadata.TryGetValue("version", out var text) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var stored) && stored >= input.Version)
                {
                    return stored;
                }

                conditions = new BlobRequestConditions { IfMatch = properties.ETag };
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            try
            {
                await blob.UploadAsync(content, new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Metadata = new Dictionary<string, string> { ["version"] = input.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    Conditions = conditions,
                });
                return input.Version;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Written in between: look again.
            }
        }
    }
}
