using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Cases;

/// <summary>What became of one blob in the <c>incoming</c> container.</summary>
/// <param name="Scan">The stored scan (its reading is scheduled), or null when rejected.</param>
/// <param name="Rejection">Why the blob was not taken (unknown case or kind, a restricted kind, finished case, bad content); null when taken.</param>
public sealed record IncomingScanOutcome(StoredScan? Scan, string? Rejection);

/// <summary>
/// Scans that scanners and other systems write straight into blob storage, at
/// <c>incoming/{caseId}/{kind}/{fileName}</c> (kind as in the upload route, e.g. <c>passport</c>): the same checks and
/// the same scan path as <c>PUT /api/cases/{caseId}/documents/{kind}</c> (<see cref="DocumentUploads.ImportAsync"/>).
/// The same blob version seen twice (same URI and ETag) is stored and analyzed once. The incoming blob is left as
/// it is (the storage lifecycle policy removes it later). Restricted kinds (<c>investigation</c>) are rejected
/// (<see cref="RestrictedKindCode"/>): a blob writer is no investigator, so taking them here would bypass the
/// investigator/admin-only upload rule.
/// </summary>
public sealed class IncomingScans(CaseService cases, DocumentUploads uploads)
{
    /// <summary>Container scanners write to.</summary>
    public const string Container = Storage.PulangStorage.IncomingContainer;

    /// <summary>The rejection code for a restricted kind (<see cref="DocumentKinds.IsRestricted"/>) written to the container.</summary>
    public const string RestrictedKindCode = "incoming.restricted-kind";

    /// <summary>Who imported scans are recorded as uploaded by.</summary>
    public static Actor Importer { get; } = new("system:blob-import", []);

    /// <summary>Takes one incoming blob. Storage failures throw (the trigger retries); bad input comes back as a rejection.</summary>
    public async Task<IncomingScanOutcome> HandleAsync(BlobClient blob, string caseId, string kind, CancellationToken ct)
    {
        // One trace per blob (under the trigger's span in Azure): the reading and the case's decision join it.
        using var span = Telemetry.PulangTelemetry.Source.StartActivity("incoming scan", System.Diagnostics.ActivityKind.Consumer);
        if (!DocumentKinds.TryParse(kind, out var documentKind))
        {
            return new(null, $"'{InputText.Shorten(kind)}' is not a document kind; use one of {string.Join(", ", DocumentKinds.RouteNames)}.");
        }

        if (!documentKind.VisibleTo(Importer))
        {
            // The container has no caller to check: restricted papers come only from an investigator or admin over HTTP.
            return new(null, $"{RestrictedKindCode}: '{kind}' papers are restricted; only an investigator or admin uploads them (PUT /api/cases/{{caseId}}/documents/{kind}), never through the {Container} container.");
        }

        var state = await cases.GetAsync(caseId, ct);
        if (state is null) return new(null, $"There is no case '{InputText.Shorten(caseId)}'.");
        span?.SetTag(Telemetry.PulangTelemetry.CaseId, caseId);
        if (state.IsFinished) return new(null, $"The case is {state.Stage}; it takes no more documents.");

        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new(null, "The blob no longer exists.");
        }

        var contentType = MediaTypeOf(properties.ContentType, blob.Name);
        var sourceKey = $"{blob.Uri.AbsolutePath}#{properties.ETag}";
        try
        {
            var stored = await uploads.ImportAsync(state, documentKind, sourceKey,
                c => blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } }, c),
                contentType, properties.ContentLength, Importer, ct);
            return new(stored, null);
        }
        catch (UploadRejectedException e)
        {
            return new(null, $"{e.Code}: {e.Message}");
        }
    }

    /// <summary>The blob's media type, or (when it says nothing useful) the one its file extension implies.</summary>
    public static string? MediaTypeOf(string? contentType, string blobName)
    {
        if (!string.IsNullOrEmpty(contentType) && !contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return contentType;
        }

        return Path.GetExtension(blobName).ToLowerInvariant() switch
        {
            ".pdf" => "application/pdf",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".png" => "image/png",
            ".tif" or ".tiff" => "image/tiff",
            _ => contentType,
        };
    }
}
