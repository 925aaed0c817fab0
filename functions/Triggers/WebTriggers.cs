using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pulang.Web;
using Pulang.Web.Handlers;

namespace Pulang.Functions.Triggers;

/// <summary>
/// The web app for people at the self-host's paths: one trigger per route of <see cref="WebRoutes.MapPulangWeb"/>, named
/// <c>Web</c> + the handler's name (the API's triggers have the bare names), each calling the same handler through
/// <see cref="HttpTriggers.Handle"/>. host.json's <c>routePrefix</c> is empty, so <c>cases/{caseId}</c> is served at
/// <c>/cases/{caseId}</c> as in the self-host; the home page uses the optional empty parameter
/// <c>{ignored:maxlength(0)?}</c>, the way the Functions host lets a trigger answer the site root (with
/// <c>AzureWebJobsDisableHomepage=true</c>). Anonymous level: the handlers check the session themselves (the caller is set
/// from the session cookie by <see cref="Hosting.CallerAuthenticationMiddleware"/>).
/// </summary>
public static class WebTriggers
{
    /// <summary>The home route's trigger template: matches only the site root.</summary>
    public const string RootRoute = "{ignored:maxlength(0)?}";

    /// <summary><c>GET /</c>: <see cref="InboxHandlers.Inbox"/>.</summary>
    [Function("WebInbox")]
    public static Task<IResult> Inbox([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = RootRoute)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, InboxHandlers.Inbox);

    /// <summary><c>GET /signin</c>: <see cref="SessionHandlers.SignInPage"/>.</summary>
    [Function("WebSignInPage")]
    public static Task<IResult> SignInPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "signin")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, SessionHandlers.SignInPage);

    /// <summary><c>POST /signin</c>: <see cref="SessionHandlers.SignIn"/>.</summary>
    [Function("WebSignIn")]
    public static Task<IResult> SignIn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "signin")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, SessionHandlers.SignIn);

    /// <summary><c>POST /signin/external</c>: <see cref="SessionHandlers.SignInExternal"/>.</summary>
    [Function("WebSignInExternal")]
    public static Task<IResult> SignInExternal([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "signin/external")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, SessionHandlers.SignInExternal);

    /// <summary><c>POST /signout</c>: <see cref="SessionHandlers.SignOut"/>.</summary>
    [Function("WebSignOut")]
    public static Task<IResult> SignOut([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "signout")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, SessionHandlers.SignOut);

    /// <summary><c>POST /language</c>: <see cref="SessionHandlers.SetLanguage"/>.</summary>
    [Function("WebSetLanguage")]
    public static Task<IResult> SetLanguage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "language")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, SessionHandlers.SetLanguage);

    /// <summary><c>GET /cases</c>: <see cref="CaseListHandlers.Cases"/>.</summary>
    [Function("WebCases")]
    public static Task<IResult> Cases([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, CaseListHandlers.Cases);

    /// <summary><c>GET /dashboard</c>: <see cref="DashboardHandlers.Dashboard"/>.</summary>
    [Function("WebDashboard")]
    public static Task<IResult> Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, DashboardHandlers.Dashboard);

    /// <summary><c>GET /assets/{file}</c>: <see cref="AssetHandlers.Asset"/>.</summary>
    [Function("WebAsset")]
    public static Task<IResult> Asset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{file}")] HttpRequest req, string file, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => Task.FromResult(AssetHandlers.Asset(http, file)));

    /// <summary><c>GET /cases/{caseId}</c>: <see cref="CaseHandlers.Case"/>.</summary>
    [Function("WebCase")]
    public static Task<IResult> Case([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseHandlers.Case(http, caseId));

    /// <summary><c>GET /cases/{caseId}/upload</c>: <see cref="UploadHandlers.UploadPage"/>.</summary>
    [Function("WebUploadPage")]
    public static Task<IResult> UploadPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}/upload")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => UploadHandlers.UploadPage(http, caseId));

    /// <summary><c>POST /cases/{caseId}/documents</c>: <see cref="UploadHandlers.Upload"/>.</summary>
    [Function("WebUpload")]
    public static Task<IResult> Upload([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/documents")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => UploadHandlers.Upload(http, caseId));

    /// <summary><c>GET /cases/{caseId}/documents/{documentId}</c>: <see cref="CaseHandlers.Document"/>.</summary>
    [Function("WebDocument")]
    public static Task<IResult> Document([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}/documents/{documentId}")] HttpRequest req, string caseId, string documentId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseHandlers.Document(http, caseId, documentId));

    /// <summary><c>GET /cases/{caseId}/documents/{documentId}/status</c>: <see cref="UploadHandlers.Status"/>.</summary>
    [Function("WebStatus")]
    public static Task<IResult> Status([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}/documents/{documentId}/status")] HttpRequest req, string caseId, string documentId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => UploadHandlers.Status(http, caseId, documentId));

    /// <summary><c>GET /cases/{caseId}/documents/{documentId}/pages/{page:int}</c>: <see cref="ThumbnailHandlers.PageImage"/>.</summary>
    [Function("WebPageImage")]
    public static Task<IResult> PageImage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}/documents/{documentId}/pages/{page:int}")] HttpRequest req, string caseId, string documentId, int page, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => ThumbnailHandlers.PageImage(http, caseId, documentId, page));

    /// <summary><c>POST /cases/{caseId}/documents/{documentId}/verification</c>: <see cref="ActionHandlers.Verify"/>.</summary>
    [Function("WebVerify")]
    public static Task<IResult> Verify([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/documents/{documentId}/verification")] HttpRequest req, string caseId, string documentId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => ActionHandlers.Verify(http, caseId, documentId));

    /// <summary><c>POST /cases/{caseId}/assessment</c>: <see cref="ActionHandlers.SubmitAssessment"/>.</summary>
    [Function("WebSubmitAssessment")]
    public static Task<IResult> SubmitAssessment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/assessment")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => ActionHandlers.SubmitAssessment(http, caseId));

    /// <summary><c>POST /cases/{caseId}/assessment/decision</c>: <see cref="ActionHandlers.DecideAssessment"/>.</summary>
    [Function("WebDecideAssessment")]
    public static Task<IResult> DecideAssessment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/assessment/decision")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => ActionHandlers.DecideAssessment(http, caseId));

    /// <summary><c>GET /cases/{caseId}/commands/{key}</c>: <see cref="CaseHandlers.CommandStatus"/>.</summary>
    [Function("WebCommandStatus")]
    public static Task<IResult> CommandStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}/commands/{key}")] HttpRequest req, string caseId, string key, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseHandlers.CommandStatus(http, caseId, key));

    /// <summary><c>GET /cases/{caseId}/signoff</c>: <see cref="CaseHandlers.SignOffPage"/>.</summary>
    [Function("WebSignOffPage")]
    public static Task<IResult> SignOffPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cases/{caseId}/signoff")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseHandlers.SignOffPage(http, caseId));

    /// <summary><c>POST /cases/{caseId}/signoffs/{ministry}</c>: <see cref="ActionHandlers.SignOff"/>.</summary>
    [Function("WebSignOff")]
    public static Task<IResult> SignOff([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/signoffs/{ministry}")] HttpRequest req, string caseId, string ministry, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => ActionHandlers.SignOff(http, caseId, ministry));

    /// <summary><c>POST /cases/{caseId}/holds</c>: <see cref="ActionHandlers.PlaceHold"/>.</summary>
    [Function("WebPlaceHold")]
    public static Task<IResult> PlaceHold([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/holds")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => ActionHandlers.PlaceHold(http, caseId));

    /// <summary><c>POST /cases/{caseId}/holds/{holdId}/lift</c>: <see cref="ActionHandlers.LiftHold"/>.</summary>
    [Function("WebLiftHold")]
    public static Task<IResult> LiftHold([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/holds/{holdId}/lift")] HttpRequest req, string caseId, string holdId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => ActionHandlers.LiftHold(http, caseId, holdId));

    /// <summary><c>POST /cases/{caseId}/withdraw</c>: <see cref="ActionHandlers.Withdraw"/>.</summary>
    [Function("WebWithdraw")]
    public static Task<IResult> Withdraw([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "cases/{caseId}/withdraw")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => ActionHandlers.Withdraw(http, caseId));
}
