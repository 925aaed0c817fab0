namespace Pulang.Workflows.Events;

/// <summary>Outgoing events (configuration section <c>Pulang:Events</c>).</summary>
public sealed class EventOptions
{
    /// <summary>
    /// The CloudEvents <c>source</c> of every event (a URI reference; default <c>/pulang</c>). Give each deployment its own
    /// (e.g. <c>https://pulang.example.go.id</c>) when receivers hear from several: <c>source</c> + <c>id</c> is unique.
    /// </summary>
    public string Source { get; set; } = "/pulang";

    /// <summary>
    /// Azure Event Grid topic endpoint (e.g. <c>https://pulang-events.southeastasia-1.eventgrid.azure.net/api/events</c>,
    /// input schema CloudEvents 1.0); empty: no Event Grid. With a managed identity (role EventGrid Data Sender) unless
    /// <see cref="EventGridKey"/> is set.
    /// </summary>
    public string? EventGridEndpoint { get; set; }

    /// <summary>Event Grid topic access key (header <c>aeg-sas-key</c>); empty: Entra ID.</summary>
    public string? EventGridKey { get; set; }

    /// <summary>Client ID of a user-assigned managed identity for Event Grid; empty: the system-assigned one (or the developer sign-in).</summary>
    public string? EventGridManagedIdentityClientId { get; set; }
}

/// <summary>Webhook subscriptions and their delivery (configuration section <c>Pulang:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// What Pulang sends as <c>WebHook-Request-Origin</c> in the validation handshake (default <c>pulang</c>); a receiver
    /// answers with the same value (or <c>*</c>) in <c>WebHook-Allowed-Origin</c>.
    /// </summary>
    public string Origin { get; set; } = "pulang";

    /// <summary>Wait before the second try (default 10 s); each further wait doubles, up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan FirstRetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between two tries (default 15 min).</summary>
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Tries before a delivery is dead-lettered (default 30: with the defaults about 6.5 hours of tries, so a receiver
    /// down for an hour, or a night shift, still gets every event).
    /// </summary>
    public int MaxAttempts { get; set; } = 30;

    /// <summary>How long one try waits for the receiver's answer (default 30 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a delivery to a paused subscription looks again whether it was resumed (default 1 min).</summary>
    public TimeSpan PausedRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Accept <c>http://</c> receiver URLs (default false: <c>https://</c> only). For a receiver on a private network or in tests.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Table of subscriptions (default <c>PulangSubscriptions</c>).</summary>
    public string SubscriptionsTable { get; set; } = "PulangSubscriptions";

    /// <summary>Table of deliveries, one row per subscription and event (default <c>PulangDeliveries</c>).</summary>
    public string DeliveriesTable { get; set; } = "PulangDeliveries";
}
