using DurableTask.Core;
using DurableTask.Core.History;
using Pulang.Workflows;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;

namespace Pulang.Tests.Versioning;

/// <summary>
/// Replay compatibility of recorded cases (<see cref="RecordedCase"/>: real histories of a case paused at each stage,
/// recorded on the real self-host and Azurite under version 1.0) on DurableTask.Core's replay engine
/// (<see cref="ReplayHarness"/>). Under the next version's code (<see cref="NextCaseOrchestration"/>, a change gated on
/// version 2.0), each paused case replays its whole history at every episode and goes on to the same end as the real
/// case did, with the same commands. The same change without its gate breaks every one of them.
/// </summary>
public sealed class ReplayTests
{
    /// <summary>The recorded fixtures: every recorded version, every paused stage.</summary>
    public static TheoryData<string, string> Fixtures
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var version in RecordedCase.Versions)
            {
                foreach (var name in RecordedCase.Names)
                {
                    data.Add(version, name);
                }
            }

            return data;
        }
    }

    /// <summary>A case paused under 1.0 finishes under the next version's code exactly as the real case finished.</summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_paused_case_replays_under_the_next_version_and_ends_as_it_did(string version, string fixture)
    {
        var recorded = RecordedCase.Load(version, fixture);
        Assert.Equal(version, recorded.WorkflowVersion);
        Assert.True(DurableTask.Core.Settings.VersioningSettings.CompareVersions(version, NextCaseOrchestration.Version) < 0);
        Assert.NotEmpty(recorded.Then);
        var before = NextCaseOrchestration.ChangeRuns;

        var end = Run(recorded, () => new NextCaseOrchestration());

        Assert.Equal(Stage.Released, end.Stage);
        Assert.Equal(RecordedCase.Outcome(recorded.End), RecordedCase.Outcome(end));
        Assert.Equal(before, NextCaseOrchestration.ChangeRuns);
    }

    /// <summary>The same recorded case under today's code (the harness itself reproduces the recorded end).</summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_paused_case_replays_under_the_current_code_and_ends_as_it_did(string version, string fixture)
    {
        var recorded = RecordedCase.Load(version, fixture);
        var end = Run(recorded, () => new CaseOrchestration());
        Assert.Equal(RecordedCase.Outcome(recorded.End), RecordedCase.Outcome(end));
    }

    /// <summary>The change shipped without its version gate: DurableTask.Core finds the replay non-deterministic and the case fails.</summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_change_without_its_gate_breaks_the_replay(string version, string fixture)
    {
        var recorded = RecordedCase.Load(version, fixture);
        var harness = new ReplayHarness(recorded.History, nameof(CaseOrchestration), () => new NextCaseOrchestration { Gated = false });
        harness.Deliver(recorded.Then[0]);

        var completion = Assert.IsType<DurableTask.Core.Command.OrchestrationCompleteOrchestratorAction>(harness.Completion);
        Assert.Equal(OrchestrationStatus.Failed, completion.OrchestrationStatus);
        Assert.Contains("NonDeterministic", completion.FailureDetails?.ErrorType + " " + completion.FailureDetails?.ErrorMessage + " " + completion.Details, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A case started before versions (no version) reads its input flags, as before: with the flags today's intake wrote
    /// (<c>audited</c>, <c>checkpointed</c>: true) the recorded history replays and ends the same; with <c>checkpointed</c>
    /// false the code asks for something else than the history holds (no checkpoint timer), so the flag is what decides.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void An_unversioned_case_reads_its_input_flags(string version, string fixture)
    {
        var recorded = RecordedCase.Load(version, fixture);
        var started = recorded.History.OfType<ExecutionStartedEvent>().Single();
        Assert.Contains("\"checkpointed\":true", started.Input, StringComparison.Ordinal);
        started.Version = "";
        Assert.Equal(RecordedCase.Outcome(recorded.End), RecordedCase.Outcome(Run(recorded, () => new NextCaseOrchestration())));

        var withoutCheckpoint = RecordedCase.Load(version, fixture);
        var start = withoutCheckpoint.History.OfType<ExecutionStartedEvent>().Single();
        start.Version = "";
        start.Input = start.Input.Replace("\"checkpointed\":true", "\"checkpointed\":false", StringComparison.Ordinal);
        var harness = new ReplayHarness(withoutCheckpoint.History, nameof(CaseOrchestration), () => new NextCaseOrchestration());
        harness.Deliver(withoutCheckpoint.Then[0]);
        Assert.Equal(OrchestrationStatus.Failed, harness.Completion?.OrchestrationStatus);
    }

    /// <summary>A new case on version 2.0 runs the change (the gate is open) and, given the same commands, ends the same way.</summary>
    [Fact]
    public void A_new_case_on_the_next_version_runs_the_change_and_ends_the_same()
    {
        var recorded = RecordedCase.Load(WorkflowVersion.First, RecordedCase.Names[0]);
        var started = recorded.History.OfType<ExecutionStartedEvent>().Single();
        started.Version = NextCaseOrchestration.Version;
        var before = NextCaseOrchestration.ChangeRuns;

        // Only the start: the case opens under 2.0, then gets every command the real case got.
        var harness = new ReplayHarness([], nameof(CaseOrchestration), () => new NextCaseOrchestration());
        harness.Start(started);
        foreach (var e in recorded.History.OfType<EventRaisedEvent>().Concat(recorded.Then))
        {
            harness.Deliver(e);
        }

        Assert.Equal(before + 1, NextCaseOrchestration.ChangeRuns);
        Assert.Equal(RecordedCase.Outcome(recorded.End), RecordedCase.Outcome(Result(harness)));
    }

    static CaseState Run(RecordedCase recorded, Func<Microsoft.DurableTask.ITaskOrchestrator> next)
    {
        var harness = new ReplayHarness(recorded.History, nameof(CaseOrchestration), next);
        harness.RunUntilIdle();
        foreach (var e in recorded.Then)
        {
            harness.Deliver(e);
        }

        return Result(harness);
    }

    static CaseState Result(ReplayHarness harness)
    {
        var completion = harness.Completion ?? throw new Xunit.Sdk.XunitException($"The replayed case did not end ({harness.Episodes} episodes).");
        Assert.True(completion.OrchestrationStatus == OrchestrationStatus.Completed,
            $"The replayed case ended {completion.OrchestrationStatus}: {completion.FailureDetails?.ErrorType} {completion.FailureDetails?.ErrorMessage} {completion.Details}");
        return System.Text.Json.JsonSerializer.Deserialize<CaseState>(completion.Result!, PulangJson.Options)!;
    }
}
