using Azure;
using Azure.Messaging.EventGrid;
using CloudNative.CloudEvents;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Events;

/// <summary>
/// Publishes one of the decider's events (<see cref="PublishCaseEvent"/>) everywhere it goes, in the one CloudEvents
/// format (<see cref="CaseEventFormat"/>): the <c>case-events</c> queue; the Event Grid topic when one is configured
/// (<see cref="EventOptions.EventGridEndpoint"/>); and each webhook subscription whose types include it, as a durable
/// delivery (<see cref="WebhookDeliveryOrchestration"/>, instance ID <c>webhook:{subscriptionId}:{eventId}</c>). Runs
/// inside an activity, so at least once: the queue and Event Grid may see an event twice with the same <c>id</c>;
/// a delivery is recorded per subscription and event before it is scheduled and scheduled once.
/// </summary>
public sealed class CaseEventPublisher(
    PulangStorage storage,
    WebhookStore webhooks,
    DurableTaskClient durable,
    EventGridSender eventGrid,
    IOptions<PulangOptions> options,
    TimeProvider clock,
    ILogger<CaseEventPublisher> logger)
{
    /// <summary>Publishes <paramref name="e"/>; returns the CloudEvent that went out.</summary>
    public async Task<CloudEvent> PublishAsync(PublishCaseEvent e, CancellationToken ct)
    {
        var cloudEvent = CaseEventFormat.ToCloudEvent(e, clock.GetUtcNow(), new Uri(options.Value.Events.Source, UriKind.RelativeOrAbsolute));
        var body = CaseEventFormat.Encode(cloudEvent);
        await storage.Events.SendMessageAsync(BinaryData.FromBytes(body), cancellationToken: ct);
        await eventGrid.SendAsync(body, ct);
        await FanOutAsync(cloudEvent, body, ct);
        return cloudEvent;
    }

    async Task FanOutAsync(CloudEvent cloudEvent, byte[] body, CancellationToken ct)
    {
        var settings = options.Value.Webhooks;
        foreach (var s in await webhooks.ListAsync(ct))
        {
            if (!s.EventTypes.Contains(cloudEvent.Type!))
            {
                continue;
            }

            if (!await webhooks.BeginAsync(s.Id, cloudEvent.Id!, cloudEvent.Type!, clock.GetUtcNow(), ct))
            {
                continue;
            }

            var input = new WebhookDeliveryInput(s.Id, cloudEvent.Id!, System.Text.Encoding.UTF8.GetString(body),
                new WebhookRetryPolicy(settings.FirstRetryInterval, settings.MaxRetryInterval, settings.MaxAttempts, settings.PausedRecheckInterval));
            try
            {
                await durable.ScheduleNewOrchestrationInstanceAsync(nameof(WebhookDeliveryOrchestration), input,
                    WorkflowVersion.Start(WebhookDeliveryOrchestration.InstanceIdFor(s.Id, cloudEvent.Id!)), ct);
            }
            catch (Exception error) when (error.GetType().Name.Contains("AlreadyExists", StringComparison.Ordinal) || error.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
            {
                // Scheduled by an earlier run of this activity that stopped before it could say so.
                logger.LogInformation("Delivery of {EventId} to {SubscriptionId} was already scheduled: {Reason}", cloudEvent.Id, s.Id, error.GetType().Name);
            }

            await webhooks.MarkScheduledAsync(s.Id, cloudEvent.Id!, ct);
        }
    }
}

/// <summary>
/// Sends structured CloudEvents to the configured Event Grid topic (CloudEvents 1.0 input schema) with
/// <c>Azure.Messaging.EventGrid</c>; does nothing without <see cref="EventOptions.EventGridEndpoint"/>.
/// </summary>
public sealed class EventGridSender
{
    readonly EventGridPublisherClient? client;

    /// <summary>A sender for <paramref name="options"/>' topic: the key when given, else a managed identity.</summary>
    public EventGridSender(IOptions<PulangOptions> options)
    {
        var o = options.Value.Events;
        if (string.IsNullOrWhiteSpace(o.EventGridEndpoint))
        {
            return;
        }

        var endpoint = new Uri(o.EventGridEndpoint);
        client = !string.IsNullOrEmpty(o.EventGridKey)
            ? new EventGridPublisherClient(endpoint, new AzureKeyCredential(o.EventGridKey))
            : new EventGridPublisherClient(endpoint, string.IsNullOrEmpty(o.EventGridManagedIdentityClientId)
                ? new Azure.Identity.DefaultAzureCredential()
                : new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(o.EventGridManagedIdentityClientId)));
    }

    /// <summary>True when a topic is configured.</summary>
    public bool Enabled => client is not null;

    /// <summary>Sends one structured-mode event (the same bytes as on the queue).</summary>
    public async Task SendAsync(byte[] structuredEvent, CancellationToken ct)
    {
        if (client is null)
        {
            return;
        }

        await client.SendEventAsync(Azure.Messaging.CloudEvent.Parse(BinaryData.FromBytes(structuredEvent))!, ct);
    }
}
