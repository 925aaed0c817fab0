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
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Http;

/// <summary>The decisions people make on a case: asesmen, sign-offs, holds, withdrawal.</summary>
public static partial class CaseEndpoints
{
    /// <summary><c>POST .../assessment</c> (role assessor): submit the asesmen (fields checked by the decider: <see cref="CommandFields"/>).</summary>
    public static Task<IResult> SubmitAssessment(HttpContext http, string caseId) =>
        CommandAsync<AssessmentRequest, SubmitAssessment>(http, caseId, (r, _) => new SubmitAssessment(r.Summary ?? "", r.Recommendation ?? ""));

    /// <summary><c>POST .../assessment/decision</c> (role assessment-approver): approve, or send back with a reason.</summary>
    public static Task<IResult> DecideAssessment(HttpContext http, string caseId) =>
        CommandAsync<AssessmentDecisionRequest, DecideAssessment>(http, caseId, (r, _) => new DecideAssessment(r.Approve, r.Reason));

    /// <summary><c>POST .../signoffs/{ministry}</c> (role p2mi-signer or kemensos-signer): sign the dossier digest.</summary>
    public static Task<IResult> SignOff(HttpContext http, string caseId, string ministry)
    {
        if (!Ministries.TryParse(ministry, out var m))
        {
            return Task.FromResult(Problems.Of(404, "ministry.unknown", "Unknown ministry", $"'{Problems.Shorten(ministry)}' is not a ministry; use kemenp2mi or kemensos."));
        }

        return CommandAsync<SignOffRequest, SignOff>(http, caseId, (r, _) => new SignOff(m, r.Approve, r.DossierDigest?.ToLowerInvariant() ?? "", r.Reason));
    }

    /// <summary><c>POST .../holds</c> (role investigator): place an investigation hold; the answer names the hold ID.</summary>
    public static Task<IResult> PlaceHold(HttpContext http, string caseId) =>
        CommandAsync<HoldRequest, PlaceHold>(http, caseId, (r, commandId) => new PlaceHold("HOLD-" + Identifiers.Sha256Hex(commandId)[..10].ToUpperInvariant(), r.Reason ?? ""));

    /// <summary><c>DELETE .../holds/{holdId}</c> (role investigator): lift a hold; optional JSON body with a reason.</summary>
    public static Task<IResult> LiftHold(HttpContext http, string caseId, string holdId) =>
        CommandAsync<ReasonRequest, LiftHold>(http, caseId, (r, _) => new LiftHold(holdId, r.Reason), bodyOptional: true);

    /// <summary><c>POST .../withdraw</c> (role admin): withdraw the case with a reason.</summary>
    public static Task<IResult> Withdraw(HttpContext http, string caseId) =>
        CommandAsync<ReasonRequest, Withdraw>(http, caseId, (r, _) => new Withdraw(r.Reason ?? ""));
}
