using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Letters;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Http;

/// <summary>The release letter and its public checks: the PDF, the published release key, the online check and the check page.</summary>
public static partial class CaseEndpoints
{
    /// <summary>Where the public key is published (anonymous).</summary>
    public const string ReleaseKeyRoute = "/.well-known/pulang-release-key";

    /// <summary>The online check of a letter's statement (anonymous): <c>?statement=</c>.</summary>
    public const string LetterCheckRoute = "/release-letters/check";

    /// <summary>The public page that checks a letter (anonymous).</summary>
    public const string LetterPageRoute = "/release-letters/verify";

    /// <summary>
    /// Maps the anonymous routes of the release letter's checks: <see cref="ReleaseKeyRoute"/>, <see cref="LetterCheckRoute"/>
    /// and <see cref="LetterPageRoute"/>. The host maps them outside the authenticated <c>/api</c> group: the person, the
    /// family and the receiving office have no Pulang account.
    /// </summary>
    public static IEndpointConventionBuilder MapPulangLetterChecks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("");
        group.MapGet(ReleaseKeyRoute, GetReleaseKey).Api(nameof(GetReleaseKey), "Release letters", anonymous: true).Returns<ReleaseKeyInfo>();
        group.MapGet(LetterCheckRoute, CheckLetter).Api(nameof(CheckLetter), "Release letters", anonymous: true).Returns<LetterCheckResult>().Problems(400);
        group.MapGet(LetterPageRoute, GetLetterPage).Api(nameof(GetLetterPage), "Release letters", anonymous: true).ReturnsFile(200, "text/html");
        return group;
    }

    /// <summary>
    /// <c>GET /api/cases/{caseId}/release/letter</c> (any role): the release letter as <c>application/pdf</c>
    /// (<see cref="ReleaseLetter"/>), with a freshly signed statement of the release record's case, time and audit head;
    /// 404 <c>release.not-found</c> until the case is released; 410 <c>release.purged</c> once retention removed the person; 409 <c>release.no-audit-head</c> for a release record
    /// written before release records carried the audit head.
    /// </summary>
    public static async Task<IResult> GetReleaseLetter(HttpContext http, string caseId)
    {
        if (Authorize(http, out _, AnyRole) is { } denied) return denied;
        if (!CaseIds.IsValid(caseId)) return Problems.CaseNotFound(caseId);
        ReleaseRecord? record;
        try
        {
            var blob = await http.RequestServices.GetRequiredService<PulangStorage>().Releases.GetBlobClient($"{caseId}.json").DownloadContentAsync(http.RequestAborted);
            record = JsonSerializer.Deserialize<ReleaseRecord>(blob.Value.Content.ToMemory().Span, PulangJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            record = null;
        }

        if (record is null)
        {
            return Problems.Of(404, "release.not-found", "Belum dilepas", $"Kasus {caseId} belum dilepas (belum ada catatan rilis), jadi belum ada surat keterangan pemulangan.");
        }

        if (record.Subject is null)
        {
            // Retention replaced the record by its minimal form (docs/retention.md): the letter prints the person, who is no longer there.
            return Problems.Of(410, "release.purged", "Data sudah dihapus", $"Data pribadi kasus {caseId} sudah dihapus sesuai masa retensi, jadi surat keterangan pemulangan tidak dapat dibuat lagi; catatan rilis minimal ada di /api/cases/{caseId}/release.");
        }

        if (record.AuditHead is not { } head)
        {
            return Problems.Of(409, "release.no-audit-head", "Tanpa kepala jejak audit", $"Catatan rilis kasus {caseId} tidak memuat kepala jejak audit, jadi suratnya tidak dapat dibuktikan.");
        }

        var configuration = http.RequestServices.GetRequiredService<IConfiguration>();
        LetterFonts.Install(configuration["Pulang:Letter:FontDirectory"]);
        var statement = http.RequestServices.GetRequiredService<ReleaseKey>().Sign(record.CaseId, record.ReleasedAt, head.Sequence, head.Hash);
        var baseUrl = configuration["Pulang:PublicBaseUrl"] is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{http.Request.Scheme}://{http.Request.Host}";
        var pdf = ReleaseLetter.Render(record, statement, baseUrl + LetterPageRoute, baseUrl + ReleaseKeyRoute);
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(pdf, "application/pdf", $"surat-pemulangan-{caseId}.pdf");
    }

    /// <summary>
    /// <c>GET /.well-known/pulang-release-key</c> (anonymous): the release key's public half,
    /// <c>{"keyId","algorithm":"ES256","publicKeyPem","jwk":{...}}</c>.
    /// </summary>
    public static IResult GetReleaseKey(HttpContext http)
    {
        var key = http.RequestServices.GetRequiredService<ReleaseKey>();
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Json(new ReleaseKeyInfo(key.KeyId, "ES256", key.PublicKeyPem, key.PublicJwk));
    }

    /// <summary>
    /// <c>GET /release-letters/check?statement=...</c> (anonymous): 200 with a <see cref="LetterCheckResult"/> (its
    /// <c>valid</c> says whether the letter holds); 400 <c>request.invalid</c> without a statement.
    /// </summary>
    public static async Task<IResult> CheckLetter(HttpContext http, string? statement)
    {
        if (string.IsNullOrWhiteSpace(statement) || statement.Length > 1000)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["statement"] = ["Kirim isi kode QR surat (?statement=PULANG-RILIS/1;...), paling banyak 1000 karakter."] });
        }

        var result = await ActivatorUtilities.CreateInstance<LetterCheck>(http.RequestServices).CheckAsync(statement, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return Json(result);
    }

    /// <summary><c>GET /release-letters/verify</c> (anonymous): the HTML page that checks a letter in the browser (signature) and online (audit trail).</summary>
    public static IResult GetLetterPage(HttpContext http)
    {
        using var stream = typeof(ReleaseLetter).Assembly.GetManifestResourceStream("Pulang.Workflows.Letters.verify.html")!;
        using var reader = new StreamReader(stream);
        http.Response.Headers["Content-Security-Policy"] = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'";
        return Results.Content(reader.ReadToEnd(), "text/html; charset=utf-8");
    }
}
