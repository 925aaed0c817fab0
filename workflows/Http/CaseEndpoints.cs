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
using Pulang.Workflows.Events;
using Pulang.Workflows.Manifests;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Http;

/// <summary>
/// Pulang's HTTP API, written once for both hosts: the self-host maps these handlers with minimal APIs
/// (<see cref="MapPulangApi"/>), the Functions app calls them from HTTP triggers. Authentication is the host's
/// (JWT bearer); every handler checks roles itself and answers RFC 9457 problem details.
/// </summary>
public static partial class CaseEndpoints
{
    /// <summary>Largest JSON body accepted by command endpoints (64 KiB).</summary>
    public const int MaxJsonBytes = 64 * 1024;

    static readonly string[] AnyRole = [.. Roles.All];

    /// <summary>Maps every route under <c>/api</c>.</summary>
    public static RouteGroupBuilder MapPulangApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        // The OpenAPI document's description of each route (ApiRouteMetadata; 401 and 403 on every route).
        api.MapPost("/cases", (Delegate)CreateCase).Api(nameof(CreateCase), "Cases").Body<IntakeRequest>().Returns<CaseCreated>(201, 200).Problems(400, 409, 413, 415);
        api.MapGet("/cases", ListCases).Api(nameof(ListCases), "Cases").Returns<CasePage<CaseIndexEntry>>().Problems(400)
            .Query("reference", "Exact external reference: keeps the case of that reference (at most 200 characters).");
        api.MapGet("/cases/{caseId}", GetCase).Api(nameof(GetCase), "Cases").Returns<CaseState>().Problems(404);
        api.MapGet("/inbox", GetInbox).Api(nameof(GetInbox), "Cases").Returns<CasePage<InboxEntry>>().Problems(400);
        api.MapGet("/cases/{caseId}/release", GetRelease).Api(nameof(GetRelease), "Records").Returns<ReleaseRecord>().Problems(404);
        api.MapGet("/cases/{caseId}/release/letter", GetReleaseLetter).Api(nameof(GetReleaseLetter), "Records").ReturnsFile(200, "application/pdf").Problems(404, 409, 410);
        api.MapPut("/cases/{caseId}/documents/{kind}", UploadDocument).Api(nameof(UploadDocument), "Documents")
            .RawBody("The scan: JPEG, PNG, TIFF or PDF, with that Content-Type.", "image/jpeg", "image/png", "image/tiff", "application/pdf")
            .Returns<DocumentAccepted>(202).Problems(400, 404, 409, 413, 415, 422);
        api.MapPost("/cases/{caseId}/documents/{documentId}/verification", VerifyDocument).Api(nameof(VerifyDocument), "Documents").Command<VerificationRequest>();
        api.MapPost("/cases/{caseId}/documents/{documentId}/rejection", RejectDocument).Api(nameof(RejectDocument), "Documents").Command<RejectionRequest>();
        api.MapPost("/cases/{caseId}/documents/{documentId}/classification", ClassifyDocument).Api(nameof(ClassifyDocument), "Documents").Command<ClassificationRequest>();
        api.MapPost("/cases/{caseId}/assessment", SubmitAssessment).Api(nameof(SubmitAssessment), "Decisions").Command<AssessmentRequest>();
        api.MapPost("/cases/{caseId}/assessment/decision", DecideAssessment).Api(nameof(DecideAssessment), "Decisions").Command<AssessmentDecisionRequest>();
        api.MapPost("/cases/{caseId}/signoffs/{ministry}", SignOff).Api(nameof(SignOff), "Decisions").Command<SignOffRequest>();
        api.MapPost("/cases/{caseId}/holds", PlaceHold).Api(nameof(PlaceHold), "Decisions").Command<HoldRequest>();
        api.MapDelete("/cases/{caseId}/holds/{holdId}", LiftHold).Api(nameof(LiftHold), "Decisions").Command<ReasonRequest>(optionalBody: true);
        api.MapPost("/cases/{caseId}/withdraw", Withdraw).Api(nameof(Withdraw), "Decisions").Command<ReasonRequest>();
        api.MapGet("/cases/{caseId}/audit", GetAudit).Api(nameof(GetAudit), "Records").Returns<CaseAudit>().Problems(404);
        api.MapGet("/cases/{caseId}/documents/{documentId}/content", GetDocumentLink).Api(nameof(GetDocumentLink), "Documents").Returns<DownloadLink>().Problems(404);
        api.MapPost("/manifests", (Delegate)SubmitManifest).Api(nameof(SubmitManifest), "Manifests").Body<IReadOnlyList<IntakeRequest>>()
            .RawBody("The manifest: CSV (UTF-8, header row) or JSON (an array of persons, or {\"persons\": [...]}).", "text/csv")
            .Returns<ManifestAccepted>(202, 200).Problems(400, 413, 415);
        api.MapGet("/manifests/{manifestId}", GetManifest).Api(nameof(GetManifest), "Manifests").Returns<ManifestView>().Problems(404);
        api.MapPost("/subscriptions", (Delegate)CreateSubscription).Api(nameof(CreateSubscription), "Subscriptions").Body<SubscriptionRequest>()
            .Returns<Subscription>(201).Problems(400, 413, 415, 422);
        api.MapGet("/subscriptions", (Delegate)ListSubscriptions).Api(nameof(ListSubscriptions), "Subscriptions").Returns<SubscriptionList>();
        api.MapGet("/subscriptions/{subscriptionId}", GetSubscription).Api(nameof(GetSubscription), "Subscriptions").Returns<Subscription>().Problems(404);
        api.MapDelete("/subscriptions/{subscriptionId}", DeleteSubscription).Api(nameof(DeleteSubscription), "Subscriptions").Produces(204).Problems(404);
        api.MapPost("/subscriptions/{subscriptionId}/pause", PauseSubscription).Api(nameof(PauseSubscription), "Subscriptions").Returns<Subscription>().Problems(404);
        api.MapPost("/subscriptions/{subscriptionId}/resume", ResumeSubscription).Api(nameof(ResumeSubscription), "Subscriptions").Returns<Subscription>().Problems(404);
        api.MapGet("/subscriptions/{subscriptionId}/deliveries", ListDeliveries).Api(nameof(ListDeliveries), "Subscriptions").Returns<DeliveryLog>().Problems(400, 404);
        return api;
    }

    /// <summary>
    /// <c>POST /api/cases</c> (roles intake, admin): starts a case; 201 new, 200 with the existing case for a known external
    /// reference sent with the same data, 409 <c>intake.conflict</c> naming the differing fields when sent with other data.
    /// </summary>
    public static async Task<IResult> CreateCase(HttpContext http)
    {
        if (Authorize(http, out var actor, Roles.Intake, Roles.Admin) is { } denied) return denied;
        var (request, bad) = await ReadJsonAsync<IntakeRequest>(http);
        if (bad is not null) return bad;
        var intake = request!.Validate(DateOnly.FromDateTime(DateTime.UtcNow), out var errors);
        if (intake is null) return Problems.Invalid(errors);
        var outcome = await Service(http).StartAsync(intake, http.RequestAborted);
        if (outcome.IsConflict) return Problems.IntakeConflict(outcome.CaseId, outcome.ConflictingFields!);
        var location = $"/api/cases/{outcome.CaseId}";
        http.Response.Headers.Location = location;
        return Json(new CaseCreated(outcome.CaseId, outcome.Created, location), outcome.Created ? 201 : 200);
    }

    /// <summary>
    /// <c>GET /api/cases?stage=SignOffPending&amp;max=100&amp;sort=-openedAt&amp;continuationToken=...</c>: the case index (any
    /// role), one page in the order asked (<see cref="IndexPaging.Names"/>; default newest intake first) with the next
    /// page's <c>continuationToken</c> and <c>next</c> link (<see cref="ListPaging"/>); <c>&amp;reference=</c> (read from the
    /// query, exact) keeps the case of one external reference (the staff CLI's batch upload finds cases by it).
    /// </summary>
    public static async Task<IResult> ListCases(HttpContext http, string? stage, int? max, string? sort = null, string? continuationToken = null)
    {
        if (Authorize(http, out _, AnyRole) is { } denied) return denied;
        Stage? filter = null;
        if (!string.IsNullOrEmpty(stage))
        {
            if (!Enum.TryParse<Stage>(stage, ignoreCase: true, out var s) || int.TryParse(stage, out _))
            {
                return Problems.Invalid(new Dictionary<string, string[]> { ["stage"] = [$"Unknown stage '{Problems.Shorten(stage)}'; one of {string.Join(", ", Enum.GetNames<Stage>())}."] });
            }

            filter = s;
        }

        if (max is < 1 or > 1000)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["max"] = ["max must be 1..1000."] });
        }

        var reference = http.Request.Query["reference"].ToString();
        if (reference.Length > 200)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["reference"] = ["reference is at most 200 characters."] });
        }

        if (ListPaging.TryRead(sort, continuationToken, IndexSort.OpenedAtDescending, out var order, out var after) is { } badPage) return badPage;
        var page = await http.RequestServices.GetRequiredService<CaseIndex>().ListPageAsync(filter, order, max ?? 100, after, http.RequestAborted, reference);
        return Json(ListPaging.Body(page, http.Request));
    }

    /// <summary>
    /// <c>GET /api/inbox?max=100</c> (any role): the cases waiting for an action by one of the caller's roles
    /// (<see cref="Inbox.AwaitingRoles"/>), oldest change first, each with the roles it waits for and, in
    /// SignOffPending, the dossier digest to sign. Roles that never act on a case get an empty list. Paged like
    /// <see cref="ListCases"/> (<c>sort</c>, default <c>updatedAt</c>; <c>continuationToken</c>).
    /// </summary>
    public static async Task<IResult> GetInbox(HttpContext http, int? max, string? sort = null, string? continuationToken = null)
    {
        if (Authorize(http, out var actor, AnyRole) is { } denied) return denied;
        if (max is < 1 or > 1000)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["max"] = ["max must be 1..1000."] });
        }

        if (ListPaging.TryRead(sort, continuationToken, IndexSort.UpdatedAt, out var order, out var after) is { } badPage) return badPage;
        var page = await http.RequestServices.GetRequiredService<CaseIndex>().ListAwaitingPageAsync([.. actor!.Roles], order, max ?? 100, after, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return Json(ListPaging.Body(page, http.Request));
    }

    /// <summary>
    /// <c>GET /api/cases/{caseId}</c>: stage, checklist, documents with fields and findings, decisions, history
    /// (any role; restricted documents only for investigators and admins, see <see cref="CaseView"/>).
    /// </summary>
    public static async Task<IResult> GetCase(HttpContext http, string caseId)
    {
        if (Authorize(http, out var actor, AnyRole) is { } denied) return denied;
        var state = await Service(http).GetAsync(caseId, http.RequestAborted);
        return state is null ? Problems.CaseNotFound(caseId) : Json(CaseView.For(state, actor!));
    }
}
