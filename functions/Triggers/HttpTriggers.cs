using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulang.Functions.Hosting;
using Pulang.Workflows.Http;

namespace Pulang.Functions.Triggers;

/// <summary>
/// The HTTP API under <c>/api</c>: one trigger per route of <see cref="CaseEndpoints.MapPulangApi"/>, each calling the
/// same handler. Routes carry the <c>api/</c> themselves: host.json's <c>routePrefix</c> is empty so that the web pages
/// are served at the self-host's paths too. Authorization level is anonymous because the worker validates the caller's bearer token
/// (<see cref="CallerAuthenticationMiddleware"/>) and the handlers check roles themselves, answering 401/403 with
/// problem details; no trigger returns Durable management links.
/// </summary>
public static class HttpTriggers
{
    /// <summary><c>POST /api/cases</c>: <see cref="CaseEndpoints.CreateCase"/>.</summary>
    [Function("CreateCase")]
    public static Task<IResult> CreateCase([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, CaseEndpoints.CreateCase);

    /// <summary><c>GET /api/cases?stage=&amp;max=&amp;sort=&amp;continuationToken=</c>: <see cref="CaseEndpoints.ListCases"/>.</summary>
    [Function("ListCases")]
    public static Task<IResult> ListCases([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cases")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http =>
        {
            var max = http.Request.Query["max"].ToString();
            var q = http.Request.Query;
            if (max.Length == 0) return CaseEndpoints.ListCases(http, q["stage"], null, q["sort"], q["continuationToken"]);
            return int.TryParse(max, out var m)
                ? CaseEndpoints.ListCases(http, q["stage"], m, q["sort"], q["continuationToken"])
                : Task.FromResult(Problems.Invalid(new Dictionary<string, string[]> { ["max"] = ["max must be 1..1000."] }));
        });

    /// <summary><c>GET /api/inbox?max=&amp;sort=&amp;continuationToken=</c>: <see cref="CaseEndpoints.GetInbox"/>.</summary>
    [Function("GetInbox")]
    public static Task<IResult> GetInbox([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/inbox")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http =>
        {
            var max = http.Request.Query["max"].ToString();
            var q = http.Request.Query;
            if (max.Length == 0) return CaseEndpoints.GetInbox(http, null, q["sort"], q["continuationToken"]);
            return int.TryParse(max, out var m)
                ? CaseEndpoints.GetInbox(http, m, q["sort"], q["continuationToken"])
                : Task.FromResult(Problems.Invalid(new Dictionary<string, string[]> { ["max"] = ["max must be 1..1000."] }));
        });

    /// <summary><c>GET /api/cases/{caseId}</c>: <see cref="CaseEndpoints.GetCase"/>.</summary>
    [Function("GetCase")]
    public static Task<IResult> GetCase([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cases/{caseId}")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.GetCase(http, caseId));

    /// <summary><c>GET /api/cases/{caseId}/release</c>: <see cref="CaseEndpoints.GetRelease"/>.</summary>
    [Function("GetRelease")]
    public static Task<IResult> GetRelease([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cases/{caseId}/release")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.GetRelease(http, caseId));

    /// <summary><c>GET /api/cases/{caseId}/audit</c>: <see cref="CaseEndpoints.GetAudit"/>.</summary>
    [Function("GetAudit")]
    public static Task<IResult> GetAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cases/{caseId}/audit")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.GetAudit(http, caseId));

    /// <summary><c>GET /api/cases/{caseId}/documents/{documentId}/content</c>: <see cref="CaseEndpoints.GetDocumentLink"/>.</summary>
    [Function("GetDocumentLink")]
    public static Task<IResult> GetDocumentLink([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cases/{caseId}/documents/{documentId}/content")] HttpRequest req, string caseId, string documentId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.GetDocumentLink(http, caseId, documentId));

    /// <summary><c>PUT /api/cases/{caseId}/documents/{kind}</c>: <see cref="CaseEndpoints.UploadDocument"/>.</summary>
    [Function("UploadDocument")]
    public static Task<IResult> UploadDocument([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/cases/{caseId}/documents/{kind}")] HttpRequest req, string caseId, string kind, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.UploadDocument(http, caseId, kind));

    /// <summary><c>POST /api/cases/{caseId}/documents/{documentId}/verification</c>: <see cref="CaseEndpoints.VerifyDocument"/>.</summary>
    [Function("VerifyDocument")]
    public static Task<IResult> VerifyDocument([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases/{caseId}/documents/{documentId}/verification")] HttpRequest req, string caseId, string documentId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.VerifyDocument(http, caseId, documentId));

    /// <summary><c>POST /api/cases/{caseId}/documents/{documentId}/rejection</c>: <see cref="CaseEndpoints.RejectDocument"/>.</summary>
    [Function("RejectDocument")]
    public static Task<IResult> RejectDocument([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases/{caseId}/documents/{documentId}/rejection")] HttpRequest req, string caseId, string documentId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.RejectDocument(http, caseId, documentId));

    /// <summary><c>POST /api/cases/{caseId}/documents/{documentId}/classification</c>: <see cref="CaseEndpoints.ClassifyDocument"/>.</summary>
    [Function("ClassifyDocument")]
    public static Task<IResult> ClassifyDocument([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases/{caseId}/documents/{documentId}/classification")] HttpRequest req, string caseId, string documentId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.ClassifyDocument(http, caseId, documentId));

    /// <summary><c>POST /api/cases/{caseId}/assessment</c>: <see cref="CaseEndpoints.SubmitAssessment"/>.</summary>
    [Function("SubmitAssessment")]
    public static Task<IResult> SubmitAssessment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases/{caseId}/assessment")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.SubmitAssessment(http, caseId));

    /// <summary><c>POST /api/cases/{caseId}/assessment/decision</c>: <see cref="CaseEndpoints.DecideAssessment"/>.</summary>
    [Function("DecideAssessment")]
    public static Task<IResult> DecideAssessment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases/{caseId}/assessment/decision")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.DecideAssessment(http, caseId));

    /// <summary><c>POST /api/cases/{caseId}/signoffs/{ministry}</c>: <see cref="CaseEndpoints.SignOff"/>.</summary>
    [Function("SignOff")]
    public static Task<IResult> SignOff([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases/{caseId}/signoffs/{ministry}")] HttpRequest req, string caseId, string ministry, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.SignOff(http, caseId, ministry));

    /// <summary><c>POST /api/cases/{caseId}/holds</c>: <see cref="CaseEndpoints.PlaceHold"/>.</summary>
    [Function("PlaceHold")]
    public static Task<IResult> PlaceHold([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases/{caseId}/holds")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.PlaceHold(http, caseId));

    /// <summary><c>DELETE /api/cases/{caseId}/holds/{holdId}</c>: <see cref="CaseEndpoints.LiftHold"/>.</summary>
    [Function("LiftHold")]
    public static Task<IResult> LiftHold([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/cases/{caseId}/holds/{holdId}")] HttpRequest req, string caseId, string holdId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.LiftHold(http, caseId, holdId));

    /// <summary><c>POST /api/cases/{caseId}/withdraw</c>: <see cref="CaseEndpoints.Withdraw"/>.</summary>
    [Function("Withdraw")]
    public static Task<IResult> Withdraw([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cases/{caseId}/withdraw")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        Handle(req, client, http => CaseEndpoints.Withdraw(http, caseId));

    /// <summary>
    /// Puts the invocation's client where the scoped services find it, runs the shared handler, and answers
    /// unhandled errors as the self-host does (<see cref="Problems.Unhandled"/>).
    /// </summary>
    public static async Task<IResult> Handle(HttpRequest req, DurableTaskClient client, Func<HttpContext, Task<IResult>> handler)
    {
        var http = req.HttpContext;
        DurableClientScope.Use(http.RequestServices, client);
        try
        {
            return await handler(http);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Pulang.Functions.Http")
                .LogError(e, "Unhandled error in {Method} {Path}", http.Request.Method, http.Request.Path);
            return Problems.Unhandled(e, http.Response);
        }
    }
}
