using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Events;

namespace Pulang.Workflows.Http;

/// <summary>Body of <c>POST /api/subscriptions</c>.</summary>
/// <param name="Url">Receiver URL (absolute https; http only with <c>Pulang:Webhooks:AllowHttp</c>).</param>
/// <param name="EventTypes">CloudEvents types to receive, e.g. <c>id.go.pulang.case.released.v1</c> (at least one).</param>
public sealed record SubscriptionRequest(string? Url, IReadOnlyList<string>? EventTypes);

public static partial class CaseEndpoints
{
    /// <summary><c>POST /api/subscriptions</c> (admin): validates the receiver with the webhook handshake, stores the subscription; 201 with its secret (only here).</summary>
    public static async Task<IResult> CreateSubscription(HttpContext http)
    {
        if (Authorize(http, out var actor, Roles.Admin) is { } denied) return denied;
        var (request, bad) = await ReadJsonAsync<SubscriptionRequest>(http);
        if (bad is not null) return bad;
        var settings = http.RequestServices.GetRequiredService<IOptions<PulangOptions>>().Value.Webhooks;
        var errors = new Dictionary<string, string[]>();
        Uri? url = null;
        if (string.IsNullOrWhiteSpace(request!.Url) || request.Url.Length > 2000 || !Uri.TryCreate(request.Url, UriKind.Absolute, out url)
            || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && settings.AllowHttp)) || !string.IsNullOrEmpty(url.UserInfo))
        {
            errors["url"] = [settings.AllowHttp ? "An absolute http(s) URL without user information is required." : "An absolute https URL without user information is required."];
        }

        var types = request.EventTypes ?? [];
        if (types.Count == 0 || types.Count > CaseEventTypes.All.Length)
        {
            errors["eventTypes"] = [$"Give one or more of: {string.Join(", ", CaseEventTypes.All.Select(t => t.Type))}."];
        }
        else if (types.FirstOrDefault(t => CaseEventTypes.ForType(t ?? "") is null) is { } unknown || types.Contains(null))
        {
            errors["eventTypes"] = [$"Unknown event type '{Problems.Shorten(types.FirstOrDefault(t => CaseEventTypes.ForType(t ?? "") is null))}'; one of {string.Join(", ", CaseEventTypes.All.Select(t => t.Type))}."];
        }

        if (errors.Count > 0) return Problems.Invalid(errors);
        if (await http.RequestServices.GetRequiredService<WebhookHandshake>().ValidateAsync(url!, http.RequestAborted) is { } refused)
        {
            return Problems.Of(422, "subscription.handshake-failed", "Receiver did not agree", refused + " See docs/events.md (validation handshake).");
        }

        var created = await Webhooks(http).CreateAsync(url!.AbsoluteUri, [.. types.Distinct()], actor!.Id, DateTimeOffset.UtcNow, http.RequestAborted);
        http.Response.Headers.Location = $"/api/subscriptions/{created.Id}";
        return Json(created, 201);
    }

    /// <summary><c>GET /api/subscriptions</c> (admin): every subscription, without secrets.</summary>
    public static async Task<IResult> ListSubscriptions(HttpContext http)
    {
        if (Authorize(http, out _, Roles.Admin) is { } denied) return denied;
        return Json(new SubscriptionList(await Webhooks(http).ListAsync(http.RequestAborted)));
    }

    /// <summary><c>GET /api/subscriptions/{subscriptionId}</c> (admin): one subscription, without its secret; 404 <c>subscription.not-found</c>.</summary>
    public static async Task<IResult> GetSubscription(HttpContext http, string subscriptionId)
    {
        if (Authorize(http, out _, Roles.Admin) is { } denied) return denied;
        return await Webhooks(http).GetAsync(subscriptionId, withSecret: false, http.RequestAborted) is { } s ? Json(s) : SubscriptionNotFound(subscriptionId);
    }

    /// <summary><c>DELETE /api/subscriptions/{subscriptionId}</c> (admin): 204; its pending deliveries stop at their next try.</summary>
    public static async Task<IResult> DeleteSubscription(HttpContext http, string subscriptionId)
    {
        if (Authorize(http, out _, Roles.Admin) is { } denied) return denied;
        return await Webhooks(http).DeleteAsync(subscriptionId, http.RequestAborted) ? Results.NoContent() : SubscriptionNotFound(subscriptionId);
    }

    /// <summary><c>POST /api/subscriptions/{subscriptionId}/pause</c> (admin): deliveries wait until resumed.</summary>
    public static Task<IResult> PauseSubscription(HttpContext http, string subscriptionId) => SetSubscriptionStatusAsync(http, subscriptionId, Subscription.Paused);

    /// <summary><c>POST /api/subscriptions/{subscriptionId}/resume</c> (admin): waiting deliveries go out.</summary>
    public static Task<IResult> ResumeSubscription(HttpContext http, string subscriptionId) => SetSubscriptionStatusAsync(http, subscriptionId, Subscription.Active);

    /// <summary><c>GET /api/subscriptions/{subscriptionId}/deliveries?max=100</c> (admin): the delivery log, newest first (max 1-1000).</summary>
    public static async Task<IResult> ListDeliveries(HttpContext http, string subscriptionId, int? max)
    {
        if (Authorize(http, out _, Roles.Admin) is { } denied) return denied;
        if (max is < 1 or > 1000)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["max"] = ["max is a whole number from 1 to 1000."] });
        }

        if (await Webhooks(http).GetAsync(subscriptionId, withSecret: false, http.RequestAborted) is null) return SubscriptionNotFound(subscriptionId);
        return Json(new DeliveryLog(subscriptionId, await Webhooks(http).DeliveriesAsync(subscriptionId, max ?? 100, http.RequestAborted)));
    }

    static async Task<IResult> SetSubscriptionStatusAsync(HttpContext http, string subscriptionId, string status)
    {
        if (Authorize(http, out _, Roles.Admin) is { } denied) return denied;
        return await Webhooks(http).SetStatusAsync(subscriptionId, status, http.RequestAborted) is { } s ? Json(s) : SubscriptionNotFound(subscriptionId);
    }

    static WebhookStore Webhooks(HttpContext http) => http.RequestServices.GetRequiredService<WebhookStore>();

    static IResult SubscriptionNotFound(string id) =>
        Problems.Of(404, "subscription.not-found", "No such subscription", $"There is no subscription '{Problems.Shorten(id)}'.");
}
