using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pulang.Workflows;
using Pulang.Workflows.Events;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// A <see cref="CaseEventPublisher"/> for tests that run activities without a host: events go to the storage account's
/// events queue; the webhook tables are new and empty (named per call), so no delivery is ever scheduled and no
/// Durable Task client is needed.
/// </summary>
public static class TestEventPublisher
{
    /// <summary>The publisher (and no Event Grid).</summary>
    public static CaseEventPublisher Create(PulangStorage storage)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var options = Options.Create(new PulangOptions { Webhooks = new WebhookOptions { SubscriptionsTable = "NoSubs" + suffix, DeliveriesTable = "NoDeliveries" + suffix } });
        return new CaseEventPublisher(storage, new WebhookStore(storage, options), durable: null!, new EventGridSender(options), options, TimeProvider.System, NullLogger<CaseEventPublisher>.Instance);
    }
}
