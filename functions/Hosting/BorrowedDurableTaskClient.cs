using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;

namespace Pulang.Functions.Hosting;

/// <summary>
/// The invocation's <c>[DurableClient]</c> client as the DI container hands it to the shared services. The container
/// disposes what a scoped factory returns when the invocation's scope ends, but the Durable extension owns and
/// reuses its clients across invocations: so this forwards every call and never disposes the client it borrows.
/// </summary>
public sealed class BorrowedDurableTaskClient(DurableTaskClient inner) : DurableTaskClient(inner.Name), IDisposable
{
    /// <inheritdoc/>
    public override DurableEntityClient Entities => inner.Entities;

    /// <inheritdoc/>
    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) =>
        inner.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellation);

    /// <inheritdoc/>
    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        inner.RaiseEventAsync(instanceId, eventName, eventPayload, cancellation);

    /// <inheritdoc/>
    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        inner.SuspendInstanceAsync(instanceId, reason, cancellation);

    /// <inheritdoc/>
    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        inner.ResumeInstanceAsync(instanceId, reason, cancellation);

    /// <inheritdoc/>
    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.TerminateInstanceAsync(instanceId, options, cancellation);

    /// <inheritdoc/>
    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);

    /// <inheritdoc/>
    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs, cancellation);

    /// <inheritdoc/>
    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellation);

    /// <inheritdoc/>
    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        inner.GetAllInstancesAsync(filter);

    /// <inheritdoc/>
    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.PurgeInstanceAsync(instanceId, options, cancellation);

    /// <inheritdoc/>
    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.PurgeAllInstancesAsync(filter, options, cancellation);

    /// <inheritdoc/>
    public override Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default) =>
        inner.RestartAsync(instanceId, restartWithNewInstanceId, cancellation);

    /// <summary>Does nothing: the client is borrowed.</summary>
    public override ValueTask DisposeAsync() => default;

    /// <summary>Does nothing (lets a scope be disposed synchronously too): the client is borrowed.</summary>
    public void Dispose()
    {
    }
}
