using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>The decider: ReminderDue.</summary>
public class DeciderReminderDueTests : DeciderTestBase
{
    [Theory]
    [InlineData("admin")]
    [InlineData("investigator")]
    [InlineData("impostor")]
    public void Reminders_come_only_from_the_system(string who)
    {
        var actor = who switch { "admin" => Admin, "investigator" => Investigator, _ => new Actor("user:system-pulang", [Roles.Admin]) };

        Refused(Opened(), Reminder(Stage.DocumentsPending, actor), RefusalKind.Forbidden, "role.required");
    }

    [Fact]
    public void Reminder_in_the_current_stage_publishes_a_reminder_event()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp));

        var first = Ok(s, Reminder(Stage.DocumentsPending));
        var second = Ok(first.State, Reminder(Stage.DocumentsPending));

        AssertEffects([Event($"{CaseId}:reminder:DocumentsPending:1", "case.reminder", ("stage", "DocumentsPending"), ("missing", "passport-or-splp,assessment-form"))], first.Effects);
        AssertEffects([Event($"{CaseId}:reminder:DocumentsPending:2", "case.reminder", ("stage", "DocumentsPending"), ("missing", "passport-or-splp,assessment-form"))], second.Effects);
        var reminded = Assert.IsType<ReminderSent>(Assert.Single(second.Events));
        Assert.Equal((Stage.DocumentsPending, 2, "passport-or-splp,assessment-form"), (reminded.Stage, reminded.Number, string.Join(",", reminded.Missing)));
        AssertSameCase(s with { RemindersSent = 2, RemindersInStage = 2 }, second.State);
        Assert.Equal(Stage.DocumentsPending, second.State.Stage);
    }

    [Fact]
    public void Reminder_for_the_sign_off_stage_names_nothing_missing()
    {
        var s = WithApproved();

        var d = Ok(s, Reminder(Stage.SignOffPending));

        AssertEffects([Event($"{CaseId}:reminder:SignOffPending:1", "case.reminder", ("stage", "SignOffPending"), ("missing", ""))], d.Effects);
    }

    [Theory]
    [InlineData(Stage.DocumentsPending)]
    [InlineData(Stage.OnHold)]
    [InlineData(Stage.SignOffPending)]
    public void Reminder_for_a_stage_already_left_has_no_effect(Stage stale)
    {
        var s = WithDocuments();

        var d = Ok(s, Reminder(stale));

        Assert.Empty(d.Effects);
        AssertSameCase(s, d.State);
        Assert.Equal(s.History.Count + 1, d.State.History.Count);
        Assert.Equal("reminder for a stage already left", d.State.History[^1].Detail);
    }

    [Fact]
    public void Reminder_under_a_hold_is_for_the_working_stage_whose_work_goes_on()
    {
        var s = Apply(WithDocuments(), Hold("h1"));

        var stale = Ok(s, Reminder(Stage.OnHold)); // a hold only stops the release: the asesmen is still to be written
        Assert.Empty(stale.Effects);

        var held = Ok(stale.State, Reminder(Stage.AssessmentPending));
        var e = Assert.IsType<PublishCaseEvent>(Assert.Single(held.Effects));
        Assert.Equal("case.reminder", e.EventType);
        Assert.Equal("AssessmentPending", e.Data["stage"]);
        Assert.Equal(Stage.OnHold, held.State.ShownStage);
        Assert.Equal(Stage.AssessmentPending, held.State.ReminderStage);
    }

    [Fact]
    public void Reminder_from_the_system_is_accepted_after_travelling_as_json()
    {
        var received = JsonSerializer.Deserialize<CaseCommand>(Reminder(Stage.DocumentsPending).ToEventPayload(), PulangJson.Options)!;

        var d = Ok(Opened(), received);

        Assert.Single(d.Effects);
    }
}
