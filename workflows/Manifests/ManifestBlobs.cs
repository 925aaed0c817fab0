using Azure;
using Azure.Storage.Blobs;

namespace Pulang.Workflows.Manifests;

/// <summary>
/// Manifest files that other systems drop in the <c>manifests</c> container (any name; the format from the blob's content
/// type, else its extension, <c>.csv</c> or <c>.json</c>): the same path as <c>POST /api/manifests</c>, for both hosts (the
/// Functions blob trigger, the self-host's watcher). The same bytes under another name, or written again, are the same
/// manifest (nothing started twice). The blob is left as it is.
/// </summary>
public sealed class ManifestBlobs(ManifestService manifests)
{
    /// <summary>
    /// Takes one dropped blob; returns what happened, for the log (manifest ID and line count, or why it was not taken).
    /// Storage failures throw (the caller tries again).
    /// </summary>
    public async Task<string> HandleAsync(BlobClient blob, CancellationToken ct)
    {
        Azure.Storage.Blobs.Models.BlobDownloadResult download;
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
            if (properties.ContentLength > ManifestFile.MaxBytes)
            {
                return $"not taken: manifest.too-large ({properties.ContentLength} bytes; at most {ManifestFile.MaxBytes})";
            }

            download = (await blob.DownloadContentAsync(new Azure.Storage.Blobs.Models.BlobDownloadOptions { Conditions = new() { IfMatch = properties.ETag } }, ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return "not taken: the blob was deleted or replaced while being read (a replacement is seen on its own)";
        }

        var format = ManifestFile.FormatOf(download.Details.ContentType is { } type && !type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) ? type : null, blob.Name);
        var submission = await manifests.SubmitAsync(download.Content.ToArray(), format, $"blob:{blob.BlobContainerName}/{blob.Name}", blob.Name, recordRejection: true, ct);
        return submission.Rejection is { } r ? $"manifest {submission.ManifestId} rejected: {r.Code}"
            : $"manifest {submission.ManifestId}, {submission.Lines} lines, {(submission.Created ? "started" : "received before")}";
    }
}
