using Pulang.Workflows.Cases;
using Pulang.Workflows.Storage;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// The self-host's reader of the <c>case-intake</c> queue (the Functions app uses a queue trigger instead):
/// polls every second while messages come, backing off to 5 s when idle. A message that cannot be processed
/// goes to <c>case-intake-poison</c> with the reason; one that fails 5 times for other reasons too.
/// </summary>
public sealed class IntakeQueueListener(PulangStorage storage, IServiceScopeFactory scopes, ILogger<IntakeQueueListener> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = storage.Queues.GetQueueClient(PulangStorage.IntakeQueue);
        var idle = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var messages = (await queue.ReceiveMessagesAsync(maxMessages: 16, visibilityTimeout: TimeSpan.FromSeconds(60), stoppingToken)).Value;
                foreach (var m in messages)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var outcome = await scope.ServiceProvider.GetRequiredService<IntakeQueue>().HandleOrPoisonAsync(m.Body.ToString(), m.DequeueCount, stoppingToken);
                    if (outcome.PoisonReason is { } reason)
                    {
                        logger.LogWarning("Intake message {MessageId} moved to {Queue}: {Reason}", m.MessageId, PulangStorage.IntakePoisonQueue, Pulang.Workflows.LogSafe.Mask(reason));
                    }
                    else
                    {
                        logger.LogInformation("Intake message {MessageId}: case {CaseId} ({What})", m.MessageId, outcome.CaseId, outcome.Created ? "created" : "already existed");
                    }

                    await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, stoppingToken);
                }

                idle = messages.Length > 0 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(Math.Min(5, idle.TotalSeconds * 2));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Intake queue poll failed: {Error}", Pulang.Workflows.LogSafe.Mask(e.Message));
                idle = TimeSpan.FromSeconds(5);
            }

            await Task.Delay(idle, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }
}
