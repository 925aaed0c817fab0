using System.Collections;
using System.Reflection;
using DurableTask.AzureStorage;
using DurableTask.Core;

namespace Pulang.SelfHost.Durable;

/// <summary>
/// The Azure Storage provider as the worker sees it, with one repair: an activity whose completion (or abandonment)
/// fails because storage is unreachable is not left stuck in this process after storage comes back.
/// </summary>
/// <remarks>
/// DurableTask.AzureStorage 2.11 keeps a process-wide table of activity work items in progress and removes an entry
/// only when completing or abandoning it succeeds. If storage is down at that moment the entry stays; when the
/// work-item message becomes visible again this process dequeues it, finds the stale entry, treats it as "being
/// processed concurrently" and drops it, over and over: the activity never finishes and its orchestration waits
/// until the process restarts (seen in the storage outage test). Here a failed completion or abandonment removes
/// the entry, so the redelivered message runs the activity again (activities run at least once, and Pulang's are
/// idempotent). Everything else is passed through unchanged. The same stale entry is reported upstream as
/// Azure/durabletask#1173 ("Work item queue message ... is being processed multiple times concurrently").
/// </remarks>
/// <param name="inner">The provider.</param>
/// <param name="logger">Where a repaired failure is reported.</param>
public sealed class OutageTolerantOrchestrationService(AzureStorageOrchestrationService inner, ILogger logger) : IOrchestrationService
{
    static readonly FieldInfo? ActiveActivitySessions =
        typeof(AzureStorageOrchestrationService).GetField("activeActivitySessions", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>True when the provider has the table this class repairs (checked by a test, so a provider upgrade that renames it is noticed).</summary>
    public static bool CanRepair => ActiveActivitySessions?.FieldType.GetInterface(nameof(IDictionary)) is not null;

    /// <inheritdoc/>
    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        try
        {
            await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
        }
        catch (Exception e)
        {
            Forget(workItem, "complete", e);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        try
        {
            await inner.AbandonTaskActivityWorkItemAsync(workItem);
        }
        catch (Exception e)
        {
            Forget(workItem, "abandon", e);
            throw;
        }
    }

    /// <summary>Removes the provider's entry for <paramref name="workItem"/>, so its message is taken again when it reappears.</summary>
    void Forget(TaskActivityWorkItem workItem, string what, Exception e)
    {
        if (ActiveActivitySessions?.GetValue(inner) is IDictionary sessions)
        {
            sessions.Remove(workItem.Id);
            logger.LogWarning("Could not {What} activity work item {WorkItemId} ({Error}); it runs again when its message reappears", what, workItem.Id, e.GetType().Name);
        }
    }

    /// <inheritdoc/>
    public Task StartAsync() => inner.StartAsync();

    /// <inheritdoc/>
    public Task StopAsync() => inner.StopAsync();

    /// <inheritdoc/>
    public Task StopAsync(bool isForced) => inner.StopAsync(isForced);

    /// <inheritdoc/>
    public Task CreateAsync() => inner.CreateAsync();

    /// <inheritdoc/>
    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    /// <inheritdoc/>
    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    /// <inheritdoc/>
    public Task DeleteAsync() => inner.DeleteAsync();

    /// <inheritdoc/>
    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    /// <inheritdoc/>
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    /// <inheritdoc/>
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    /// <inheritdoc/>
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    /// <inheritdoc/>
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    /// <inheritdoc/>
    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    /// <inheritdoc/>
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    /// <inheritdoc/>
    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    /// <inheritdoc/>
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    /// <inheritdoc/>
    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    /// <inheritdoc/>
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    /// <inheritdoc/>
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    /// <inheritdoc/>
    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    /// <inheritdoc/>
    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    /// <inheritdoc/>
    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) => inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    /// <inheritdoc/>
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);
}
