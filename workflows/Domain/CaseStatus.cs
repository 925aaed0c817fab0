using System.Collections.Immutable;

namespace Pulang.Workflows.Domain;

/// <summary>
/// The case orchestration's custom status: small on purpose (the Azure Storage provider keeps custom status in
/// one table property, at most 64 KiB, and does not spill it to a blob). The whole state is the case view blob
/// (<c>cases/{caseId}.json</c>), written before this status is set.
/// </summary>
/// <param name="Stage">The stage lists show (<see cref="CaseState.ShownStage"/>: OnHold while a hold is open).</param>
/// <param name="Version">Number of commands the case has decided (the view blob has at least this version).</param>
/// <param name="DossierDigest">Current dossier digest, if any.</param>
/// <param name="Recent">The last <see cref="RecentLimit"/> decided commands: ID and refusal (null when accepted), without the
/// refusal's <see cref="Refusal.Errors"/> (kept in the state's history, to keep the status small).</param>
/// <param name="Overdue">True while the case is overdue in its stage (<see cref="CaseState.Overdue"/>); false in a status written before.</param>
public sealed record CaseStatus(Stage Stage, int Version, string? DossierDigest, ImmutableList<RecentCommand> Recent, bool Overdue = false)
{
    /// <summary>How many recent command outcomes the status carries.</summary>
    public const int RecentLimit = 50;

    /// <summary>The status of <paramref name="state"/>.</summary>
    public static CaseStatus Of(CaseState state) => new(
        state.ShownStage,
        state.Version,
        state.DossierDigest,
        [.. state.History.TakeLast(RecentLimit).Select(h => new RecentCommand(h.CommandId, h.Refusal is { Errors: not null } r ? r with { Errors = null } : h.Refusal))],
        state.Overdue);
}

/// <summary>A decided command: its ID and, when refused, why.</summary>
public sealed record RecentCommand(string CommandId, Refusal? Refusal);
