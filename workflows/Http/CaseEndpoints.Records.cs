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
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Http;

/// <summary>What a case leaves behind: its audit trail and its release record.</summary>
public static partial class CaseEndpoints
{
    /// <summary>Roles that may read a case's audit trail.</summary>
    public static readonly IReadOnlyList<string> AuditReaders = [Roles.Admin, Roles.Investigator];

    /// <summary>
    /// <c>GET /api/cases/{caseId}/audit</c> (roles admin, investigator): the case's audit entries and the result of
    /// verifying the hash chain and comparing the log with the anchor in the case index (<c>verification.valid</c>,
    /// else the first broken or missing entry's sequence number and why; <c>verification.anchor</c>). A deleted log
    /// of an existing case is invalid, not empty (<see cref="AuditLog.Verify(string, ReadOnlySpan{byte}, AuditAnchor?)"/>).
    /// </summary>
    public static async Task<IResult> GetAudit(HttpContext http, string caseId)
    {
        if (Authorize(http, out _, [.. AuditReaders]) is { } denied) return denied;
        if (!CaseIds.IsValid(caseId) || await http.RequestServices.GetRequiredService<CaseIndex>().GetAsync(caseId, http.RequestAborted) is null)
        {
            return Problems.CaseNotFound(caseId);
        }

        var (entries, verification) = await Audit(http).ReadAsync(caseId, http.RequestAborted);
        return Json(new CaseAudit(caseId, entries, verification));
    }

    /// <summary><c>GET /api/cases/{caseId}/release</c>: the release record (any role); 404 until released.</summary>
    public static async Task<IResult> GetRelease(HttpContext http, string caseId)
    {
        if (Authorize(http, out _, AnyRole) is { } denied) return denied;
        if (!CaseIds.IsValid(caseId)) return Problems.CaseNotFound(caseId);
        try
        {
            var blob = await http.RequestServices.GetRequiredService<PulangStorage>().Releases.GetBlobClient($"{caseId}.json").DownloadContentAsync(http.RequestAborted);
            return Results.Text(blob.Value.Content.ToString(), "application/json");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return Problems.Of(404, "release.not-found", "Not released", $"Case {caseId} has no release record (yet).");
        }
    }
}
