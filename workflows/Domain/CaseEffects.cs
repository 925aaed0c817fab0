using System.Collections.Immutable;
using System.Globalization;

namespace Pulang.Workflows.Domain;

/// <summary>
/// The one pure function from what happened (<see cref="Decision.Events"/>) to what the world must do (<see cref="Effect"/>):
/// audit entries, outgoing events, the release record. The case orchestration commits exactly this list, in this order.
/// </summary>
public static class CaseEffects
{
    /// <summary>
    /// The effects of a case just opened (<see cref="Decider.Open"/>): its <c>caseOpened</c> audit entry when
    /// <paramref name="audited"/>, then the effects of its events (none today).
    /// </summary>
    public static ImmutableList<Effect> ForOpened(Decision opened, DateTimeOffset now, bool audited)
    {
        var effects = Of(opened.State, opened.Events);
        return audited ? effects.Insert(0, AuditTrail.Opened(opened.State.CaseId, now)) : effects;
    }

    /// <summary>
    /// The effects of <paramref name="command"/> decided on <paramref name="before"/> as <paramref name="decision"/>, in the order
    /// they must happen: the audit entries first (<see cref="AuditTrail.For"/>, when <paramref name="audited"/>), so that the
    /// release record and the <c>case.released</c> event can carry the head of the log after them; then <see cref="Of"/>.
    /// </summary>
    public static ImmutableList<Effect> For(CaseState before, CaseCommand command, Decision decision, DateTimeOffset now, bool audited)
    {
        var effects = Of(decision.State, decision.Events);
        return audited ? effects.InsertRange(0, AuditTrail.For(before, command, decision, now)) : effects;
    }

    /// <summary>
    /// The outgoing effects of <paramref name="events"/> that left the case in <paramref name="after"/>: an event for the first
    /// open hold (<c>case.on-hold</c>), the last lifted one (<c>case.hold-lifted</c>), a withdrawal (with its stage; the holds it
    /// closed send no <c>case.hold-lifted</c>: the case does not go on), a reminder, the case becoming overdue (<c>case.overdue</c>,
    /// after its reminder); for a release,
    /// the release record and then the <c>case.released</c> event (both to get the audit head when committed). Event IDs are
    /// stable for the same fact.
    /// </summary>
    public static ImmutableList<Effect> Of(CaseState after, IEnumerable<DomainEvent> events)
    {
        var id = after.CaseId;
        var effects = ImmutableList.CreateBuilder<Effect>();
        foreach (var e in events)
        {
            switch (e)
            {
                case HoldPlaced { First: true } h:
                    effects.Add(Publish($"{id}:on-hold:{h.HoldId}", "case.on-hold", id, ("holdId", h.HoldId)));
                    break;
                case HoldLifted { Last: true } h:
                    effects.Add(Publish($"{id}:hold-lifted:{h.HoldId}", "case.hold-lifted", id, ("holdId", h.HoldId)));
                    break;
                case CaseWithdrawn w:
                    effects.Add(Publish($"{id}:withdrawn", "case.withdrawn", id, ("stage", w.Stage.ToString())));
                    break;
                case ReminderSent r:
                    effects.Add(Publish($"{id}:reminder:{r.Stage}:{r.Number.ToString(CultureInfo.InvariantCulture)}", "case.reminder", id,
                        ("stage", r.Stage.ToString()), ("missing", string.Join(",", r.Missing))));
                    break;
                case CaseOverdue o:
                    effects.Add(Publish($"{id}:overdue:{o.Stage}:{o.Number.ToString(CultureInfo.InvariantCulture)}", "case.overdue", id,
                        ("stage", o.Stage.ToString()), ("stageSince", o.Since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
                        ("reminders", o.Reminders.ToString(CultureInfo.InvariantCulture))));
                    break;
                case CaseReleased r:
                    effects.Add(new WriteReleaseRecord(ReleaseRecordOf(after, r)));
                    effects.Add(Publish($"{id}:released", "case.released", id,
                        ("dossierDigest", r.DossierDigest), ("releaseRecord", $"releases/{id}.json"), ("originRegion", after.Intake.OriginRegion)) with { WithAuditHead = true });
                    break;
            }
        }

        return effects.ToImmutable();
    }

    /// <summary>The proof of release of <paramref name="released"/>: the signed dossier, every decision on it, every hold without reasons.</summary>
    static ReleaseRecord ReleaseRecordOf(CaseState released, CaseReleased r) => new(
        released.CaseId,
        released.Intake.ExternalReference,
        released.Intake.Subject,
        released.ReleasedAt ?? released.UpdatedAt,
        r.DossierDigest,
        [.. released.ComparableDocuments.Select(d => new DossierDocument(d.DocumentId, d.Kind, d.Sha256, d.VerifiedBy))],
        released.Assessment!,
        released.SignOffs,
        [.. released.Holds.Select(h => h.WithoutReasons())]);

    static PublishCaseEvent Publish(string eventId, string type, string caseId, params (string Key, string Value)[] data) =>
        new(eventId, type, caseId, data.ToDictionary(d => d.Key, d => d.Value));
}
