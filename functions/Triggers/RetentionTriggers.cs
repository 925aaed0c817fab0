using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Retention;

namespace Pulang.Functions.Triggers;

/// <summary>Keeps the retention schedule (<see cref="RetentionOrchestration"/>, one instance per task hub) running in the Function App.</summary>
public static class RetentionTriggers
{
    /// <summary>
    /// At start and then hourly: starts the schedule's instance unless it is running (<see cref="RetentionSchedule.EnsureStartedAsync"/>;
    /// its fixed instance ID keeps it to one), unless <c>Pulang:Retention:Enabled</c> is false.
    /// </summary>
    [Function("StartRetentionSchedule")]
    public static async Task StartRetentionSchedule([TimerTrigger("0 7 * * * *", RunOnStartup = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        if (context.InstanceServices.GetRequiredService<IOptions<RetentionOptions>>().Value.Enabled)
        {
            await RetentionSchedule.EnsureStartedAsync(client, context.CancellationToken);
        }
    }
}
