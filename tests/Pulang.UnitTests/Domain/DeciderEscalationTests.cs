using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>
/// Escalation: reminders count time in the stage (<see cref="ReminderSchedule"/>), the <c>OverdueAfter</c>-th reminder in a stage
/// makes the case overdue once (<see cref="CaseOverdue"/>, <c>case.overdue</c>, an audit entry, the admin's inbox), a new stage
/// clears it; a held case is reminded on its working stage.
/// </summary>
public class DeciderEscalationTests : DeciderTestBase
{
    static readonly ReminderOptions Options = new(); // 2 d / 3 d / 2 d / 14 d, overdue after 2

    static ReminderTimer Next(CaseState state) => Assert.IsType<ReminderTimer>(ReminderSchedule.Next(state, Options));

    /// <summary>Decides at <paramref name="at"/> and asserts the command was accepted.</summary>
    static Decision At(CaseState state, CaseCommand command, DateTimeOffset at)
    {
        var d = Decider.Decide(state, command, at);
        Assert.True(d.Accepted, $"{command.Name} was refused: {d.Refusal?.Code}");
        return d;
    }

    /// <summary>The reminder the case's timer would send now (as the orchestration makes it).</summary>
    static ReminderDue Fired(CaseState state) => Next(state).Due(NewId("reminder"));

    [Fact]
    public void The_nth_reminder_of_a_stage_is_due_n_intervals_after_the_case_entered_it()
    {
        var s = Opened();
        Assert.Equal(new ReminderTimer(Stage.DocumentsPending, T0.AddDays(2), 2), ReminderSchedule.Next(s, Options));

        var first = At(s, Fired(s), T0.AddDays(2)).State;
        Assert.Equal(T0.AddDays(4), Next(first).DueAt);

        // A timer that fired late (the host was down) does not push the next one back: it still counts from the stage's start.
        var second = At(first, Fired(first), T0.AddDays(4).AddHours(7)).State;
        Assert.Equal(T0.AddDays(6), Next(second).DueAt);
        Assert.Equal((2, true), (second.RemindersInStage, second.Overdue));
    }

    [Fact]
    public void A_refused_a_repeated_or_a_stage_keeping_command_does_not_move_the_due_time()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp));
        var due = Next(s).DueAt;
        Assert.Equal(T0.AddDays(2), due);

        var refused = Decider.Decide(s, Submitted(), T0.AddDays(1)); // the asesmen waits for the documents
        Assert.Equal("stage.not-assessment", refused.Refusal?.Code);
        Assert.Equal(due, Next(refused.State).DueAt);

        var scan = Scanned(DocumentKind.Passport);
        var accepted = At(refused.State, scan, T0.AddDays(1).AddHours(1)); // still DocumentsPending: the form is missing
        Assert.Equal(Stage.DocumentsPending, accepted.State.Stage);
        Assert.Equal(due, Next(accepted.State).DueAt);

        var repeated = Decider.Decide(accepted.State, scan, T0.AddDays(1).AddHours(2));
        Assert.Same(accepted.State, repeated.State);
        Assert.Equal(due, Next(repeated.State).DueAt);

        var held = At(repeated.State, Hold("h1"), T0.AddDays(1).AddHours(3)); // a hold does not stop the documents' work
        Assert.Equal(new ReminderTimer(Stage.DocumentsPending, due, 2), ReminderSchedule.Next(held.State, Options));
    }

    [Fact]
    public void The_reminder_that_reaches_the_threshold_makes_the_case_overdue_once()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp));

        var first = At(s, Reminder(Stage.DocumentsPending, overdueAfter: 2), T0.AddDays(2));
        Assert.IsType<ReminderSent>(Assert.Single(first.Events));
        Assert.False(first.State.Overdue);
        Assert.DoesNotContain(Roles.Admin, Inbox.AwaitingRoles(first.State));

        var command = Reminder(Stage.DocumentsPending, overdueAfter: 2);
        var second = At(first.State, command, T0.AddDays(4));
        Assert.Equal(new DomainEvent[] { new ReminderSent(Stage.DocumentsPending, 2, ["passport-or-splp", "assessment-form"]), new CaseOverdue(Stage.DocumentsPending, T0, 2, 2) },
            second.Events, new JsonEquality());
        AssertEffects(
        [
            Event($"{CaseId}:reminder:DocumentsPending:2", "case.reminder", ("stage", "DocumentsPending"), ("missing", "passport-or-splp,assessment-form")),
            Event($"{CaseId}:overdue:DocumentsPending:2", "case.overdue", ("stage", "DocumentsPending"), ("stageSince", "2026-03-02T08:00:00.0000000Z"), ("reminders", "2")),
        ], second.Effects);
        Assert.True(second.State.Overdue);
        Assert.Equal(T0.AddDays(4), second.State.OverdueSince);
        Assert.Equal("reminder: DocumentsPending; overdue after 2 reminders", second.State.History[^1].Detail);
        Assert.Equal([Roles.Admin], Inbox.AwaitingRoles(second.State));
        Assert.True(CaseStatus.Of(second.State).Overdue);
        Assert.Contains("\"overdue\":true", Json(second.State), StringComparison.Ordinal);

        var audit = AuditTrail.For(first.State, command, second, T0.AddDays(4));
        Assert.Equal(["reminderDue", "overdue"], audit.Select(a => a.Record.Action));
        var entry = audit[1].Record;
        Assert.Equal(($"{CaseId}:overdue:DocumentsPending:2", Actor.System.Id, AuditRecord.Accepted, "DocumentsPending"), (entry.EntryId, entry.ActorId, entry.Outcome, entry.Target));
        Assert.Empty(AuditTrail.For(second.State, command, Decider.Decide(second.State, command, T0.AddDays(5)), T0.AddDays(5))); // a repeat writes nothing new

        // Once per stage: later reminders go out, the case stays overdue since the same time.
        var third = At(second.State, Reminder(Stage.DocumentsPending, overdueAfter: 2), T0.AddDays(6));
        Assert.IsType<ReminderSent>(Assert.Single(third.Events));
        Assert.Equal(T0.AddDays(4), third.State.OverdueSince);
        Assert.Equal(3, third.State.RemindersInStage);
    }

    [Fact]
    public void A_new_stage_clears_overdue_and_starts_its_own_clock()
    {
        var overdue = Apply(Opened(), Scanned(DocumentKind.Ktp), Reminder(Stage.DocumentsPending, overdueAfter: 2), Reminder(Stage.DocumentsPending, overdueAfter: 2));
        Assert.True(overdue.Overdue);

        var entered = T0.AddDays(5);
        var passport = At(overdue, Scanned(DocumentKind.Passport), entered.AddHours(-1)).State;
        Assert.True(passport.Overdue); // still DocumentsPending
        var moved = At(passport, Scanned(DocumentKind.AssessmentForm), entered).State;

        Assert.Equal(Stage.AssessmentPending, moved.Stage);
        Assert.False(moved.Overdue);
        Assert.Null(moved.OverdueSince);
        Assert.Equal((0, 2, entered), (moved.RemindersInStage, moved.RemindersSent, moved.ReminderStageSince));
        Assert.Equal(new ReminderTimer(Stage.AssessmentPending, entered.AddDays(3), 2), ReminderSchedule.Next(moved, Options));
        Assert.Equal([Roles.Assessor], Inbox.AwaitingRoles(moved));
        Assert.False(CaseStatus.Of(moved).Overdue);

        // Overdue again in the new stage: a new event (its own ID), once.
        var again = At(At(moved, Fired(moved), entered.AddDays(3)).State, Fired(moved) with { CommandId = NewId("reminder") }, entered.AddDays(6));
        var e = Assert.IsType<PublishCaseEvent>(again.Effects[^1]);
        Assert.Equal(($"{CaseId}:overdue:AssessmentPending:4", "case.overdue"), (e.EventId, e.EventType));
        Assert.Equal(entered.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture), e.Data["stageSince"]);

        // A finished case is never overdue and has no timer.
        var withdrawn = At(again.State, Withdraw(), entered.AddDays(7)).State;
        Assert.False(withdrawn.Overdue);
        Assert.Null(ReminderSchedule.Next(withdrawn, Options));
        Assert.Empty(Inbox.AwaitingRoles(withdrawn));
    }

    [Fact]
    public void A_held_case_is_reminded_on_its_working_stage_from_when_it_entered_it()
    {
        var s = WithDocuments();
        var entered = s.StageSince!.Value;
        var due = new ReminderTimer(Stage.AssessmentPending, entered.AddDays(3), 2);
        Assert.Equal(due, ReminderSchedule.Next(s, Options));

        var held = At(s, Hold("h1"), entered.AddDays(1)).State;
        Assert.Equal((Stage.OnHold, Stage.AssessmentPending), (held.ShownStage, held.ReminderStage));
        Assert.Equal(due, ReminderSchedule.Next(held, Options)); // not the 14-day OnHold interval, not restarted

        var lifted = At(held, Lift("h1"), entered.AddDays(2)).State;
        Assert.Equal(due, ReminderSchedule.Next(lifted, Options));

        // The held case's reminders count toward overdue like any other.
        var reheld = At(lifted, Hold("h2"), entered.AddDays(2).AddHours(1)).State;
        var overdue = At(At(reheld, Fired(reheld), entered.AddDays(3)).State, Fired(reheld) with { CommandId = NewId("reminder") }, entered.AddDays(6)).State;
        Assert.True(overdue.Overdue);
        Assert.Equal([Roles.Assessor, Roles.Investigator, Roles.Admin], Inbox.AwaitingRoles(overdue));
    }

    [Fact]
    public void A_case_that_waits_only_for_its_hold_is_reminded_on_the_OnHold_interval()
    {
        var s = Apply(WithApproved(), Hold("h1"));
        var digest = s.DossierDigest!;
        Assert.Equal(Stage.SignOffPending, s.ReminderStage);

        var p2mi = At(s, Sign(Ministry.KemenP2MI, digest), s.UpdatedAt.AddHours(1)).State;
        Assert.Equal(Stage.SignOffPending, p2mi.ReminderStage);
        var both = T0.AddDays(10);
        var signed = At(p2mi, Sign(Ministry.Kemensos, digest), both).State;

        Assert.Equal(Stage.SignOffPending, signed.Stage);
        Assert.Equal(Stage.OnHold, signed.ReminderStage);
        Assert.Equal(new ReminderTimer(Stage.OnHold, both.AddDays(14), 2), ReminderSchedule.Next(signed, Options));
        Assert.Equal([Roles.Investigator], Inbox.AwaitingRoles(signed));

        Assert.Empty(At(signed, Reminder(Stage.SignOffPending, overdueAfter: 2), both.AddDays(1)).Effects); // the signers are done
        var reminded = At(signed, Fired(signed), both.AddDays(14));
        Assert.Equal("OnHold", Assert.IsType<PublishCaseEvent>(Assert.Single(reminded.Effects)).Data["stage"]);

        var released = At(reminded.State, Lift("h1"), both.AddDays(15)).State;
        Assert.Equal(Stage.Released, released.Stage);
        Assert.Null(ReminderSchedule.Next(released, Options));
    }

    [Fact]
    public void A_reminder_names_what_is_missing_when_it_fires()
    {
        var first = Ok(Opened(), Reminder(Stage.DocumentsPending));
        var scanned = Apply(first.State, Scanned(DocumentKind.Ktp), Scanned(DocumentKind.Splp));
        var second = Ok(scanned, Reminder(Stage.DocumentsPending));

        Assert.Equal("passport-or-splp,ktp,assessment-form", Assert.IsType<PublishCaseEvent>(Assert.Single(first.Effects)).Data["missing"]);
        Assert.Equal("assessment-form", Assert.IsType<PublishCaseEvent>(Assert.Single(second.Effects)).Data["missing"]);
    }

    [Fact]
    public void A_reminder_without_a_threshold_never_makes_the_case_overdue()
    {
        var s = Opened();
        for (var i = 0; i < 5; i++)
        {
            s = Ok(s, Reminder(Stage.DocumentsPending)).State;
        }

        Assert.Equal(5, s.RemindersInStage);
        Assert.False(s.Overdue);
    }

    [Fact]
    public void State_written_before_escalation_reads_as_not_overdue_and_counts_from_its_stage()
    {
        var s = WithDocuments();
        var json = JsonNode.Parse(Json(s))!.AsObject();
        Assert.True(json.Remove("reminderStageSince") && json.Remove("remindersInStage"));
        json["remindersSent"] = 3; // reminders of earlier stages
        json["overdue"] = true; // computed: what a reader writes there is not taken

        var old = JsonSerializer.Deserialize<CaseState>(json.ToJsonString(), PulangJson.Options)!;

        Assert.False(old.Overdue);
        Assert.Equal(new ReminderTimer(Stage.AssessmentPending, s.StageSince!.Value.AddDays(3), 2), ReminderSchedule.Next(old, Options));
    }

    [Fact]
    public void Reminder_settings_that_cannot_work_are_refused_with_the_setting_named()
    {
        Assert.Same(Options, Options.Checked());
        var zero = Assert.Throws<InvalidOperationException>(() => new ReminderOptions { OverdueAfter = 0 }.Checked());
        Assert.Contains("Pulang:Reminders:OverdueAfter is 0", zero.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<InvalidOperationException>(() => new ReminderOptions { SignOffPending = TimeSpan.FromHours(-1) }.Checked());
        Assert.Contains("Pulang:Reminders:SignOffPending", negative.Message, StringComparison.Ordinal);

        var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pulang:Reminders:DocumentsPending"] = "00:00:02",
            ["Pulang:Reminders:OverdueAfter"] = "-1",
        }).Build();
        var atStart = Assert.Throws<InvalidOperationException>(() => PulangServices.EnsureRemindersValid(configured));
        Assert.Contains("OverdueAfter is -1", atStart.Message, StringComparison.Ordinal);
        PulangServices.EnsureRemindersValid(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pulang:Reminders:OverdueAfter"] = "3" }).Build());
    }

    /// <summary>Compares domain events by their JSON (their lists compare by reference otherwise).</summary>
    sealed class JsonEquality : IEqualityComparer<DomainEvent>
    {
        public bool Equals(DomainEvent? x, DomainEvent? y) => x?.GetType() == y?.GetType() && Json<object?>(x) == Json<object?>(y);

        public int GetHashCode(DomainEvent obj) => obj.GetType().GetHashCode();
    }
}
