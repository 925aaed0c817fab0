using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Activities;
using Pulang.Workflows;
using Pulang.Workflows.Ocr;
using Pulang.Workflows.Storage;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// The self-host's reader of the scan-reading queue (<see cref="ScanReadingQueue"/>; the Functions app uses a queue trigger):
/// <see cref="PulangOptions.MaxConcurrentOcrJobs"/> loops, each taking one message at a time, so OCR never has more scans
/// in hand than it can read and the Durable Task engine's activity slots stay free for the case's decisions. A message is
/// invisible for <see cref="VisibilityTimeout"/>, renewed every third of it while the scan is read, and deleted once the result
/// was raised to the scan orchestration; if this process dies, the queue delivers it again after the timeout. A failed reading
/// is tried again after 5 s, 10 s, 20 s, ... (at most 2 minutes), up to <see cref="ScanReadingQueue.MaxDequeueCount"/> deliveries.
/// Idle loops poll every 100 ms backing off to 1 s.
/// </summary>
public sealed class ScanReadingListener(PulangStorage storage, IServiceScopeFactory scopes, IOptions<PulangOptions> options, ILogger<ScanReadingListener> logger) : BackgroundService
{
    /// <summary>How long a message taken is invisible to other readers (renewed while it is read): 60 s.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(60);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await storage.ScanReading.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogWarning("Scan-reading queue not created yet: {Error}", Pulang.Workflows.LogSafe.Mask(e.Message));
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.MaxConcurrentOcrJobs)).Select(_ => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None)));
    }

    async Task LoopAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var message = (await storage.ScanReading.ReceiveMessageAsync(VisibilityTimeout, stoppingToken)).Value;
                if (message is not null)
                {
                    await HandleAsync(message, stoppingToken);
                    idle = TimeSpan.FromMilliseconds(100);
                    continue;
                }

                idle = TimeSpan.FromMilliseconds(Math.Min(1000, idle.TotalMilliseconds * 2));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Scan-reading queue poll failed: {Error}", Pulang.Workflows.LogSafe.Mask(e.Message));
                idle = TimeSpan.FromSeconds(5);
            }

            await Task.Delay(idle, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    async Task HandleAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        var receipt = message.PopReceipt;
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewAsync(message.MessageId, () => receipt, r => receipt = r, reading.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ScanReadingQueue>().HandleAsync(message.Body.ToString(), message.DequeueCount, stoppingToken);
            await reading.CancelAsync();
            await renewing;
            await storage.ScanReading.DeleteMessageAsync(message.MessageId, receipt, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            await reading.CancelAsync();
            await renewing;
            var retryIn = TimeSpan.FromSeconds(Math.Min(120, 5 * Math.Pow(2, Math.Max(0, message.DequeueCount - 1))));
            logger.LogWarning("Reading scan message {MessageId} failed (delivery {Count}); again in {Seconds:F0} s: {Error}", message.MessageId, message.DequeueCount, retryIn.TotalSeconds, Pulang.Workflows.LogSafe.Mask(e.Message));
            try
            {
                await storage.ScanReading.UpdateMessageAsync(message.MessageId, receipt, visibilityTimeout: retryIn, cancellationToken: CancellationToken.None);
            }
            catch (Exception update)
            {
                // The message reappears after its visibility timeout anyway.
                logger.LogWarning("Scan message {MessageId} kept its timeout: {Error}", message.MessageId, Pulang.Workflows.LogSafe.Mask(update.Message));
            }
        }
    }

    /// <summary>Keeps the message invisible while it is read (every third of <see cref="VisibilityTimeout"/>) until <paramref name="ct"/> is cancelled.</summary>
    async Task RenewAsync(string messageId, Func<string> receipt, Action<string> renewed, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await Task.Delay(VisibilityTimeout / 3, ct);
                // Not cancelled once sent: the caller waits for it, so that it deletes the message with the newest pop receipt.
                var update = await storage.ScanReading.UpdateMessageAsync(messageId, receipt(), visibilityTimeout: VisibilityTimeout, cancellationToken: CancellationToken.None);
                renewed(update.Value.PopReceipt);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Could not keep scan message {MessageId} invisible: {Error}", messageId, Pulang.Workflows.LogSafe.Mask(e.Message));
            }
        }
    }
}
