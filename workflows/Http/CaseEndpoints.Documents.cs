using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Http;

/// <summary>Documents: upload, verification, signed download links and the downloads they point to.</summary>
public static partial class CaseEndpoints
{
    /// <summary>
    /// Maps <c>GET /downloads/{caseId}/{documentId}</c>: the target of signed download links. It takes no bearer
    /// token (the host must map it outside the authenticated <c>/api</c> group); the link's signature and expiry are
    /// the permission.
    /// </summary>
    public static IEndpointConventionBuilder MapPulangDownloads(this IEndpointRouteBuilder app) =>
        app.MapGet("/downloads/{caseId}/{documentId}", Download).Api(nameof(Download), "Documents", anonymous: true)
            .ReturnsFile(200, "image/jpeg", "image/png", "image/tiff", "application/pdf").Problems(403, 404);

    /// <summary>
    /// <c>GET /api/cases/{caseId}/documents/{documentId}/content</c> (any role that may see the document;
    /// investigation papers: investigators and admins): a short-lived signed link to the scan,
    /// <c>{"url","expiresAt"}</c>. Unknown or hidden documents: 404. Each link issued is audited as a download; each
    /// refused one as a refused download (code <c>document.restricted</c> for a document hidden from the caller,
    /// <c>document.unknown</c> otherwise; the caller's answer is the same 404 either way, so it tells nothing).
    /// </summary>
    public static async Task<IResult> GetDocumentLink(HttpContext http, string caseId, string documentId)
    {
        if (Authorize(http, out var actor, AnyRole) is { } denied) return denied;
        var state = await Service(http).GetAsync(caseId, http.RequestAborted);
        if (state is null) return Problems.CaseNotFound(caseId);
        if (!CaseView.CanSee(state, actor!, documentId))
        {
            // Probing for papers one may not see leaves a trace. Only a well-formed document ID goes into the log.
            var hidden = state.Documents.Any(d => d.DocumentId == documentId);
            await AuditRefusalAsync(http, caseId, actor, "download", hidden ? "document.restricted" : "document.unknown",
                target: Identifiers.Matches(documentId, "DOC-", 12) ? documentId : null);
            return Problems.Of(404, "document.unknown", "No such document", $"The case has no document '{Problems.Shorten(documentId)}'.");
        }

        // A re-classified document is read from its original's scan: the link names the blob's document ID.
        var blobName = state.Documents.First(d => d.DocumentId == documentId).BlobName;
        var link = await http.RequestServices.GetRequiredService<IDownloadLinkIssuer>().CreateAsync(caseId, blobName[(blobName.IndexOf('/') + 1)..], http.RequestAborted);
        var audit = Audit(http);
        await audit.AppendAsync(caseId, audit.Record($"{caseId}:download:{Guid.NewGuid():N}", actor!, "download", AuditRecord.Accepted, target: documentId), CancellationToken.None);
        http.Response.Headers.CacheControl = "no-store";
        return Json(link);
    }

    /// <summary>
    /// <c>GET /downloads/{caseId}/{documentId}?expires=&amp;sig=</c>: the scan's bytes for a valid, unexpired link
    /// (<c>Content-Disposition: attachment</c>, <c>X-Content-Type-Options: nosniff</c>, <c>Cache-Control: no-store</c>); 403 otherwise.
    /// </summary>
    public static async Task<IResult> Download(HttpContext http, string caseId, string documentId, long? expires, string? sig)
    {
        var problem = expires is { } e ? http.RequestServices.GetRequiredService<DownloadLinks>().Check(caseId, documentId, e, sig) : "link.invalid";
        if (problem is not null)
        {
            return Problems.Of(403, problem, problem == "link.expired" ? "Link expired" : "Invalid link", problem == "link.expired"
                ? "The download link has expired; ask Pulang for a new one."
                : "The download link is not valid.");
        }

        var blob = http.RequestServices.GetRequiredService<PulangStorage>().Scans.GetBlobClient($"{caseId}/{documentId}");
        try
        {
            var download = await blob.DownloadStreamingAsync(cancellationToken: http.RequestAborted);
            http.Response.Headers.CacheControl = "no-store";
            // As the Azure SAS link (rscd=attachment): saved, never rendered inline or content-sniffed by the browser.
            http.Response.Headers.ContentDisposition = "attachment";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Stream(download.Value.Content, download.Value.Details.ContentType ?? "application/octet-stream");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Problems.Of(404, "document.unknown", "No such document", "The scan does not exist.");
        }
    }

    /// <summary>
    /// <c>PUT /api/cases/{caseId}/documents/{kind}</c> (roles uploader, admin; kind <c>investigation</c>: roles
    /// investigator, admin): the body is the scan (JPEG, PNG, TIFF or PDF, with that Content-Type). 202 with the
    /// document ID; reading happens in the background. Uploads and refused uploads of a known case are audited.
    /// </summary>
    public static async Task<IResult> UploadDocument(HttpContext http, string caseId, string kind)
    {
        string[] roles = [.. CommandPolicy.UploadRoles(DocumentKinds.TryParse(kind, out var documentKind) ? documentKind : DocumentKind.Other)];
        if (Authorize(http, out var actor, roles) is { } denied)
        {
            await AuditRefusalAsync(http, caseId, actor, "upload", "role.required");
            return denied;
        }

        if (!DocumentKinds.TryParse(kind, out documentKind))
        {
            await AuditRefusalAsync(http, caseId, actor, "upload", "document.kind");
            return Problems.Of(400, "document.kind", "Unknown document kind", $"'{Problems.Shorten(kind)}' is not a document kind; use one of {string.Join(", ", DocumentKinds.RouteNames)}.");
        }

        // The server's own body limit (Kestrel: 30 MB by default) must not cut a scan short: Pulang enforces
        // MaxUploadBytes itself, while streaming, and answers 413 with a problem.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = http.RequestServices.GetRequiredService<IOptions<PulangOptions>>().Value.MaxUploadBytes + 1024 * 1024;
        }

        var state = await Service(http).GetAsync(caseId, http.RequestAborted);
        if (state is null) return Problems.CaseNotFound(caseId);
        if (state.IsFinished)
        {
            await AuditRefusalAsync(http, caseId, actor, "upload", "case.finished");
            return Problems.Of(409, "case.finished", "Case finished", $"The case is {state.Stage}; it takes no more documents.");
        }

        try
        {
            var stored = await http.RequestServices.GetRequiredService<DocumentUploads>()
                .UploadAsync(state, documentKind, http.Request.Body, http.Request.ContentType, http.Request.ContentLength, actor!, http.RequestAborted);
            http.Response.Headers.Location = $"/api/cases/{caseId}";
            return Json(new DocumentAccepted(stored.DocumentId, documentKind.ToRoute(), stored.Sha256, stored.Length, stored.ContentType, "scanning"), 202);
        }
        catch (UploadRejectedException e)
        {
            await AuditRefusalAsync(http, caseId, actor, "upload", e.Code);
            return Problems.Of(e.Status, e.Code, e.Status switch { 413 => "Scan too large", 415 => "Unsupported scan", 422 => "Scan over a limit", _ => "Bad scan" }, e.Message);
        }
    }

    /// <summary>
    /// <c>POST .../documents/{documentId}/verification</c> (role verifier): confirm or correct a document that needs review. The
    /// rules are the decider's (<see cref="Verification"/>), run here as the pre-check: 422 <c>verification.invalid-correction</c>
    /// with each field's error, 409 <c>verification.conflict</c> with each finding to acknowledge, 422
    /// <c>verification.acknowledgement-invalid</c> / <c>verification.note-required</c>; nothing changes on a refusal.
    /// </summary>
    public static Task<IResult> VerifyDocument(HttpContext http, string caseId, string documentId) =>
        CommandAsync<VerificationRequest, VerifyDocument>(http, caseId, (r, _) =>
            new VerifyDocument(documentId, r.Corrections, r.Note, r.Acknowledge));

    /// <summary>
    /// <c>POST .../documents/{documentId}/rejection</c> (roles uploader, verifier): take a document out of the case with a reason
    /// (<see cref="RejectionRequest"/>); it stays listed as rejected. 400 <c>request.invalid</c> for a missing or unknown reason, 404
    /// for an unknown document, 409 <c>document.rejected</c> when it already is.
    /// </summary>
    public static Task<IResult> RejectDocument(HttpContext http, string caseId, string documentId) =>
        CommandAsync<RejectionRequest, RejectDocument>(http, caseId, (r, _) => new RejectDocument(documentId, RejectionReasons.Parse(r.Reason), r.Note));

    /// <summary>
    /// <c>POST .../documents/{documentId}/classification</c> (role verifier): the document is of another kind
    /// (<see cref="ClassificationRequest"/>): it is rejected as <c>wrong-kind</c> and its scan read again as the new kind, as a new
    /// document (<c>rejection.reclassifiedAs</c> in the case). 409 <c>classification.same-kind</c> for its own kind.
    /// </summary>
    public static Task<IResult> ClassifyDocument(HttpContext http, string caseId, string documentId) =>
        CommandAsync<ClassificationRequest, ClassifyDocument>(http, caseId, (r, _) =>
            new ClassifyDocument(documentId, DocumentKinds.TryParse(r.Kind, out var kind) ? kind : null, r.Note));
}
