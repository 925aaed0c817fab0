using DurableTask.Core;
using DurableTask.Core.Settings;
using Microsoft.DurableTask.Worker;
using Pulang.Workflows;
using Pulang.Workflows.Orchestrations;

namespace Pulang.SelfHost.Durable;

/// <summary>
/// Which orchestration versions this self-host's worker runs: <paramref name="Version"/> and older (DurableTask.Core's
/// <see cref="VersioningSettings.VersionMatchStrategy.CurrentOrOlder"/>); an instance with a newer version is rejected
/// (<see cref="VersioningSettings.VersionFailureStrategy.Reject"/>: its work item is abandoned, its messages come back
/// later with a growing delay, its history and status stay as they are), never failed. The same settings as the Function
/// App's host.json (<c>defaultVersion</c>, <c>versionMatchStrategy</c>, <c>versionFailureStrategy</c>).
/// </summary>
/// <param name="Version">The newest version run (default <see cref="WorkflowVersion.Current"/>; a test registers another to act as an older or newer build).</param>
public sealed record WorkerVersioning(string Version = WorkflowVersion.Current)
{
    /// <summary>DurableTask.Core's settings, checked by its orchestration dispatcher before each episode.</summary>
    public VersioningSettings Core => new()
    {
        Version = Version,
        MatchStrategy = VersioningSettings.VersionMatchStrategy.CurrentOrOlder,
        FailureStrategy = VersioningSettings.VersionFailureStrategy.Reject,
    };

    /// <summary>The SDK's settings for the shims (the version sub-orchestrations start on).</summary>
    public DurableTaskWorkerOptions.VersioningOptions Sdk => new()
    {
        Version = Version,
        DefaultVersion = Version,
        MatchStrategy = DurableTaskWorkerOptions.VersionMatchStrategy.CurrentOrOlder,
        FailureStrategy = DurableTaskWorkerOptions.VersionFailureStrategy.Reject,
    };
}

/// <summary>
/// Finds an orchestration or activity by name whatever version it is asked for. Pulang registers one class per name,
/// which runs every version it knows (gated on <c>CompareVersionTo</c>); which versions may run at all is the
/// dispatcher's check (<see cref="WorkerVersioning"/>), made before this lookup. DurableTask.Core's own manager keys on
/// name and version, so a versioned instance, or an activity the SDK schedules with its orchestration's version, would
/// not be found and would fail.
/// </summary>
/// <typeparam name="T">Orchestration or activity.</typeparam>
public sealed class AnyVersionObjectManager<T> : INameVersionObjectManager<T>
{
    readonly Dictionary<string, ObjectCreator<T>> creators = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="creator"/> under its name; a second one for the same name throws <see cref="InvalidOperationException"/>.</summary>
    public void Add(ObjectCreator<T> creator)
    {
        lock (creators)
        {
            if (!creators.TryAdd(creator.Name, creator))
            {
                throw new InvalidOperationException($"Two registrations for {creator.Name}.");
            }
        }
    }

    /// <summary>A new object for <paramref name="name"/> (any <paramref name="version"/>), or default when none is registered.</summary>
    public T? GetObject(string name, string? version)
    {
        lock (creators)
        {
            return creators.TryGetValue(name, out var creator) ? creator.Create() : default;
        }
    }
}
