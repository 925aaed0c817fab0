using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulang.Web.Hosting;
using Pulang.Web.Pages;
using Pulang.Workflows;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;

namespace Pulang.Web.Handlers;

/// <summary>Uploading scans from the browser, and the reading's result as it arrives.</summary>
public static class UploadHandlers
{
    /// <summary>
    /// <c>GET /cases/{caseId}/upload</c> (uploader, admin; investigation papers: investigator, admin): drag and drop or pick
    /// files, a kind per file (guessed from the file name), a progress bar per file; each result appears when the scan is read.
    /// </summary>
    public static Task<IResult> UploadPage(HttpContext http, string caseId) => WebPage.SignedInAsync(http, async actor =>
    {
        var found = await WebPage.CaseAsync(http, caseId, actor);
        if (found is null) return await WebPage.CaseNotFound(http);
        var kinds = Enum.GetValues<DocumentKind>().Where(k => CommandPolicy.UploadRoles(k).Any(actor.Has)).ToList();
        if (kinds.Count == 0)
        {
            // A role that may upload nothing (a reader, a signer) gets no upload form.
            return await MessagePage.RenderAsync(http, 403, "error.forbidden.title", "error.upload-forbidden.text");
        }

        return await PageRenderer.PageAsync<UploadPage>(http, new Dictionary<string, object?>
        {
            ["Ui"] = WebRequest.UiFor(http, actor),
            ["Case"] = found.Value.View,
            ["Kinds"] = kinds,
        });
    });

    /// <summary>
    /// <c>POST /cases/{caseId}/documents?kind={kind}</c> with the scan as the body (from the page's script, with the
    /// anti-forgery header), or a <c>multipart/form-data</c> form with <c>kind</c> and <c>file</c> (without script). Calls the same
    /// <see cref="DocumentUploads.UploadAsync"/> as the API. Answers the upload's row (an HTML fragment that polls for the
    /// reading's result) with 202, or the problem's message in the reader's language with its status (413, 415, 400, 422,
    /// 409, 403); a form without script is sent back to the case page. Refusals of a known case are audited.
    /// </summary>
    public static async Task<IResult> Upload(HttpContext http, string caseId)
    {
        if (WebRequest.Who(http) is not { } actor)
        {
            return WebRequest.ToSignIn(http);
        }

        if (!await WebRequest.ValidCsrfAsync(http))
        {
            return await Row(http, actor, caseId, null, null, new Refusal(RefusalKind.Invalid, "request.csrf", "The form expired."), 400);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = http.RequestServices.GetRequiredService<IOptions<PulangOptions>>().Value.MaxUploadBytes + 1024 * 1024;
        }

        var state = await http.RequestServices.GetRequiredService<CaseService>().GetAsync(caseId, http.RequestAborted);
        if (state is null)
        {
            return await WebPage.CaseNotFound(http);
        }

        var multipart = http.Request.HasFormContentType;
        string? kindName;
        Stream body;
        string? contentType;
        long? length;
        string? fileName = null;
        if (multipart)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            kindName = form["kind"];
            var file = form.Files["file"];
            if (file is null)
            {
                return await Row(http, actor, caseId, null, null, new Refusal(RefusalKind.Invalid, "upload.empty", "Choose a file."), 400);
            }

            body = file.OpenReadStream();
            contentType = file.ContentType;
            length = file.Length;
            fileName = file.FileName;
        }
        else
        {
            kindName = http.Request.Query["kind"];
            body = http.Request.Body;
            contentType = http.Request.ContentType;
            length = http.Request.ContentLength;
        }

        if (!DocumentKinds.TryParse(kindName, out var kind))
        {
            await AuditAsync(http, caseId, actor, "document.kind");
            return await Row(http, actor, caseId, fileName, null, new Refusal(RefusalKind.Invalid, "document.kind", "Unknown document kind."), 400);
        }

        if (!CommandPolicy.UploadRoles(kind).Any(actor.Has))
        {
            await AuditAsync(http, caseId, actor, "role.required");
            return await Row(http, actor, caseId, fileName, kind, new Refusal(RefusalKind.Forbidden, "role.required", "Not allowed."), 403);
        }

        if (state.IsFinished)
        {
            await AuditAsync(http, caseId, actor, "case.finished");
            return await Row(http, actor, caseId, fileName, kind, new Refusal(RefusalKind.Conflict, "case.finished", "The case is finished."), 409);
        }

        try
        {
            var stored = await http.RequestServices.GetRequiredService<DocumentUploads>().UploadAsync(state, kind, body, contentType, length, actor, http.RequestAborted);
            if (multipart && !WebRequest.IsHtmx(http) && http.Request.Headers.XRequestedWith != "XMLHttpRequest")
            {
                return WebRequest.SeeOther(http, WebRoutes.Case(caseId) + "?done=upload");
            }

            return await PageRenderer.PageAsync<UploadStatus>(http, new Dictionary<string, object?>
            {
                ["Ui"] = WebRequest.UiFor(http, actor),
                ["CaseId"] = caseId,
                ["DocumentId"] = stored.DocumentId,
                ["Kind"] = kind,
            }, 202);
        }
        catch (UploadRejectedException e)
        {
            await AuditAsync(http, caseId, actor, e.Code);
            return await Row(http, actor, caseId, fileName, kind, new Refusal(RefusalKind.Invalid, e.Code, e.Message), e.Status);
        }
    }

    /// <summary>
    /// <c>GET /cases/{caseId}/documents/{documentId}/status</c>: the upload's row: still reading (polled again by htmx every 2
    /// seconds), or the reading's result (status, findings in words, a link to verify). A document hidden from the reader reads
    /// as never arriving.
    /// </summary>
    public static async Task<IResult> Status(HttpContext http, string caseId, string documentId)
    {
        if (WebRequest.Who(http) is not { } actor)
        {
            return WebRequest.ToSignIn(http);
        }

        var found = await WebPage.CaseAsync(http, caseId, actor);
        if (found is null) return await WebPage.CaseNotFound(http);
        var document = found.Value.View.Documents.FirstOrDefault(d => d.DocumentId == documentId);
        return await PageRenderer.PageAsync<UploadStatus>(http, new Dictionary<string, object?>
        {
            ["Ui"] = WebRequest.UiFor(http, actor),
            ["CaseId"] = caseId,
            ["DocumentId"] = documentId,
            ["Document"] = document,
        });
    }

    static async Task<IResult> Row(HttpContext http, Actor actor, string caseId, string? fileName, DocumentKind? kind, Refusal refusal, int status)
    {
        if (http.Request.HasFormContentType && http.Request.Headers.XRequestedWith != "XMLHttpRequest")
        {
            return await MessagePage.RenderAsync(http, status, "upload.refused-title", "upload.refused-text",
                Localization.Text.Find(WebRequest.LanguageOf(http), $"refusal.{refusal.Code}") ?? refusal.Message);
        }

        return await PageRenderer.PageAsync<UploadStatus>(http, new Dictionary<string, object?>
        {
            ["Ui"] = WebRequest.UiFor(http, actor),
            ["CaseId"] = caseId,
            ["Refusal"] = refusal,
            ["Kind"] = kind,
            ["FileName"] = fileName,
        }, status);
    }

    static Task AuditAsync(HttpContext http, string caseId, Actor actor, string code) =>
        http.RequestServices.GetRequiredService<RefusalAudit>().AppendAsync(caseId, actor, "upload", code, ct: CancellationToken.None);
}
