using System.Diagnostics;
using Microsoft.DurableTask;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Telemetry;

/// <summary>The command a piece of work carries out, for its span: the command's name and the W3C <c>traceparent</c> it came with.</summary>
/// <param name="Command">The command's name (<c>signOff</c>, …).</param>
/// <param name="TraceParent">W3C <c>traceparent</c> (<c>00-{trace id}-{span id}-{flags}</c>).</param>
public sealed record TracedCommand(string Command, string TraceParent);

/// <summary>
/// One trace per command, across the hops Durable Task does not carry a trace over. DurableTask.Core traces per orchestration
/// instance (its orchestration span lasts from the instance's start to its end, its activities are children of it) and does not
/// use the trace context of a raised event; a case lives for weeks and takes many commands, so its commands would otherwise each
/// end at the external event. Here the command carries the sender's <c>traceparent</c> (<see cref="CaseCommand.TraceParent"/>,
/// set by <see cref="Stamp"/> when it is raised); the orchestration episode that decides it opens a <c>decide {command}</c> span
/// under it (<see cref="Decided"/>), and the commit activity that carries the decision out a <c>commit {command}</c> span
/// (<see cref="StartCommit"/>), linked to the engine's own activity span, under which the storage calls nest. A command raised
/// by the system (a reminder) has no sender: it gets a trace of its own, derived from its command ID so that every replay of the
/// orchestration computes the same one. Spans carry the case ID, the command's name, the stages and the outcome, nothing else.
/// </summary>
public static class CommandTrace
{
    /// <summary>The command with <see cref="CaseCommand.TraceParent"/> set to the current span's (W3C) ID, unless it has one or nothing is traced.</summary>
    public static CaseCommand Stamp(CaseCommand command) =>
        command.TraceParent is null && Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? command with { TraceParent = id } : command;

    /// <summary>The current span's W3C ID (<c>traceparent</c>), or null when nothing is traced.</summary>
    public static string? Current => Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : null;

    /// <summary>
    /// The trace a command's work joins: the sender's (<see cref="CaseCommand.TraceParent"/>), or for a command without one a
    /// remote parent derived from the case and command IDs (deterministic: the same on every replay).
    /// </summary>
    public static TracedCommand Of(string caseId, CaseCommand command)
    {
        if (command.TraceParent is { } parent && ActivityContext.TryParse(parent, null, out _))
        {
            return new(command.Name, parent);
        }

        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{caseId}\n{command.CommandId}\n{command.Name}"));
        return new(command.Name, $"00-{Convert.ToHexStringLower(hash, 0, 16)}-{Convert.ToHexStringLower(hash, 16, 8)}-01");
    }

    /// <summary>
    /// In the case orchestration, right after the decider: when this episode is not a replay, a <c>decide {command}</c> span in the
    /// command's trace (tags: case ID, command, outcome, refusal code, stage before and after) and, when the stage changed, the time
    /// spent in the stage left (<see cref="PulangTelemetry.TimeInStage"/>). A replay records nothing (it was recorded when it ran).
    /// </summary>
    public static void Decided(TaskOrchestrationContext context, CaseState before, CaseCommand command, Decision decision)
    {
        if (context.IsReplaying)
        {
            return;
        }

        var traced = Of(before.CaseId, command);
        var now = context.CurrentUtcDateTime;
        if (ActivityContext.TryParse(traced.TraceParent, null, out var parent)
            && PulangTelemetry.Source.StartActivity($"decide {command.Name}", ActivityKind.Internal, parent) is { } span)
        {
            span.SetTag(PulangTelemetry.CaseId, before.CaseId);
            span.SetTag(PulangTelemetry.Command, command.Name);
            span.SetTag(PulangTelemetry.Outcome, decision.Accepted ? "accepted" : "refused");
            span.SetTag(PulangTelemetry.Stage, before.Stage.ToString());
            span.SetTag(PulangTelemetry.StageAfter, decision.State.Stage.ToString());
            if (decision.Refusal is { } refusal)
            {
                span.SetTag(PulangTelemetry.RefusalCode, refusal.Code);
            }

            span.Dispose();
        }

        if (decision.State.Stage != before.Stage)
        {
            PulangTelemetry.RecordStageLeft(before.Stage, decision.State.Stage, now - (before.StageSince ?? before.OpenedAt));
        }
    }

    /// <summary>
    /// In the scan-reading activity: a <c>read {kind}</c> span in the upload's trace (<see cref="ScanRequest.TraceParent"/>),
    /// linked to the engine's activity span; the OCR and storage spans nest under it. Null when the upload was not traced.
    /// </summary>
    public static Activity? StartScan(ScanRequest input) =>
        Start($"read {DocumentKinds.ToRoute(input.Kind)}", input.CaseId, input.TraceParent, "documentScanned");

    /// <summary>
    /// In the commit activity: a <c>commit {command}</c> span in the command's trace (null when <paramref name="traced"/> is null or
    /// nothing listens), linked to the current span (the engine's activity span, when it traces). Storage calls made while it is
    /// current nest under it. Dispose it when the commit is done.
    /// </summary>
    public static Activity? StartCommit(string caseId, TracedCommand? traced) =>
        traced is null ? null : Start($"commit {traced.Command}", caseId, traced.TraceParent, traced.Command);

    static Activity? Start(string name, string caseId, string? traceParent, string command)
    {
        if (traceParent is null || !ActivityContext.TryParse(traceParent, null, out var parent))
        {
            return null;
        }

        ActivityLink[]? links = Activity.Current is { } engine ? [new ActivityLink(engine.Context)] : null;
        var span = PulangTelemetry.Source.StartActivity(name, ActivityKind.Internal, parent, links: links);
        span?.SetTag(PulangTelemetry.CaseId, caseId);
        span?.SetTag(PulangTelemetry.Command, command);
        return span;
    }
}
