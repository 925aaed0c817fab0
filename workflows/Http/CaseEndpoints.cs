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

/// <summary>
/// Pulang's HTTP API, written once for both hosts: the self-host maps these handlers with minimal APIs
/// (<see cref="MapPulangApi"/>), the Functions app calls them from HTTP triggers. Authentication is the host's
/// (JWT bearer); every handler checks roles itself and answers RFC 9457 problem details.
/// </summary>
public static class CaseEndpoints
{
    /// <summary>Largest JSON body accepted by command endpoints (64 KiB).</summary>
    public const int MaxJsonBytes = 64 * 1024;

    static readonly string[] AnyRole = [.. Roles.All];

    /// <summary>Maps every route under <c>/api</c>.</summary>
    public static RouteGroupBuilder MapPulangApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapPost("/cases", (Delegate)CreateCase);
        api.MapGet("/cases", ListCases);
        api.MapGet("/cases/{caseId}", GetCase);
        api.MapGet("/inbox", GetInbox);
        api.MapGet("/cases/{caseId}/release", GetRelease);
        api.MapPut("/cases/{caseId}/documents/{kind}", UploadDocument);
        api.MapPost("/cases/{caseId}/documents/{documentId}/verification", VerifyDocument);
        api.MapPost("/cases/{caseId}/assessment", SubmitAssessment);
        api.MapPost("/cases/{caseId}/assessment/decision", DecideAssessment);
        api.MapPost("/cases/{caseId}/signoffs/{ministry}", SignOff);
        api.MapPost("/cases/{caseId}/holds", PlaceHold);
        api.MapDelete("/cases/{caseId}/holds/{holdId}", LiftHold);
        api.MapPost("/cases/{caseId}/withdraw", Withdraw);
        api.MapGet("/cases/{caseId}/audit", GetAudit);
        api.MapGet("/cases/{caseId}/documents/{documentId}/content", GetDocumentLink);
        return api;
    }

    /// <summary>
    /// Maps <c>GET /downloads/{caseId}/{documentId}</c>: the target of signed download links. It takes no bearer
    /// token (the host must map it outside the authenticated <c>/api</c> group); the link's signature and expiry are
    /// the permission.
    /// </summary>
    public static IEndpointConventionBuilder MapPulangDownloads(this IEndpointRouteBuilder app) =>
        app.MapGet("/downloads/{caseId}/{documentId}", Download);

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

        var link = await http.RequestServices.GetRequiredService<IDownloadLinkIssuer>().CreateAsync(caseId, documentId, http.RequestAborted);
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

    /// <summary><c>POST /api/cases</c> (roles intake, admin): starts a case; 201 new, 200 with the existing case for a known external reference.</summary>
    public static async Task<IResult> CreateCase(HttpContext http)
    {
        if (Authorize(http, out var actor, Roles.Intake, Roles.Admin) is { } denied) return denied;
        var (request, bad) = await ReadJsonAsync<IntakeRequest>(http);
        if (bad is not null) return bad;
        var intake = request!.Validate(DateOnly.FromDateTime(DateTime.UtcNow), out var errors);
        if (intake is null) return Problems.Invalid(errors);
        var outcome = await Service(http).StartAsync(intake, http.RequestAborted);
        var location = $"/api/cases/{outcome.CaseId}";
        http.Response.Headers.Location = location;
        return Json(new { caseId = outcome.CaseId, created = outcome.Created, location }, outcome.Created ? 201 : 200);
    }

    /// <summary><c>GET /api/cases?stage=SignOffPending&amp;max=100</c>: the case index (any role).</summary>
    public static async Task<IResult> ListCases(HttpContext http, string? stage, int? max)
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

        var rows = await http.RequestServices.GetRequiredService<CaseIndex>().ListAsync(filter, max ?? 100, http.RequestAborted);
        return Json(new { cases = rows });
    }

    /// <summary>
    /// <c>GET /api/inbox?max=100</c> (any role): the cases waiting for an action by one of the caller's roles
    /// (<see cref="Inbox.AwaitingRoles"/>), oldest change first, each with the roles it waits for and, in
    /// SignOffPending, the dossier digest to sign. Roles that never act on a case get an empty list.
    /// </summary>
    public static async Task<IResult> GetInbox(HttpContext http, int? max)
    {
        if (Authorize(http, out var actor, AnyRole) is { } denied) return denied;
        if (max is < 1 or > 1000)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["max"] = ["max must be 1..1000."] });
        }

        var rows = await http.RequestServices.GetRequiredService<CaseIndex>().ListAwaitingAsync([.. actor!.Roles], max ?? 100, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return Json(new { cases = rows });
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
        if (!CaseService.IsCaseId(caseId) || await http.RequestServices.GetRequiredService<CaseIndex>().GetAsync(caseId, http.RequestAborted) is null)
        {
            return Problems.CaseNotFound(caseId);
        }

        var (entries, verification) = await Audit(http).ReadAsync(caseId, http.RequestAborted);
        return Json(new { caseId, entries, verification });
    }

    /// <summary><c>GET /api/cases/{caseId}/release</c>: the release record (any role); 404 until released.</summary>
    public static async Task<IResult> GetRelease(HttpContext http, string caseId)
    {
        if (Authorize(http, out _, AnyRole) is { } denied) return denied;
        if (!CaseService.IsCaseId(caseId)) return Problems.CaseNotFound(caseId);
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
            return Json(new
            {
                documentId = stored.DocumentId,
                kind = documentKind.ToRoute(),
                sha256 = stored.Sha256,
                length = stored.Length,
                contentType = stored.ContentType,
                status = "scanning",
            }, 202);
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
        CommandAsync<VerificationRequest>(http, caseId, "documentVerified", [.. CommandPolicy.RolesFor<VerifyDocument>()], (r, _) =>
            new VerifyDocument(documentId, r.Corrections, r.Note, r.Acknowledge));

    /// <summary><c>POST .../assessment</c> (role assessor): submit the asesmen.</summary>
    public static Task<IResult> SubmitAssessment(HttpContext http, string caseId) =>
        CommandAsync<AssessmentRequest>(http, caseId, "assessmentSubmitted", [.. CommandPolicy.RolesFor<SubmitAssessment>()], (r, _) =>
            string.IsNullOrWhiteSpace(r.Summary) ? Fail("summary", "summary is required.") :
            string.IsNullOrWhiteSpace(r.Recommendation) ? Fail("recommendation", "recommendation is required.") :
            new SubmitAssessment(r.Summary, r.Recommendation));

    /// <summary><c>POST .../assessment/decision</c> (role assessment-approver): approve, or send back with a reason.</summary>
    public static Task<IResult> DecideAssessment(HttpContext http, string caseId) =>
        CommandAsync<AssessmentDecisionRequest>(http, caseId, "assessmentDecided", [.. CommandPolicy.RolesFor<DecideAssessment>()], (r, _) =>
            r.Approve is not { } approve ? Fail("approve", "approve (true or false) is required.") :
            !approve && string.IsNullOrWhiteSpace(r.Reason) ? Fail("reason", "A reason is required to send the asesmen back.") :
            new DecideAssessment(approve, r.Reason));

    /// <summary><c>POST .../signoffs/{ministry}</c> (role p2mi-signer or kemensos-signer): sign the dossier digest.</summary>
    public static Task<IResult> SignOff(HttpContext http, string caseId, string ministry)
    {
        if (!Ministries.TryParse(ministry, out var m))
        {
            return Task.FromResult(Problems.Of(404, "ministry.unknown", "Unknown ministry", $"'{Problems.Shorten(ministry)}' is not a ministry; use kemenp2mi or kemensos."));
        }

        return CommandAsync<SignOffRequest>(http, caseId, "signOff", [.. CommandPolicy.RolesFor<SignOff>()], (r, _) =>
            r.Approve is not { } approve ? Fail("approve", "approve (true or false) is required.") :
            string.IsNullOrWhiteSpace(r.DossierDigest) || r.DossierDigest.Length != 64 ? Fail("dossierDigest", "dossierDigest (64 hex characters, from GET /api/cases/{id}) is required.") :
            !approve && string.IsNullOrWhiteSpace(r.Reason) ? Fail("reason", "A reason is required to reject.") :
            new SignOff(m, approve, r.DossierDigest.ToLowerInvariant(), r.Reason));
    }

    /// <summary><c>POST .../holds</c> (role investigator): place an investigation hold; the answer names the hold ID.</summary>
    public static Task<IResult> PlaceHold(HttpContext http, string caseId) =>
        CommandAsync<HoldRequest>(http, caseId, "holdPlaced", [.. CommandPolicy.RolesFor<PlaceHold>()], (r, commandId) =>
            string.IsNullOrWhiteSpace(r.Reason) ? Fail("reason", "reason is required.") :
            new PlaceHold("HOLD-" + Identifiers.Sha256Hex(commandId)[..10].ToUpperInvariant(), r.Reason));

    /// <summary><c>DELETE .../holds/{holdId}</c> (role investigator): lift a hold; optional JSON body with a reason.</summary>
    public static Task<IResult> LiftHold(HttpContext http, string caseId, string holdId) =>
        CommandAsync<ReasonRequest>(http, caseId, "holdLifted", [.. CommandPolicy.RolesFor<LiftHold>()], (r, _) => new LiftHold(holdId, r.Reason), bodyOptional: true);

    /// <summary><c>POST .../withdraw</c> (role admin): withdraw the case with a reason.</summary>
    public static Task<IResult> Withdraw(HttpContext http, string caseId) =>
        CommandAsync<ReasonRequest>(http, caseId, "withdraw", [.. CommandPolicy.RolesFor<Withdraw>()], (r, _) =>
            string.IsNullOrWhiteSpace(r.Reason) ? Fail("reason", "reason is required.") : new Withdraw(r.Reason));

    /// <summary>
    /// The caller as an <see cref="Actor"/>: <c>oid</c> or <c>sub</c> claim, and the <c>roles</c> claims that are Pulang
    /// roles; an app-only token (<c>idtyp</c> = <c>app</c>) keeps only <see cref="Roles.Intake"/>. Null when not authenticated.
    /// </summary>
    public static Actor? ActorOf(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var id = user.FindFirst("oid")?.Value ?? user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(id) || id.StartsWith("system:", StringComparison.Ordinal) || id == Actor.Anonymous.Id)
        {
            return null;
        }

        var roles = user.FindAll("roles").Concat(user.FindAll(ClaimTypes.Role)).Select(c => c.Value).Where(Roles.All.Contains).Distinct().ToList();
        if (user.FindFirst("idtyp")?.Value == "app")
        {
            // A machine caller (Entra app-only token, optional claim idtyp): the intake role only, whatever else it holds.
            roles.RemoveAll(r => r != Roles.Intake);
        }

        return new Actor(id, roles);
    }

    static IResult? Authorize(HttpContext http, out Actor? actor, params string[] roles)
    {
        actor = ActorOf(http.User);
        if (actor is null) return Problems.Unauthenticated();
        var a = actor;
        return roles.Any(a.Has) ? null : Problems.Forbidden(roles);
    }

    static IResult Json(object? value, int status = 200) => Results.Json(value, PulangJson.Options, statusCode: status);

    static CaseService Service(HttpContext http) => http.RequestServices.GetRequiredService<CaseService>();

    sealed record Invalid(string Field, string Message) : CaseCommand
    {
        public override string Name => "invalid";
    }

    static CaseCommand Fail(string field, string message) => new Invalid(field, message);

    static AuditLog Audit(HttpContext http) => http.RequestServices.GetRequiredService<AuditLog>();

    /// <summary>
    /// Audits a refusal that never reaches the case orchestration (role check, body and field checks, pre-check, upload checks, refused download links), for an
    /// authenticated caller and a case that exists. <paramref name="entryKey"/> makes the entry ID stable for a
    /// repeated request (the Idempotency-Key based command ID), else each refusal is its own entry.
    /// </summary>
    static async Task AuditRefusalAsync(HttpContext http, string caseId, Actor? actor, string action, string code, string? entryKey = null, string? target = null)
    {
        if (actor is null || !CaseService.IsCaseId(caseId) || await http.RequestServices.GetRequiredService<CaseIndex>().GetAsync(caseId, http.RequestAborted) is null)
        {
            return;
        }

        var audit = Audit(http);
        var id = $"{caseId}:http:{entryKey ?? Guid.NewGuid().ToString("N")}:{action}";
        await audit.AppendAsync(caseId, audit.Record(id, actor, action, AuditRecord.Refused, code, target), CancellationToken.None);
    }

    /// <summary>The stable <c>code</c> of a problem answer (<see cref="Problems"/>), or <c>request.body</c>.</summary>
    static string CodeOf(IResult problem) =>
        problem is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult p && p.ProblemDetails.Extensions.TryGetValue("code", out var c) && c is string code ? code : "request.body";

    static async Task<IResult> CommandAsync<TRequest>(HttpContext http, string caseId, string action, string[] roles, Func<TRequest, string, CaseCommand> build, bool bodyOptional = false)
        where TRequest : class
    {
        if (Authorize(http, out var actor, roles) is { } denied)
        {
            await AuditRefusalAsync(http, caseId, actor, action, "role.required");
            return denied;
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 100 || key.Any(char.IsControl))
        {
            await AuditRefusalAsync(http, caseId, actor, action, "request.invalid");
            return Problems.Invalid(new Dictionary<string, string[]> { ["Idempotency-Key"] = ["The Idempotency-Key header must be at most 100 printable characters."] });
        }

        var commandId = key.Length > 0 ? $"{actor!.Id}:{key}" : Guid.NewGuid().ToString("N");
        TRequest? request;
        if (bodyOptional && (http.Request.ContentLength ?? 0) == 0 && !http.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            request = JsonSerializer.Deserialize<TRequest>("{}", PulangJson.Options);
        }
        else
        {
            var (r, bad) = await ReadJsonAsync<TRequest>(http);
            if (bad is not null)
            {
                // Body refusals (400, 413, 415) are audited like the case's own refusals; a re-sent request with
                // the same Idempotency-Key and the same fault writes one entry.
                var code = CodeOf(bad);
                await AuditRefusalAsync(http, caseId, actor, action, code, key.Length > 0 ? $"{commandId}:{code}" : null);
                return bad;
            }

            request = r;
        }

        var command = build(request!, commandId);
        if (command is Invalid invalid)
        {
            await AuditRefusalAsync(http, caseId, actor, action, "request.invalid", key.Length > 0 ? $"{commandId}:request.invalid" : null);
            return Problems.Invalid(new Dictionary<string, string[]> { [invalid.Field] = [invalid.Message] });
        }

        command = command with { CommandId = commandId, Actor = actor! };
        var wait = PreferredWait(http);
        var outcome = await Service(http).SendAsync(caseId, command, http.RequestAborted, wait);
        if (outcome is { Status: CommandStatus.Refused, PreChecked: true })
        {
            await AuditRefusalAsync(http, caseId, actor, command.Name, outcome.Refusal!.Code, key.Length > 0 ? commandId : null, AuditTrail.TargetOf(command));
        }

        return outcome.Status switch
        {
            CommandStatus.NotFound => Problems.CaseNotFound(caseId),
            CommandStatus.Refused => Problems.Refused(outcome.Refusal!),
            CommandStatus.Pending => Pending(http, caseId, commandId, respondAsync: wait == TimeSpan.Zero && HasPreference(http, "respond-async")),
            _ => Json(CaseView.For(outcome.State!, actor!)),
        };
    }

    /// <summary>
    /// The caller's wait preference (RFC 7240 <c>Prefer</c>): <c>respond-async</c> answers 202 as soon as the command
    /// is pre-checked and raised to the case; <c>wait=N</c> waits at most N seconds (capped by
    /// <see cref="PulangOptions.CommandWaitTimeout"/>). Null (the configured wait) when neither is given.
    /// </summary>
    static TimeSpan? PreferredWait(HttpContext http)
    {
        if (!NameValueHeaderValue.TryParseList(http.Request.Headers["Prefer"], out var preferences))
        {
            return null;
        }

        if (preferences.Any(p => p.Name.Equals("respond-async", StringComparison.OrdinalIgnoreCase)))
        {
            return TimeSpan.Zero;
        }

        var max = http.RequestServices.GetRequiredService<IOptions<PulangOptions>>().Value.CommandWaitTimeout;
        return preferences.FirstOrDefault(p => p.Name.Equals("wait", StringComparison.OrdinalIgnoreCase)) is { } w
            && int.TryParse(w.Value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, max.TotalSeconds))
            : null;
    }

    /// <summary>True when the request's RFC 7240 <c>Prefer</c> header names <paramref name="preference"/>.</summary>
    static bool HasPreference(HttpContext http, string preference) =>
        NameValueHeaderValue.TryParseList(http.Request.Headers["Prefer"], out var preferences)
        && preferences.Any(p => p.Name.Equals(preference, StringComparison.OrdinalIgnoreCase));

    /// <summary>202 for a command raised to the case but not yet decided: where to look, and whether respond-async applied.</summary>
    static IResult Pending(HttpContext http, string caseId, string commandId, bool respondAsync)
    {
        if (respondAsync)
        {
            http.Response.Headers["Preference-Applied"] = "respond-async";
        }

        http.Response.Headers.Location = $"/api/cases/{caseId}";
        return Json(new { commandId, status = "pending", location = $"/api/cases/{caseId}" }, 202);
    }

    /// <summary>Reads a JSON body: 415 unless <c>application/json</c>, 413 over <see cref="MaxJsonBytes"/>, 400 if unreadable.</summary>
    static async Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Problems.Of(415, "request.media-type", "JSON expected", "Send the body as application/json."));
        }

        if (http.Request.ContentLength > MaxJsonBytes)
        {
            return (null, Problems.Of(413, "request.too-large", "Body too large", $"JSON bodies are limited to {MaxJsonBytes} bytes."));
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int n;
            while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxJsonBytes)
                {
                    return (null, Problems.Of(413, "request.too-large", "Body too large", $"JSON bodies are limited to {MaxJsonBytes} bytes."));
                }
            }

            if (buffer.Length == 0)
            {
                return (null, Problems.BadBody("The body is empty; send a JSON object."));
            }

            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), PulangJson.Options);
            return value is null ? (null, Problems.BadBody("The body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadBody($"The body is not valid JSON for this request{(e.Path is { } p ? $" (at {p})" : "")}: {FirstLine(e.Message)}"));
        }
    }

    static string FirstLine(string s) => s.Split('\n')[0].Split(" Path:")[0];
}
