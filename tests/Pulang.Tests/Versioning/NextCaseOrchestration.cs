using Microsoft.DurableTask;
using Pulang.Workflows;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;

namespace Pulang.Tests.Versioning;

/// <summary>
/// The next version's case orchestration, for the replay tests only: the real <see cref="CaseOrchestration"/>, plus a
/// change gated on <see cref="Version"/> the way docs/versioning.md says to ship one: from that version a generation first
/// waits on a durable timer (a new step at the start of the history, where every recorded history has its first
/// checkpoint timer and commit activity). With <see cref="Gated"/> false the same change is shipped without its gate,
/// which must break the replay of every recorded history.
/// </summary>
public sealed class NextCaseOrchestration : TaskOrchestrator<CaseOrchestrationInput, CaseState>
{
    /// <summary>The version that has the change: the major version after <see cref="WorkflowVersion.Current"/> ("2.0" while it is "1.0").</summary>
    public static readonly string Version = $"{System.Version.Parse(WorkflowVersion.Current).Major + 1}.0";

    /// <summary>True (default): the change runs only for instances on <see cref="Version"/> or newer.</summary>
    public bool Gated { get; init; } = true;

    /// <summary>Timers this class created for its change (for the tests: the change did or did not run).</summary>
    public static int ChangeRuns => changeRuns;

    static int changeRuns;

    /// <inheritdoc/>
    public override async Task<CaseState> RunAsync(TaskOrchestrationContext context, CaseOrchestrationInput input)
    {
        if (!Gated || context.CompareVersionTo(Version) >= 0)
        {
            if (!context.IsReplaying)
            {
                Interlocked.Increment(ref changeRuns);
            }

            await context.CreateTimer(context.CurrentUtcDateTime, CancellationToken.None);
        }

        return await new CaseOrchestration().RunAsync(context, input);
    }
}
