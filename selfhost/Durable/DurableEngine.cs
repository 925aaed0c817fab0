using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Options;
using Pulang.Workflows;
using Pulang.Workflows.Orchestrations;

namespace Pulang.SelfHost.Durable;

/// <summary>Self-host settings for the Durable Task engine (configuration section <c>Pulang:Engine</c>).</summary>
public sealed class EngineOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Pulang:Engine";

    /// <summary>
    /// This replica's worker ID (partition ownership is recorded under it). Every replica sharing a task hub
    /// needs its own. Default: machine name, process ID and a random suffix, new at each start (a restarted
    /// container often has the same host name and process ID, and must not pass for the worker it replaces).
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>Control-queue partitions (default 4): up to this many replicas share the orchestrations.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Activities run at once per replica (default 8; OCR has its own, lower limit).</summary>
    public int MaxConcurrentActivities { get; set; } = 8;

    /// <summary>Orchestration episodes run at once per replica (default 50).</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 50;

    /// <summary>Longest idle wait between queue polls (default 1 s; the provider's default is 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a dequeued control-queue message (orchestration events: commands, activity results, timers) stays
    /// invisible (default 60 s; provider default 5 min). It bounds how long a killed replica's in-flight orchestration
    /// work waits. It must also outlast the time this process holds a message in memory before running its episode:
    /// the provider renews messages only while their episode runs, and a message that reappears meanwhile is dequeued
    /// again with a new pop receipt, after which deleting the held copy fails (PopReceiptMismatch). With 20 s, a loaded
    /// CI run after a storage outage held messages longer than that: repeated deletes failed, one scan orchestration
    /// reported "split brain" in a single process, scans ran twice, and one case stopped taking events.
    /// </summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a dequeued work-item message (an activity) stays invisible (default 20 s; provider default 5 min). A
    /// running activity's message is renewed every few seconds, and the worker takes one only when it has a free slot,
    /// so this bounds only how long a killed replica's activities wait before they run again.
    /// </summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Partition lease length (default 15 s; provider default 30 s).</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Wraps the orchestration service the worker uses (register one as a singleton to observe or alter what the worker
/// asks of the provider, e.g. to inject faults in a test). Receives the provider as the worker would use it; returns
/// what the worker uses instead.
/// </summary>
public delegate IOrchestrationService OrchestrationServiceDecorator(IOrchestrationService service);

/// <summary>
/// Runs Pulang's orchestrations and activities (<see cref="WorkflowRegistry"/>) on DurableTask.Core's
/// <see cref="TaskHubWorker"/> with the Azure Storage provider, through the SDK's
/// <see cref="DurableTaskShimFactory"/>: the same classes that Durable Functions runs. Runs orchestration versions up to
/// <see cref="WorkerVersioning.Version"/> and leaves newer ones untouched (see <see cref="WorkerVersioning"/>).
/// </summary>
public sealed class DurableEngine : IHostedService, IAsyncDisposable
{
    readonly IServiceProvider services;
    readonly ILogger<DurableEngine> logger;
    readonly TaskHubWorker worker;

    /// <summary>Builds the provider and the worker (through <paramref name="decorate"/>, when given); nothing runs until <see cref="StartAsync"/>. The worker runs the orchestration versions <c>versioning</c> allows (default: <see cref="WorkflowVersion.Current"/> and older).</summary>
    public DurableEngine(IServiceProvider services, IOptions<PulangOptions> pulang, IOptions<EngineOptions> engine, StorageConnection storage, ILoggerFactory loggerFactory, OrchestrationServiceDecorator? decorate = null, WorkerVersioning? versioning = null)
    {
        versioning ??= new WorkerVersioning();
        this.services = services;
        logger = loggerFactory.CreateLogger<DurableEngine>();
        Service = new AzureStorageOrchestrationService(Settings(pulang.Value, engine.Value, storage.ConnectionString, loggerFactory));
        Client = new CoreDurableTaskClient(Service, PulangJson.DataConverter);
        IOrchestrationService workerService = new OutageTolerantOrchestrationService(Service, logger);
        worker = new TaskHubWorker(decorate?.Invoke(workerService) ?? workerService, new AnyVersionObjectManager<TaskOrchestration>(), new AnyVersionObjectManager<TaskActivity>(), versioning.Core, loggerFactory);

        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = PulangJson.DataConverter, Versioning = versioning.Sdk }, loggerFactory);
        foreach (var (name, type) in WorkflowRegistry.Orchestrators)
        {
            worker.AddTaskOrchestrations(new Creator<TaskOrchestration>(name, () => shims.CreateOrchestration(name, (ITaskOrchestrator)Activator.CreateInstance(type)!)));
        }

        foreach (var (name, type) in WorkflowRegistry.Activities)
        {
            worker.AddTaskActivities(new Creator<TaskActivity>(name, () => shims.CreateActivity(name, new Pulang.Workflows.Telemetry.CountedActivity(name, (ITaskActivity)ActivatorUtilities.CreateInstance(this.services, type)))));
        }
    }

    /// <summary>The Azure Storage orchestration service (also the core client).</summary>
    public AzureStorageOrchestrationService Service { get; }

    /// <summary>The SDK client over <see cref="Service"/>.</summary>
    public CoreDurableTaskClient Client { get; }

    /// <summary>
    /// The provider settings, chosen for a self-host that must recover in seconds and answer people quickly.
    /// </summary>
    public static AzureStorageOrchestrationServiceSettings Settings(PulangOptions pulang, EngineOptions engine, string connectionString, ILoggerFactory loggerFactory) => new()
    {
        TaskHubName = pulang.TaskHub,
        StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
        LoggerFactory = loggerFactory,
        PartitionCount = engine.PartitionCount,
        WorkerId = engine.WorkerId ?? Environment.MachineName,

        // The provider drops an event raised while a new instance is still Pending when it deduplicates
        // ExecutionStarted messages (seen here: 5 of 1,400 instances). Off: intake is idempotent on its own
        // (an insert-if-absent row per external reference, written before the instance is scheduled).
        DisableExecutionStartedDeduplication = true,

        // An idle worker backs off polling up to this interval; the 30 s default makes a command or a new
        // case wait up to 30 s. 1 s costs a few storage reads per second per partition.
        MaxQueuePollingInterval = engine.MaxQueuePollingInterval,

        // After a crash, a dequeued message reappears only after its visibility timeout (default 5 min), and a
        // partition's lease must expire (default 30 s) before another worker takes it. Shorter values make a
        // killed replica's work resume within a minute; running work items renew their locks. The control queue's
        // timeout must outlast the in-memory wait before an episode runs (see EngineOptions).
        ControlQueueVisibilityTimeout = engine.ControlQueueVisibilityTimeout,
        WorkItemQueueVisibilityTimeout = engine.WorkItemQueueVisibilityTimeout,
        LeaseInterval = engine.LeaseInterval,
        LeaseRenewInterval = engine.LeaseInterval / 3,
        LeaseAcquireInterval = engine.LeaseInterval / 3,

        MaxConcurrentTaskActivityWorkItems = engine.MaxConcurrentActivities,
        MaxConcurrentTaskOrchestrationWorkItems = engine.MaxConcurrentOrchestrations,
    };

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Service.CreateIfNotExistsAsync();
        await worker.StartAsync();
        logger.LogInformation("Durable Task worker started");
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await worker.StopAsync(isForced: false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        worker.Dispose();
        return default;
    }

    /// <summary>Makes a new orchestration or activity object for every execution.</summary>
    sealed class Creator<T> : ObjectCreator<T>
    {
        readonly Func<T> create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = string.Empty;
            this.create = create;
        }

        public override T Create() => create();
    }
}

/// <summary>The storage connection string in use (configured, or the Azurite that the self-host started).</summary>
public sealed record StorageConnection(string ConnectionString);
