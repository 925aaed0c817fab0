using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pulang.Workflows.Http;

namespace Pulang.Functions.Triggers;

/// <summary>
/// The release letter on the Functions host: the PDF (an API route, bearer token checked by the handler) and the three
/// anonymous routes that let anyone check a letter (<see cref="CaseEndpoints.MapPulangLetterChecks"/>): the published
/// release key, the online check and the check page. The release key comes from the app setting <c>Pulang__ReleaseKey</c>
/// (in Azure a Key Vault reference). The public routes are meant to sit at the site root (<c>/.well-known/...</c>,
/// <c>/release-letters/...</c>), as on the self-host (the host's route prefix is empty; API routes start with <c>api/</c>).
/// </summary>
public static class LetterTriggers
{
    /// <summary><c>GET /api/cases/{caseId}/release/letter</c>: <see cref="CaseEndpoints.GetReleaseLetter"/>.</summary>
    [Function("GetReleaseLetter")]
    public static Task<IResult> GetReleaseLetter([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cases/{caseId}/release/letter")] HttpRequest req, string caseId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseEndpoints.GetReleaseLetter(http, caseId));

    /// <summary><c>GET /.well-known/pulang-release-key</c> (anonymous): <see cref="CaseEndpoints.GetReleaseKey"/>.</summary>
    [Function("GetReleaseKey")]
    public static Task<IResult> GetReleaseKey([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ".well-known/pulang-release-key")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => Task.FromResult(CaseEndpoints.GetReleaseKey(http)));

    /// <summary><c>GET /release-letters/check?statement=</c> (anonymous): <see cref="CaseEndpoints.CheckLetter"/>.</summary>
    [Function("CheckLetter")]
    public static Task<IResult> CheckLetter([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "release-letters/check")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseEndpoints.CheckLetter(http, http.Request.Query["statement"]));

    /// <summary><c>GET /release-letters/verify</c> (anonymous): <see cref="CaseEndpoints.GetLetterPage"/>.</summary>
    [Function("GetLetterPage")]
    public static Task<IResult> GetLetterPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "release-letters/verify")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => Task.FromResult(CaseEndpoints.GetLetterPage(http)));
}
