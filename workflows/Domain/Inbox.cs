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
    /// <item><see cref="Roles.Investigator"/>: an open hold to lift (<see cref="CaseState.OnHold"/>).</item>
    /// </list>
    /// A hold stands beside the stage (sign-off may happen during one). Finished cases wait for nobody.
    /// </summary>
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

        return [.. Roles.All.Where(roles.Contains)];
    }
}
