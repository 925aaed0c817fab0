using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>
/// Who a case waits for: the roles whose next action moves it on. Pure, computed from the state; the case index
/// keeps it per case (written with the case view) so <c>GET /api/inbox</c> lists a caller's work without reading
/// every case.
/// </summary>
public static class Inbox
{
    /// <summary>
    /// The roles the case waits for, in <see cref="Roles.All"/> order:
    /// <list type="bullet">
    /// <item><see cref="Roles.Verifier"/>: a document needs review (any open stage); never a restricted one (the decider
    /// files investigation papers without review, so a verifier's inbox never reveals one);</item>
    /// <item><see cref="Roles.Assessor"/>: AssessmentPending with no asesmen, or one sent back;</item>
    /// <item><see cref="Roles.AssessmentApprover"/>: AssessmentPending with a submitted asesmen;</item>
    /// <item><see cref="Roles.P2miSigner"/>, <see cref="Roles.KemensosSigner"/>: SignOffPending and that ministry has not decided on the current dossier;</item>
    /// <item><see cref="Roles.Investigator"/>: an open hold to lift (<see cref="CaseState.OnHold"/>);</item>
    /// <item><see cref="Roles.Admin"/>: the case is overdue (<see cref="CaseState.Overdue"/>), to look into whatever holds it up.</item>
    /// </list>
    /// A hold stands beside the stage (sign-off may happen during one). Finished cases wait for nobody.
    /// </summary>
    /// <remarks>
    /// Overdue cases escalate to the admin, the deployment's administrators, rather than to the asesmen supervisor
    /// (<see cref="Roles.AssessmentApprover"/>): a case can be overdue in any stage, waiting for centre staff (documents,
    /// review), the social worker or the supervisor themselves (asesmen), a ministry's officials (sign-off) or an
    /// investigator (a hold), and the asesmen supervisor directs only the asesmen. The admin is the one role that oversees
    /// every stage: they read everything, the restricted papers and hold reasons that may explain a delay included, and may
    /// withdraw a case. So no new role is needed.
    /// </remarks>
    public static IReadOnlyList<string> AwaitingRoles(CaseState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.IsFinished)
        {
            return [];
        }

        var roles = new HashSet<string>(StringComparer.Ordinal);
        if (state.Documents.Any(d => d.Status == DocumentStatus.NeedsReview && !d.Kind.IsRestricted()))
        {
            roles.Add(Roles.Verifier);
        }

        switch (state.Stage)
        {
            case Stage.AssessmentPending when state.Assessment is null || state.Assessment.Status == AssessmentStatus.SentBack:
                roles.Add(Roles.Assessor);
                break;
            case Stage.AssessmentPending when state.Assessment.Status == AssessmentStatus.Submitted:
                roles.Add(Roles.AssessmentApprover);
                break;
            case Stage.SignOffPending when state.DossierDigest is { } digest:
                foreach (var ministry in new[] { Ministry.KemenP2MI, Ministry.Kemensos })
                {
                    if (!state.SignOffs.Any(s => s.Ministry == ministry && s.DossierDigest == digest))
                    {
                        roles.Add(Roles.SignerFor(ministry));
                    }
                }

                break;
        }

        if (state.OnHold)
        {
            roles.Add(Roles.Investigator);
        }

        if (state.Overdue)
        {
            roles.Add(Roles.Admin);
        }

        return [.. Roles.All.Where(roles.Contains)];
    }
}
