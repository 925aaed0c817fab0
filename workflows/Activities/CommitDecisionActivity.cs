using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Events;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Activities;

/// <summary>Input of <see cref="CommitDecisionActivity"/>.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Effects">The decision's effects, in the order they must happen (audit entries first).</param>
/// <param name="View">The new state to save as the case view, or null when the decision changed nothing.</param>
/// <param name="Trace">The decided command's name and trace context, for the commit's span (null for the case's opening).</param>
public sealed record CommitDecision(string CaseId, IReadOnlyList<Effect> Effects, CaseState? View, Telemetry.TracedCommand? Trace = null);

/// <summary>
/// Carries out one decision of the case orchestration (<see cref="CaseEffects"/>): each effect in order (an audit entry, the
/// release record, an outgoing event), then the case view (<see cref="CaseViewWriter"/>). Each step is idempotent, so a retried or re-run commit
/// (activities run at least once) repeats nothing: audit entries and the release record are written once, the view
/// is the same version again, and a repeated event carries the same ID. Returns the number of effects carried out.
/// The audit entries come first, so the release record and the <c>case.released</c> event get the head of the log
/// after them (<see cref="AuditHead"/>: the <c>release</c> entry's sequence number and hash; <c>data.auditSequence</c>
/// and <c>data.auditHead</c> in the event). A re-run finds the same entry (deterministic entry ID) and so the same head.
/// </summary>
public sealed class CommitDecisionActivity(PulangStorage storage, CaseIndex index, AuditLog audit, CaseEventPublisher events) : TaskActivity<CommitDecision, int>
{
    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskActivityContext context, CommitDecision input)
    {
        using var span = Telemetry.CommandTrace.StartCommit(input.CaseId, input.Trace);
        AuditHead? head = null;
        foreach (var effect in input.Effects)
        {
            switch (effect)
            {
                case AppendAudit e:
                    head = await audit.AppendHeadAsync(e.CaseId, e.Record, CancellationToken.None);
                    break;
                case WriteReleaseRecord e:
                    await WriteReleaseRecordAsync(storage, e.Record with { AuditHead = e.Record.AuditHead ?? head });
                    break;
                case PublishCaseEvent e:
                    await events.PublishAsync(WithAuditHead(e, head), CancellationToken.None);
                    break;
                default:
                    throw new InvalidOperationException($"No step for effect {effect.GetType().Name}.");
            }
        }

        if (input.View is { } view)
        {
            await new CaseViewWriter(storage, index).SaveAsync(view);
        }

        return input.Effects.Count;
    }

    /// <summary>An event that asks for it (<see cref="PublishCaseEvent.WithAuditHead"/>: a release's) with the audit head added to its data (<c>auditSequence</c>, <c>auditHead</c>); other events as they are.</summary>
    static PublishCaseEvent WithAuditHead(PublishCaseEvent e, AuditHead? head) =>
        e.WithAuditHead && head is not null
            ? e with { Data = new Dictionary<string, string>(e.Data) { ["auditSequence"] = head.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), ["auditHead"] = head.Hash } }
            : e;

    /// <summary>
    /// Writes the release record to <c>releases/{caseId}.json</c> once: an existing record is never overwritten (a re-run finds
    /// it and succeeds). Returns the blob name.
    /// </summary>
    static async Task<string> WriteReleaseRecordAsync(PulangStorage storage, ReleaseRecord input)
    {
        var name = $"{input.CaseId}.json";
        var blob = storage.Releases.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.FromObjectAsJson(input, PulangJson.Options), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            });
        }
        catch (RequestFailedException e) when (PulangStorage.IsAlreadyExists(e))
        {
        }

        return $"{PulangStorage.ReleasesContainer}/{name}";
    }
}
