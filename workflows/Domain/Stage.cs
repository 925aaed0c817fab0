namespace Pulang.Workflows.Domain;

/// <summary>Where a case stands.</summary>
public enum Stage
{
    /// <summary>Intake recorded; the orchestration has not run yet.</summary>
    Registered,
    /// <summary>Waiting for the required documents to be scanned and accepted.</summary>
    DocumentsPending,
    /// <summary>Waiting for the asesmen to be submitted and approved.</summary>
    AssessmentPending,
    /// <summary>Waiting for both ministries to sign off the current dossier.</summary>
    SignOffPending,
    /// <summary>
    /// Not a stage a case is in: what lists show while an investigation hold is open (<see cref="CaseState.ShownStage"/>), the holds
    /// being a set beside the stage. Also the key of the reminder interval for a held case, and read in state written before.
    /// </summary>
    OnHold,
    /// <summary>Both ministries signed off; the person may go home. Final.</summary>
    Released,
    /// <summary>The case was withdrawn. Final.</summary>
    Withdrawn,
}
