using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Pulang.Web.Handlers;

namespace Pulang.Web;

/// <summary>
/// Every route of the web app (outside <c>/api</c>; listed in <c>docs/web.md</c>). Handlers are static
/// <c>(HttpContext, ...) -> Task&lt;IResult&gt;</c> methods, so the self-host maps them here and the Functions app calls
/// the same methods from its HTTP triggers. Route values are IDs only: no personal data in any URL.
/// </summary>
public static class WebRoutes
{
    /// <summary>GET: the inbox (home page after sign-in).</summary>
    public const string Home = "/";
    /// <summary>GET: the sign-in page; POST: sign in as a demo user (local issuer).</summary>
    public const string SignIn = "/signin";
    /// <summary>The sign-in page after signing out.</summary>
    public const string SignedOut = "/signin?signedout=1";
    /// <summary>POST: sign in at the identity provider (<see cref="Hosting.IExternalSignIn"/>).</summary>
    public const string SignInExternal = "/signin/external";
    /// <summary>POST: sign out (clears the session cookie).</summary>
    public const string SignOut = "/signout";
    /// <summary>POST: switch language (<c>lang</c> = <c>id</c> | <c>en</c>, <c>return</c> = a local path).</summary>
    public const string Language = "/language";
    /// <summary>GET: the cases list (<c>stage, ministry, overdue, hold, q, sort, page</c>).</summary>
    public const string Cases = "/cases";
    /// <summary>GET: the dashboard.</summary>
    public const string Dashboard = "/dashboard";
    /// <summary>GET: an embedded asset (htmx, Pico CSS, the app's CSS and script).</summary>
    public const string Assets = "/assets/{file}";

    /// <summary>GET: a case page.</summary>
    public static string Case(string caseId) => $"/cases/{caseId}";
    /// <summary>GET: the upload page of a case; POST <c>{case}/documents</c>: one scan.</summary>
    public static string Upload(string caseId) => $"/cases/{caseId}/upload";
    /// <summary>GET: a document's verification page.</summary>
    public static string Document(string caseId, string documentId) => $"/cases/{caseId}/documents/{documentId}";
    /// <summary>GET: a document page's image (PNG thumbnail, page 1-based).</summary>
    public static string PageImage(string caseId, string documentId, int page, bool large = false) =>
        $"/cases/{caseId}/documents/{documentId}/pages/{page}" + (large ? "?size=large" : "");
    /// <summary>GET: an uploaded document's reading status (htmx fragment, polled).</summary>
    public static string DocumentStatus(string caseId, string documentId) => $"/cases/{caseId}/documents/{documentId}/status";
    /// <summary>GET: whether the case has recorded a command sent from a form (htmx fragment, polled; <c>key</c> = the form's one-time key).</summary>
    public static string CommandStatus(string caseId, string key, string action) => $"/cases/{caseId}/commands/{key}?action={Uri.EscapeDataString(action)}";
    /// <summary>GET: the sign-off page (the dossier).</summary>
    public static string SignOffPage(string caseId) => $"/cases/{caseId}/signoff";

    /// <summary>Maps every web app route (call outside the authenticated <c>/api</c> group: handlers check the session themselves).</summary>
    public static IEndpointRouteBuilder MapPulangWeb(this IEndpointRouteBuilder app)
    {
        app.MapGet(Home, (Delegate)InboxHandlers.Inbox);
        app.MapGet(SignIn, (Delegate)SessionHandlers.SignInPage);
        app.MapPost(SignIn, (Delegate)SessionHandlers.SignIn);
        app.MapPost(SignInExternal, (Delegate)SessionHandlers.SignInExternal);
        app.MapPost(SignOut, (Delegate)SessionHandlers.SignOut);
        app.MapPost(Language, (Delegate)SessionHandlers.SetLanguage);
        app.MapGet(Cases, (Delegate)CaseListHandlers.Cases);
        app.MapGet(Dashboard, (Delegate)DashboardHandlers.Dashboard);
        app.MapGet(Assets, (Delegate)AssetHandlers.Asset);
        app.MapGet("/cases/{caseId}", (Delegate)CaseHandlers.Case);
        app.MapGet("/cases/{caseId}/upload", (Delegate)UploadHandlers.UploadPage);
        app.MapPost("/cases/{caseId}/documents", (Delegate)UploadHandlers.Upload);
        app.MapGet("/cases/{caseId}/documents/{documentId}", (Delegate)CaseHandlers.Document);
        app.MapGet("/cases/{caseId}/documents/{documentId}/status", (Delegate)UploadHandlers.Status);
        app.MapGet("/cases/{caseId}/documents/{documentId}/pages/{page:int}", (Delegate)ThumbnailHandlers.PageImage);
        app.MapPost("/cases/{caseId}/documents/{documentId}/verification", (Delegate)ActionHandlers.Verify);
        app.MapPost("/cases/{caseId}/assessment", (Delegate)ActionHandlers.SubmitAssessment);
        app.MapPost("/cases/{caseId}/assessment/decision", (Delegate)ActionHandlers.DecideAssessment);
        app.MapGet("/cases/{caseId}/commands/{key}", (Delegate)CaseHandlers.CommandStatus);
        app.MapGet("/cases/{caseId}/signoff", (Delegate)CaseHandlers.SignOffPage);
        app.MapPost("/cases/{caseId}/signoffs/{ministry}", (Delegate)ActionHandlers.SignOff);
        app.MapPost("/cases/{caseId}/holds", (Delegate)ActionHandlers.PlaceHold);
        app.MapPost("/cases/{caseId}/holds/{holdId}/lift", (Delegate)ActionHandlers.LiftHold);
        app.MapPost("/cases/{caseId}/withdraw", (Delegate)ActionHandlers.Withdraw);
        return app;
    }
}
