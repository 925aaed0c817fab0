using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Orchestrations;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Cases;

/// <summary>Result of intake: the case ID, whether this call created it, and (for a known reference sent with other data) which fields differ.</summary>
/// <param name="CaseId">The case of the external reference (new or existing).</param>
/// <param name="Created">True when this call (or an earlier attempt with the same origin) created the case.</param>
/// <param name="ConflictingFields">The intake fields (JSON names, e.g. <c>fullName</c>) whose value differs from the data the
/// reference was first sent with; null when the data is the same. Nothing is changed then: the case keeps its first data.</param>
public sealed record IntakeOutcome(string CaseId, bool Created, IReadOnlyList<string>? ConflictingFields = null)
{
    /// <summary>True when the reference is known with other data (<see cref="ConflictingFields"/>).</summary>
    public bool IsConflict => ConflictingFields is { Count: > 0 };
}

/// <summary>What happened to a command sent to a case.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="State">The case state after it (null when the case was not found).</param>
/// <param name="Refusal">Why it was refused (when <paramref name="Status"/> is Refused).</param>
/// <param name="PreChecked">True when the refusal came from the client-side pre-check: the command never reached the case (nor its audit trail).</param>
public sealed record CommandOutcome(CommandStatus Status, CaseState? State, Refusal? Refusal, bool PreChecked = false);

/// <summary>How a command ended.</summary>
public enum CommandStatus
{
    /// <summary>No such case.</summary>
    NotFound,
    /// <summary>The decider refused it (before or after it reached the case); nothing changed.</summary>
    Refused,
    /// <summary>The case took it.</summary>
    Accepted,
    /// <summary>Sent, but the case had not processed it within the wait time; it will.</summary>
    Pending,
}

/// <summary>
/// Client-side operations on cases, the same in both hosts (over any <see cref="DurableTaskClient"/>): intake,
/// reading the state (the case orchestration's custom status), and sending commands (pre-checked by the same
/// <see cref="Decider"/>, raised as the external event <see cref="CaseEvents.Command"/>, then awaited).
/// </summary>
public sealed class CaseService(DurableTaskClient client, PulangStorage storage, CaseIndex index, IOptions<PulangOptions> options, TimeProvider time, ILogger<CaseService> logger, PendingCommands pending)
{
    /// <summary>
    /// How long an intake row may exist without its instance before another intake call schedules it (crash
    /// recovery). The call that wrote the row schedules within milliseconds; a row older than this without an
    /// instance means that call died in between.
    /// </summary>
    public static readonly TimeSpan IntakeRecoveryAge = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Starts a case for <paramref name="intake"/>, idempotently: the same external reference always answers
    /// with the same case. An insert-if-absent row in <c>PulangIntake</c> (key: SHA-256 of the reference) is
    /// written before the instance is scheduled, so only the call that created the row schedules it (the
    /// provider's own start deduplication is off, see the self-host's settings). A repeated call answers only once
    /// the case's instance exists: it waits for the first call to schedule it, and when the row is older than
    /// <see cref="IntakeRecoveryAge"/> without an instance (the process died in between) it schedules it itself.
    /// So a case ID handed out by intake always names a started case.
    /// The row keeps the intake as first sent: a known reference sent again with other data is a conflict
    /// (<see cref="IntakeOutcome.ConflictingFields"/>, compared by <see cref="DifferingFields"/>; rows written before the
    /// intake was kept there are compared with the case index's copy), and nothing is scheduled or changed.
    /// <paramref name="origin"/> (e.g. <c>MAN-...#12</c>, a manifest line) is kept in the row too: a retry from the same
    /// origin that finds the row it wrote answers <see cref="IntakeOutcome.Created"/> true again, so a re-run activity
    /// reports what the first run did.
    /// </summary>
    public async Task<IntakeOutcome> StartAsync(CaseIntake intake, CancellationToken ct, string? origin = null)
    {
        var key = Identifiers.Sha256Hex(intake.ExternalReference);
        var now = time.GetUtcNow();
        var caseId = CaseIds.New();
        bool inserted, created;
        try
        {
            var row = new TableEntity("ref", key)
            {
                ["CaseId"] = caseId,
                ["ExternalReference"] = intake.ExternalReference,
                ["Intake"] = JsonSerializer.Serialize(intake, PulangJson.Options),
            };
            if (origin is not null)
            {
                row["Origin"] = origin;
            }

            await storage.Intake.AddEntityAsync(row, ct);
            inserted = created = true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var row = await storage.Intake.GetEntityAsync<TableEntity>("ref", key, cancellationToken: ct);
            caseId = row.Value.GetString("CaseId");
            inserted = false;
            created = origin is not null && row.Value.GetString("Origin") == origin;
            var first = row.Value.GetString("Intake") is { } json ? JsonSerializer.Deserialize<CaseIntake>(json, PulangJson.Options)
                : (await index.GetAsync(caseId, ct))?.Intake;
            if (first is not null && DifferingFields(first, intake) is { Count: > 0 } differ)
            {
                return new(caseId, false, differ);
            }

            // The call that wrote the row may still be on its way to scheduling the instance: wait for it, for at
            // most what is left of the recovery age (real time, bounded, whatever the time provider says).
            var left = row.Value.Timestamp is { } at ? IntakeRecoveryAge - (now - at) : TimeSpan.Zero;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                if (await client.GetInstanceAsync(caseId, ct) is not null)
                {
                    return new(caseId, created);
                }

                if (waited.Elapsed >= left)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }

        await index.AddAsync(caseId, intake, now, ct);

        var input = new CaseOrchestrationInput(caseId, intake, options.Value.Reminders, Audited: true, Checkpointed: true, RequiredDocuments: options.Value.CheckedRequiredDocuments());
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(CaseOrchestration), input, WorkflowVersion.Start(caseId), ct);
        }
        catch (Exception) when (!inserted)
        {
            // The first call may have scheduled it in the meantime (a client may refuse to replace a running instance).
            if (await client.GetInstanceAsync(caseId, ct) is null)
            {
                throw;
            }

            return new(caseId, created);
        }

        logger.LogInformation("Case {CaseId} {What}", caseId, inserted ? "started" : "started after an interrupted intake");
        return new(caseId, created);
    }

    /// <summary>
    /// The case's state, or null when there is no such case. The state is the case view blob
    /// (<c>cases/{caseId}.json</c>) once the orchestration has written it: one blob read, for every case past its first
    /// decision. Before that, the orchestration's custom status says whether it has published the view yet; a case whose
    /// orchestration has not run yet is found in the case index, and after waiting up to 5 s for it to start, it
    /// answers with a Registered state built from the intake.
    /// </summary>
    public async Task<CaseState?> GetAsync(string caseId, CancellationToken ct)
    {
        if (!CaseIds.IsValid(caseId))
        {
            return null;
        }

        // Most reads (every GET of a case, every command's pre-check): the view exists. The instance's status row is read
        // only while it does not (the approvers benchmark: every sign-off read both).
        if (await ReadViewAsync(caseId, ct) is { } view)
        {
            return view;
        }

        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(5);
        (CaseIndexEntry Entry, CaseIntake? Intake)? indexed = null;
        while (true)
        {
            var (exists, status) = await GetStatusAsync(caseId, ct);
            if (status is not null)
            {
                return await ReadViewAsync(caseId, ct);
            }

            if (!exists && indexed is null && (indexed = await index.GetAsync(caseId, ct)) is null)
            {
                return null;
            }

            if (time.GetUtcNow() > deadline)
            {
                return (indexed ??= await index.GetAsync(caseId, ct)) is { Intake: { } intake } found
                    ? new CaseState { CaseId = caseId, Intake = intake, Stage = Stage.Registered, OpenedAt = found.Entry.OpenedAt, UpdatedAt = found.Entry.UpdatedAt }
                    : null;
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// Sends <paramref name="command"/> to the case: refused at once (nothing raised) when the decider refuses it
    /// on the current state; otherwise raised as an external event and awaited until the case's custom status
    /// lists it, for at most <paramref name="wait"/> (default <see cref="PulangOptions.CommandWaitTimeout"/>; zero:
    /// answer Pending as soon as it is raised). A copy of a command this process raised and the case has not decided yet
    /// is not raised again (<see cref="PendingCommands"/>); it waits for the first copy's decision. The case decides again on its own state, so a command that lost a
    /// race is refused there and reported as Refused (and audited by the case).
    /// </summary>
    public async Task<CommandOutcome> SendAsync(string caseId, CaseCommand command, CancellationToken ct, TimeSpan? wait = null)
    {
        var state = await GetAsync(caseId, ct);
        if (state is null)
        {
            return new(CommandStatus.NotFound, null, null);
        }

        if (state.Stage != Stage.Registered)
        {
            var precheck = Decider.Decide(state, command, time.GetUtcNow());
            if (precheck.Refusal is { } refusal)
            {
                pending.End(caseId, PendingKey(command));
                return new(CommandStatus.Refused, state, refusal, PreChecked: true);
            }

            if (precheck.State == state)
            {
                // A repeat of a command the case already took: the first answer stands.
                pending.End(caseId, PendingKey(command));
                return new(CommandStatus.Accepted, state, null);
            }
        }

        // Not given up when the caller goes away: a copy of this command may be waiting on this raise.
        var traced = Telemetry.CommandTrace.Stamp(command);
        Task Raise() => client.RaiseEventAsync(caseId, CaseEvents.Command, traced.ToEventPayload(), CancellationToken.None);
        if (state.Stage == Stage.Registered)
        {
            // Not started yet as far as this reader can tell (its intake may have been interrupted): raise every copy.
            await Raise();
        }
        else
        {
            // A copy of a command this process raised and the case has not decided yet is not raised again.
            await pending.RaiseOnceAsync(caseId, PendingKey(command), Raise);
        }

        var deadline = time.GetUtcNow() + (wait ?? options.Value.CommandWaitTimeout);
        // Poll the status from 50 ms, backing off to 500 ms: a command takes about a second through the queues, and every poll
        // is a read of the instances table.
        var pause = TimeSpan.FromMilliseconds(50);
        while (time.GetUtcNow() < deadline)
        {
            await Task.Delay(pause, ct);
            pause = TimeSpan.FromMilliseconds(Math.Min(500, pause.TotalMilliseconds * 1.5));
            var (_, status) = await GetStatusAsync(caseId, ct);
            if (status?.Recent.FirstOrDefault(r => r.CommandId == command.CommandId) is { } decided)
            {
                pending.End(caseId, PendingKey(command));
                var after = await ReadViewAsync(caseId, ct) ?? state;
                // The status carries refusals without their per-field errors; the view's history has them.
                var refusal = decided.Refusal is null ? null : after.History.LastOrDefault(h => h.CommandId == command.CommandId)?.Refusal ?? decided.Refusal;
                return refusal is null ? new(CommandStatus.Accepted, after, null) : new(CommandStatus.Refused, after, refusal);
            }
        }

        return new(CommandStatus.Pending, state, null);
    }

    /// <summary>
    /// The intake fields (JSON names) in which <paramref name="second"/> differs from <paramref name="first"/>: text compared
    /// without regard to case and runs of spaces (<c>Kabupaten  Malang</c> = <c>KABUPATEN MALANG</c>), dates and sex exactly,
    /// the NIK by its digits (none = none). Empty when they describe the same person the same way.
    /// </summary>
    public static IReadOnlyList<string> DifferingFields(CaseIntake first, CaseIntake second)
    {
        static string Norm(string? s) => string.Join(' ', (s ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        var differ = new List<string>();
        if (Norm(first.FullName) != Norm(second.FullName)) differ.Add("fullName");
        if (first.Sex != second.Sex) differ.Add("sex");
        if (first.BirthDate != second.BirthDate) differ.Add("birthDate");
        if (Norm(first.OriginRegion) != Norm(second.OriginRegion)) differ.Add("originRegion");
        if (Norm(first.PlacementCountry) != Norm(second.PlacementCountry)) differ.Add("placementCountry");
        if (first.ArrivalDate != second.ArrivalDate) differ.Add("arrivalDate");
        if (Norm(first.Nik) != Norm(second.Nik)) differ.Add("nik");
        return differ;
    }

    static string PendingKey(CaseCommand command) => $"{command.CommandId}|{command.Name}";

    /// <summary>Whether the case orchestration exists, and its custom status once it has published one.</summary>
    async Task<(bool Exists, CaseStatus? Status)> GetStatusAsync(string caseId, CancellationToken ct)
    {
        var meta = await client.GetInstanceAsync(caseId, getInputsAndOutputs: true, ct);
        if (meta is null || meta.Name != nameof(CaseOrchestration))
        {
            return (false, null);
        }

        // Before the first SetCustomStatus the provider reports the JSON literal null.
        return (true, meta.SerializedCustomStatus is { } json ? JsonSerializer.Deserialize<CaseStatus>(json, PulangJson.Options) : null);
    }

    async Task<CaseState?> ReadViewAsync(string caseId, CancellationToken ct)
    {
        try
        {
            var blob = await storage.CaseViews.GetBlobClient($"{caseId}.json").DownloadContentAsync(ct);
            return blob.Value.Content.ToObjectFromJson<CaseState>(PulangJson.Options);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
