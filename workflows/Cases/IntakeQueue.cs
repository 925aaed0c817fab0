using System.Text.Json;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Cases;

/// <summary>What became of one <c>case-intake</c> queue message.</summary>
/// <param name="CaseId">The case started or found (null for a poison message).</param>
/// <param name="Created">True when this message created the case.</param>
/// <param name="PoisonReason">Why the message can never be processed (then it goes to <c>case-intake-poison</c>).</param>
public sealed record IntakeMessageOutcome(string? CaseId, bool Created, string? PoisonReason);

/// <summary>A message on <c>case-intake-poison</c>: the reason and the original text.</summary>
public sealed record PoisonIntakeMessage(string Reason, string OriginalMessage, DateTimeOffset At);

/// <summary>
/// Handles <c>case-intake</c> messages (the same JSON as <c>POST /api/cases</c>) for both hosts: the self-host's
/// queue listener and the Functions queue trigger.
/// </summary>
public sealed class IntakeQueue(CaseService cases, PulangStorage storage)
{
    /// <summary>Attempts before a message that keeps failing (storage errors, not bad content) is poisoned.</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>
    /// Handles one delivery of a message and never leaves a bad one behind: a message with a
    /// <see cref="IntakeMessageOutcome.PoisonReason"/>, or one that failed on its last attempt
    /// (<paramref name="dequeueCount"/> ≥ <see cref="MaxDequeueCount"/>), is written to <c>case-intake-poison</c> as a
    /// <see cref="PoisonIntakeMessage"/> with the reason. Earlier failures throw, so the queue delivers the message again.
    /// The caller deletes the message when this returns (the Functions queue trigger does so by completing).
    /// </summary>
    public async Task<IntakeMessageOutcome> HandleOrPoisonAsync(string message, long dequeueCount, CancellationToken ct)
    {
        // One trace per message (under the trigger's span in Azure): the new case's opening joins it.
        using var span = Telemetry.PulangTelemetry.Source.StartActivity("intake message", System.Diagnostics.ActivityKind.Consumer);
        IntakeMessageOutcome outcome;
        try
        {
            outcome = await HandleAsync(message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && dequeueCount >= MaxDequeueCount)
        {
            outcome = new(null, false, $"Failed {dequeueCount} times; last error: {e.GetType().Name}: {e.Message}");
        }

        if (outcome.PoisonReason is { } reason)
        {
            var poison = storage.Queues.GetQueueClient(PulangStorage.IntakePoisonQueue);
            await poison.SendMessageAsync(JsonSerializer.Serialize(new PoisonIntakeMessage(reason, message, DateTimeOffset.UtcNow), PulangJson.Options), ct);
        }

        return outcome;
    }

    /// <summary>Most characters read from a message (Azure queue messages are at most 64 KiB).</summary>
    public const int MaxMessageChars = 64 * 1024;

    /// <summary>
    /// Starts (or finds) the case of one message. Bad messages, and a known reference with other data (<c>intake.conflict</c>),
    /// come back with a <see cref="IntakeMessageOutcome.PoisonReason"/>;
    /// storage failures throw, so the message is retried.
    /// </summary>
    public async Task<IntakeMessageOutcome> HandleAsync(string message, CancellationToken ct)
    {
        if (message.Length > MaxMessageChars)
        {
            return new(null, false, $"The message is longer than {MaxMessageChars} characters.");
        }

        IntakeRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<IntakeRequest>(message, PulangJson.Options);
        }
        catch (JsonException e)
        {
            return new(null, false, $"Not an intake JSON object: {e.Message.Split('\n')[0]}");
        }

        if (request is null)
        {
            return new(null, false, "The message is JSON null.");
        }

        var intake = request.Validate(DateOnly.FromDateTime(DateTime.UtcNow), out var errors);
        if (intake is null)
        {
            return new(null, false, "Invalid intake: " + string.Join(" ", errors.SelectMany(e => e.Value)));
        }

        var outcome = await cases.StartAsync(intake, ct);
        return outcome.IsConflict
            ? new(outcome.CaseId, false, $"intake.conflict: the external reference is already case {outcome.CaseId} with other data ({string.Join(", ", outcome.ConflictingFields!)} differ); nothing was changed.")
            : new(outcome.CaseId, outcome.Created, null);
    }
}
