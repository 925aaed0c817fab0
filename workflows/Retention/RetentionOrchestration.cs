using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pulang.Workflows.Retention;

/// <summary>One round of the schedule: the cases due now, and the settings to run the round with (read by the activity, so a changed setting applies from the next round).</summary>
/// <param name="CaseIds">Cases with something due.</param>
/// <param name="Interval">Wait before the next round.</param>
/// <param name="Pause">Wait between two cases.</param>
public sealed record RetentionRound(IReadOnlyList<string> CaseIds, TimeSpan Interval, TimeSpan Pause);

/// <summary>
/// The durable purge schedule: one eternal instance (<see cref="InstanceId"/>) that finds the cases due (<see cref="FindDueCasesActivity"/>),
/// purges each in its own activity (<see cref="PurgeCaseActivity"/>, retried; a case that still fails waits for the next round), waits
/// <see cref="RetentionOptions.Interval"/> on a durable timer and continues as new. A crash anywhere resumes where the history
/// stands: a purge activity that was running runs again, and every purge step is idempotent.
/// </summary>
public sealed class RetentionOrchestration : TaskOrchestrator<object?, int>
{
    /// <summary>The schedule's instance ID.</summary>
    public const string InstanceId = "pulang-retention";

    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2)));
        var round = await context.CallActivityAsync<RetentionRound>(FindDueCasesActivity.Name, null, retry);
        var purged = 0;
        foreach (var caseId in round.CaseIds)
        {
            try
            {
                purged += await context.CallActivityAsync<int>(PurgeCaseActivity.Name, caseId, retry);
            }
            catch (TaskFailedException)
            {
                // Tried again next round.
            }

            if (round.Pause > TimeSpan.Zero)
            {
                await context.CreateTimer(round.Pause, CancellationToken.None);
            }
        }

        await context.CreateTimer(round.Interval, CancellationToken.None);

        // Each round is a new history with no input: the schedule moves to the current workflow version here.
        context.ContinueAsNew(new ContinueAsNewOptions { NewInput = null, NewVersion = WorkflowVersion.Current });
        return purged;
    }
}

/// <summary>Finds the cases due now (<see cref="CasePurge.FindDueAsync"/>) and returns them with the round's settings.</summary>
public sealed class FindDueCasesActivity(CasePurge purge, IOptions<RetentionOptions> options) : TaskActivity<object?, RetentionRound>
{
    /// <summary>The activity's name.</summary>
    public const string Name = "FindDueCases";

    /// <inheritdoc/>
    public override async Task<RetentionRound> RunAsync(TaskActivityContext context, object? input)
    {
        var due = await purge.FindDueAsync(CancellationToken.None);
        var interval = options.Value.Interval > TimeSpan.Zero ? options.Value.Interval : TimeSpan.FromHours(1);
        return new RetentionRound([.. due.Select(d => d.CaseId)], interval, options.Value.PauseBetweenCases);
    }
}

/// <summary>Purges what of one case is due (<see cref="CasePurge.PurgeAsync"/>); returns the number of kinds purged.</summary>
public sealed class PurgeCaseActivity(CasePurge purge, ILogger<PurgeCaseActivity> logger) : TaskActivity<string, int>
{
    /// <summary>The activity's name.</summary>
    public const string Name = "PurgeCase";

    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskActivityContext context, string caseId)
    {
        var kinds = await purge.PurgeAsync(caseId, CancellationToken.None);
        if (kinds.Count > 0)
        {
            logger.LogInformation("Retention: case {CaseId} purged {Kinds}", caseId, string.Join(", ", kinds.Select(DueCases.Route)));
        }

        return kinds.Count;
    }
}

/// <summary>
/// Starts the schedule's instance in the self-host when it is not running (at start, retrying until the engine answers), unless
/// <see cref="RetentionOptions.Enabled"/> is false.
/// </summary>
public sealed class RetentionSchedule(DurableTaskClient client, IOptions<RetentionOptions> options, ILogger<RetentionSchedule> logger) : BackgroundService
{
    /// <summary>Schedules <see cref="RetentionOrchestration"/> under its instance ID unless it is running, pending or suspended.</summary>
    public static async Task EnsureStartedAsync(DurableTaskClient client, CancellationToken ct)
    {
        var meta = await client.GetInstanceAsync(RetentionOrchestration.InstanceId, ct);
        if (meta is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            return;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(nameof(RetentionOrchestration), null, WorkflowVersion.Start(RetentionOrchestration.InstanceId), ct);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureStartedAsync(client, stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Starting the retention schedule failed, trying again: {Error}", e.Message);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
