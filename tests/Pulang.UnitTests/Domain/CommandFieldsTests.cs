using Pulang.Workflows.Domain;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>The decider's field checks (<see cref="CommandFields"/>): field-level errors, before any rule of the case's state.</summary>
public class CommandFieldsTests
{
    static IReadOnlyList<RefusalError> Errors(CaseState s, CaseCommand c, string code)
    {
        var d = Refused(s, c, RefusalKind.Invalid, code);
        Assert.True(d.Refusal!.NamesFields);
        Assert.Equal("request.invalid", d.Refusal.PublicCode);
        return d.Refusal.Errors!;
    }

    [Fact]
    public void An_empty_asesmen_names_both_fields()
    {
        var errors = Errors(WithDocuments(), Submitted("", " "), "assessment.empty");
        Assert.Equal(["summary", "recommendation"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal("field.required", e.Code));
    }

    [Fact]
    public void A_decision_needs_approve_and_a_reason_to_send_back()
    {
        var s = WithSubmitted();
        Assert.Equal("approve", Assert.Single(Errors(s, new DecideAssessment(null, "x") { CommandId = NewId("cmd"), Actor = Approver }, "approve.required")).Field);
        Assert.Equal("reason", Assert.Single(Errors(s, Decided(false, " "), "reason.required")).Field);
    }

    [Fact]
    public void A_sign_off_needs_approve_a_digest_of_64_characters_and_a_reason_to_reject()
    {
        var s = WithApproved();
        var errors = Errors(s, new SignOff(Ministry.KemenP2MI, null, "abc", null) { CommandId = NewId("cmd"), Actor = P2mi }, "approve.required");
        Assert.Equal(["approve", "dossierDigest"], errors.Select(e => e.Field));
        Assert.Equal("reason", Assert.Single(Errors(s, Sign(Ministry.KemenP2MI, s.DossierDigest!, approve: false, reason: ""), "reason.required")).Field);
        Assert.Equal("dossierDigest", Assert.Single(Errors(s, Sign(Ministry.KemenP2MI, "abc"), "signoff.digest-invalid")).Field);
    }

    [Fact]
    public void Holds_and_withdrawals_need_a_reason()
    {
        Assert.Equal("reason", Assert.Single(Errors(WithDocuments(), Hold("h1", " "), "reason.required")).Field);
        Assert.Equal("reason", Assert.Single(Errors(WithDocuments(), Withdraw(""), "reason.required")).Field);
    }

    [Fact]
    public void Roles_are_checked_before_fields_and_fields_before_the_state()
    {
        // A reader's empty asesmen: not allowed, whatever it holds.
        Refused(WithDocuments(), Submitted("", "", actor: Reader), RefusalKind.Forbidden, "role.required");
        // An empty asesmen in the wrong stage: the fields are wrong in any stage.
        Refused(Opened(), Submitted("", ""), RefusalKind.Invalid, "assessment.empty");
    }

    [Fact]
    public void Complete_commands_pass_the_field_checks()
    {
        Assert.Null(CommandFields.Check(Submitted()));
        Assert.Null(CommandFields.Check(Decided(true)));
        Assert.Null(CommandFields.Check(Sign(Ministry.Kemensos, Sha("d"))));
        Assert.Null(CommandFields.Check(Hold("h1")));
        Assert.Null(CommandFields.Check(Lift("h1", reason: null)));
        Assert.Null(CommandFields.Check(Withdraw()));
    }

    [Fact]
    public void Other_refusals_keep_their_own_code()
    {
        var d = Decider.Decide(WithApproved(), Sign(Ministry.KemenP2MI, Sha("older")), Now());
        Assert.False(d.Refusal!.NamesFields);
        Assert.Equal("signoff.stale-digest", d.Refusal.PublicCode);
    }

    [Fact]
    public void Every_command_type_has_its_name_as_its_json_type()
    {
        Assert.Equal("assessmentSubmitted", CommandPolicy.NameOf<SubmitAssessment>());
        Assert.Equal(Submitted().Name, CommandPolicy.NameOf<SubmitAssessment>());
        Assert.Equal(Withdraw().Name, CommandPolicy.NameOf<Withdraw>());
        Assert.Equal(Hold("h").Name, CommandPolicy.NameOf<PlaceHold>());
        Assert.Equal(Lift("h").Name, CommandPolicy.NameOf<LiftHold>());
        Assert.Equal(Decided(true).Name, CommandPolicy.NameOf<DecideAssessment>());
        Assert.Equal(Sign(Ministry.Kemensos, "x").Name, CommandPolicy.NameOf<SignOff>());
        Assert.Equal(Verified("d").Name, CommandPolicy.NameOf<VerifyDocument>());
    }
}
