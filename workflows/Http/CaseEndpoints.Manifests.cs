using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Manifests;

namespace Pulang.Workflows.Http;

/// <summary>Manifests: an embassy's list of persons in one file, a case per line (<see cref="ManifestService"/>).</summary>
public static partial class CaseEndpoints
{
    /// <summary>
    /// <c>POST /api/manifests</c> (roles intake, admin): body a CSV (<c>text/csv</c>, UTF-8, header row) or JSON
    /// (<c>application/json</c>: an array of persons, or <c>{"persons": [...]}</c>) manifest, see <see cref="ManifestFile"/>. Answers
    /// 202 with <c>{manifestId, created: true, lines, location}</c> and <c>Location: /api/manifests/{manifestId}</c> when the file
    /// is new (its cases are being started), 200 with <c>created: false</c> when the same file was received before (nothing is
    /// started again). A file that cannot be read as a whole: 400 (<c>manifest.encoding</c>, <c>manifest.csv</c>,
    /// <c>manifest.json</c>, <c>manifest.columns</c>, <c>manifest.empty</c>), 413 (<c>manifest.too-large</c>,
    /// <c>manifest.too-many-lines</c>) or 415 (<c>request.media-type</c>); nothing is started. Bad lines are not errors of the
    /// request: each gets its result in <c>GET /api/manifests/{manifestId}</c>.
    /// </summary>
    public static async Task<IResult> SubmitManifest(HttpContext http)
    {
        if (Authorize(http, out var actor, Roles.Intake, Roles.Admin) is { } denied) return denied;
        var format = ManifestFile.FormatOf(http.Request.ContentType, null);
        if (format is null)
        {
            return Problems.Of(415, "request.media-type", "CSV or JSON expected", "Send the manifest as text/csv (UTF-8, header row) or application/json.");
        }

        if (http.Request.ContentLength > ManifestFile.MaxBytes)
        {
            return Problems.Of(413, "manifest.too-large", "Manifest too large", $"A manifest is at most {ManifestFile.MaxBytes} bytes. Split it into several files.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > ManifestFile.MaxBytes)
            {
                return Problems.Of(413, "manifest.too-large", "Manifest too large", $"A manifest is at most {ManifestFile.MaxBytes} bytes. Split it into several files.");
            }
        }

        var submission = await http.RequestServices.GetRequiredService<ManifestService>()
            .SubmitAsync(buffer.ToArray(), format, $"http:{actor!.Id}", null, recordRejection: false, http.RequestAborted);
        if (submission.Rejection is { } rejected)
        {
            return Problems.Of(rejected.Status, rejected.Code, "Unreadable manifest", rejected.Message);
        }

        var location = $"/api/manifests/{submission.ManifestId}";
        http.Response.Headers.Location = location;
        return Json(new ManifestAccepted(submission.ManifestId, submission.Created, submission.Lines, location), submission.Created ? 202 : 200);
    }

    /// <summary>
    /// <c>GET /api/manifests/{manifestId}</c> (roles intake, admin, reader): progress and per-line results (<see cref="ManifestView"/>):
    /// <c>status</c> running, completed, failed or rejected; <c>counts</c>; one result per processed line (<c>created</c>,
    /// <c>existing</c>, <c>conflict</c> with the differing <c>fields</c>, or <c>refused</c> with <c>errors</c>: code, field, message).
    /// 404 <c>manifest.not-found</c> for an unknown ID.
    /// </summary>
    public static async Task<IResult> GetManifest(HttpContext http, string manifestId)
    {
        if (Authorize(http, out _, Roles.Intake, Roles.Admin, Roles.Reader) is { } denied) return denied;
        var view = await http.RequestServices.GetRequiredService<ManifestService>().GetAsync(manifestId, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return view is null
            ? Problems.Of(404, "manifest.not-found", "No such manifest", $"There is no manifest '{Problems.Shorten(manifestId)}'.")
            : Json(view);
    }
}
