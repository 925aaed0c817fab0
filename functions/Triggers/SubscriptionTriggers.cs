using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pulang.Workflows.Http;

namespace Pulang.Functions.Triggers;

/// <summary>
/// The webhook subscription routes under <c>/api/subscriptions</c> (admin): one trigger per route of
/// <see cref="CaseEndpoints.MapPulangApi"/>, each calling the same handler through <see cref="HttpTriggers.Handle"/>.
/// </summary>
public static class SubscriptionTriggers
{
    /// <summary><c>POST /api/subscriptions</c>: <see cref="CaseEndpoints.CreateSubscription"/>.</summary>
    [Function("CreateSubscription")]
    public static Task<IResult> CreateSubscription([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/subscriptions")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, CaseEndpoints.CreateSubscription);

    /// <summary><c>GET /api/subscriptions</c>: <see cref="CaseEndpoints.ListSubscriptions"/>.</summary>
    [Function("ListSubscriptions")]
    public static Task<IResult> ListSubscriptions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/subscriptions")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, CaseEndpoints.ListSubscriptions);

    /// <summary><c>GET /api/subscriptions/{subscriptionId}</c>: <see cref="CaseEndpoints.GetSubscription"/>.</summary>
    [Function("GetSubscription")]
    public static Task<IResult> GetSubscription([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/subscriptions/{subscriptionId}")] HttpRequest req, string subscriptionId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseEndpoints.GetSubscription(http, subscriptionId));

    /// <summary><c>DELETE /api/subscriptions/{subscriptionId}</c>: <see cref="CaseEndpoints.DeleteSubscription"/>.</summary>
    [Function("DeleteSubscription")]
    public static Task<IResult> DeleteSubscription([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/subscriptions/{subscriptionId}")] HttpRequest req, string subscriptionId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseEndpoints.DeleteSubscription(http, subscriptionId));

    /// <summary><c>POST /api/subscriptions/{subscriptionId}/pause</c>: <see cref="CaseEndpoints.PauseSubscription"/>.</summary>
    [Function("PauseSubscription")]
    public static Task<IResult> PauseSubscription([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/subscriptions/{subscriptionId}/pause")] HttpRequest req, string subscriptionId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseEndpoints.PauseSubscription(http, subscriptionId));

    /// <summary><c>POST /api/subscriptions/{subscriptionId}/resume</c>: <see cref="CaseEndpoints.ResumeSubscription"/>.</summary>
    [Function("ResumeSubscription")]
    public static Task<IResult> ResumeSubscription([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/subscriptions/{subscriptionId}/resume")] HttpRequest req, string subscriptionId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseEndpoints.ResumeSubscription(http, subscriptionId));

    /// <summary><c>GET /api/subscriptions/{subscriptionId}/deliveries?max=</c>: <see cref="CaseEndpoints.ListDeliveries"/>.</summary>
    [Function("ListDeliveries")]
    public static Task<IResult> ListDeliveries([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/subscriptions/{subscriptionId}/deliveries")] HttpRequest req, string subscriptionId, [DurableClient] DurableTaskClient client) =>
        HttpTriggers.Handle(req, client, http => CaseEndpoints.ListDeliveries(http, subscriptionId, MaxOf(req)));

    /// <summary><c>max</c> from the query: null when absent, 0 (refused by the handler with 400) when not a whole number.</summary>
    static int? MaxOf(HttpRequest req) =>
        req.Query["max"].ToString() is { Length: > 0 } text ? int.TryParse(text, out var max) ? max : 0 : null;
}
