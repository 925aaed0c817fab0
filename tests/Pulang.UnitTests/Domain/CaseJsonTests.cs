using System.Text.Json;
using System.Text.Json.Nodes;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

public class CaseJsonTests
{
    /// <summary>A state that uses every part of <see cref="CaseState"/>: documents in each status, corrections, an approved asesmen, sign-offs, holds, refusals in the history.</summary>
    static CaseState RichState()
    {
        var s = Apply(Opened(),
            Scanned(DocumentKind.Passport, "doc-p", findings: [new Finding("mrz.check-digit", "Check digit 2 fails.", FieldNames.Nik, "7", "1")]),
            Scanned(DocumentKind.Ktp, "doc-k"),
            Scanned(DocumentKind.AssessmentForm, "doc-f"),
            Scanned(DocumentKind.Kk, "doc-kk", findings: [Finding("ocr.low-confidence")]));
        var (line1, line2) = VerificationTests.Td3();
        s = Apply(s, Verified("doc-p", corrections: new Dictionary<string, string> { [FieldNames.FullName] = "TESTA CONTOH WATI", [FieldNames.MrzLine1] = line1, [FieldNames.MrzLine2] = line2 }));
        s = Apply(s, Submitted(), Decided(true), Hold("h1"), Hold("h2"), Lift("h1", reason: null));
        s = Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!));
        s = Decider.Decide(s, Sign(Ministry.Kemensos, Sha("stale"), actor: Kemensos), Now()).State; // a refusal in the history
        Assert.True(s.OnHold);
        Assert.Equal(Stage.SignOffPending, s.Stage);
        return s;
    }

    [Fact]
    public void CaseState_round_trips()
    {
        var s = RichState();
        var json = Fx.Json(s);

        var back = JsonSerializer.Deserialize<CaseState>(json, PulangJson.Options)!;

        Assert.Equal(json, Fx.Json(back));
        Assert.Equal(s.CaseId, back.CaseId);
        Assert.Equal(s.Intake, back.Intake);
        Assert.Equal(Stage.SignOffPending, back.Stage);
        Assert.True(back.OnHold);
        Assert.Equal(Stage.OnHold, back.ShownStage);
        Assert.Equal(s.DossierDigest, back.DossierDigest);
        Assert.Equal(s.Assessment, back.Assessment);
        Assert.Equal(s.SignOffs, back.SignOffs);
        Assert.Equal(s.Holds, back.Holds);
        Assert.Equal(["doc-p", "doc-k", "doc-f", "doc-kk"], back.Documents.Select(d => d.DocumentId));
        var passport = back.Documents[0];
        Assert.Equal(DocumentStatus.Verified, passport.Status);
        Assert.Equal("TESTA CONTOH WATI", passport.Corrections![FieldNames.FullName]);
        Assert.Equal(new Finding("mrz.check-digit", "Check digit 2 fails.", FieldNames.Nik, "7", "1"), passport.Findings.Single());
        Assert.Equal(s.History.Count, back.History.Count);
        Assert.Equal(s.History[^1].Refusal, back.History[^1].Refusal);
        Assert.Equal(RefusalKind.Conflict, back.History[^1].Refusal!.Kind);
    }

    [Fact]
    public void CaseState_json_uses_camel_case_names_and_enum_strings()
    {
        var node = JsonNode.Parse(Fx.Json(RichState()))!;

        Assert.Equal("signOffPending", node["stage"]!.GetValue<string>());
        Assert.True(node["onHold"]!.GetValue<bool>()); // the set of open holds, for readers of the view
        Assert.Null(node["stageBeforeHold"]); // holds are beside the stage; nothing to come back to
        Assert.Equal("passport", node["documents"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("verified", node["documents"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("kemenP2MI", node["signOffs"]![0]!["ministry"]!.GetValue<string>());
        Assert.Equal("conflict", node["history"]!.AsArray()[^1]!["refusal"]!["kind"]!.GetValue<string>());
        Assert.Null(node["releasedAt"]); // nulls are not written
    }

    [Fact]
    public void Decider_keeps_working_on_a_round_tripped_state()
    {
        var s = RichState();
        var back = JsonSerializer.Deserialize<CaseState>(Fx.Json(s), PulangJson.Options)!;
        var refusedEntry = s.History[^1];

        // the refusal recorded before serialization is still answered the same way
        var repeat = Decider.Decide(back, Sign(Ministry.Kemensos, Sha("stale")) with { CommandId = refusedEntry.CommandId }, Now());
        Assert.Equal(refusedEntry.Refusal, repeat.Refusal);
        Assert.Same(back, repeat.State);

        // and the case can still be released
        var released = Apply(back, Sign(Ministry.Kemensos, back.DossierDigest!), Lift("h2"));
        Assert.Equal(Stage.Released, released.Stage);
    }

    /// <summary>
    /// State as written while a hold was a stage (stage <c>onHold</c>, <c>stageBeforeHold</c>, no <c>onHold</c> flag): in case views,
    /// orchestration inputs after continue-as-new and the commit activity's inputs of running cases.
    /// </summary>
    static string OldShape(CaseState s, string stageBeforeHold)
    {
        var node = JsonNode.Parse(Fx.Json(s))!.AsObject();
        node.Remove("onHold");
        node["stage"] = "onHold";
        node["stageBeforeHold"] = stageBeforeHold;
        return node.ToJsonString();
    }

    [Fact]
    public void State_written_while_a_hold_was_a_stage_reads_as_its_working_stage_with_the_holds_beside_it()
    {
        var s = RichState();
        var old = OldShape(s, "signOffPending");

        var back = JsonSerializer.Deserialize<CaseState>(old, PulangJson.Options)!;

        Assert.Equal(Stage.SignOffPending, back.Stage);
        Assert.True(back.OnHold);
        Assert.Equal(Stage.OnHold, back.ShownStage);
        Assert.Equal(["h2"], back.OpenHolds.Select(h => h.HoldId));
        Assert.Equal(Fx.Json(s), Fx.Json(back)); // written again in today's shape
        Assert.Contains(Roles.Investigator, Inbox.AwaitingRoles(back));
        Assert.Equal(Inbox.AwaitingRoles(s), Inbox.AwaitingRoles(back));

        // it decides as before: Kemensos signs during the hold, lifting the last hold releases
        var released = Apply(back, Sign(Ministry.Kemensos, back.DossierDigest!), Lift("h2"));
        Assert.Equal(Stage.Released, released.Stage);
        Assert.False(released.OnHold);

        // the custom status of the old orchestration and the input of an old generation read too
        var status = JsonSerializer.Deserialize<CaseStatus>("{\"stage\":\"onHold\",\"version\":3,\"recent\":[]}", PulangJson.Options)!;
        Assert.Equal(Stage.OnHold, status.Stage);
        var input = JsonSerializer.Deserialize<Pulang.Workflows.Orchestrations.CaseOrchestrationInput>(
            $"{{\"caseId\":\"{CaseId}\",\"intake\":{Fx.Json(s.Intake)},\"reminders\":{{}},\"state\":{old},\"audited\":true,\"checkpointed\":true}}", PulangJson.Options)!;
        Assert.Equal(Stage.SignOffPending, input.State!.Stage);
        Assert.Equal(Stage.OnHold, input.State.ShownStage);
    }

    [Fact]
    public void State_written_while_a_hold_was_a_stage_in_documents_returns_to_documents_work()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Passport), Hold("h1"));
        var back = JsonSerializer.Deserialize<CaseState>(OldShape(s, "documentsPending"), PulangJson.Options)!;

        Assert.Equal(Stage.DocumentsPending, back.Stage);
        var lifted = Decider.Decide(back, Lift("h1"), Now());
        Assert.True(lifted.Accepted);
        Assert.Equal(Stage.DocumentsPending, lifted.State.Stage);
        Assert.False(lifted.State.OnHold);
        Assert.Contains(lifted.Effects, e => e is PublishCaseEvent { EventType: "case.hold-lifted" });
    }

    static CaseCommand Sample(string type) => type switch
    {
        "documentScanned" => Scanned(DocumentKind.Splp, "doc-s", findings: [Finding()], fields: new Dictionary<string, string> { [FieldNames.FullName] = "TESTA" }),
        "documentVerified" => Verified("doc-s", corrections: new Dictionary<string, string> { [FieldNames.FullName] = "TESTA CONTOH" }),
        "assessmentSubmitted" => Submitted("S.", "R."),
        "assessmentDecided" => Decided(false, "needs more"),
        "signOff" => Sign(Ministry.Kemensos, Sha("dossier"), false, "incomplete"),
        "holdPlaced" => Hold("h1", "report"),
        "holdLifted" => Lift("h1", "cleared"),
        "withdraw" => Withdraw("duplicate"),
        "reminderDue" => Reminder(Stage.AssessmentPending),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static TheoryData<string> CommandTypes =>
        ["documentScanned", "documentVerified", "assessmentSubmitted", "assessmentDecided", "signOff", "holdPlaced", "holdLifted", "withdraw", "reminderDue"];

    [Theory]
    [MemberData(nameof(CommandTypes))]
    public void Command_as_base_type_carries_the_discriminator_and_round_trips(string type)
    {
        var command = Sample(type);
        Assert.Equal(type, command.Name);

        var json = JsonSerializer.Serialize<CaseCommand>(command, PulangJson.Options);
        var node = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(type, node["type"]!.GetValue<string>());
        Assert.Equal(command.CommandId, node["commandId"]!.GetValue<string>());
        Assert.Equal(command.Actor.Id, node["actor"]!["id"]!.GetValue<string>());
        // note: "name" is written too ([JsonIgnore] on the abstract Name does not reach the overrides); it is ignored on read

        var back = JsonSerializer.Deserialize<CaseCommand>(json, PulangJson.Options)!;

        Assert.IsType(command.GetType(), back);
        Assert.Equal(command.CommandId, back.CommandId);
        Assert.Equal(command.Actor.Id, back.Actor.Id);
        Assert.Equal(command.Actor.Roles, back.Actor.Roles);
        Assert.Equal(json, JsonSerializer.Serialize(back, PulangJson.Options));
    }

    [Theory]
    [MemberData(nameof(CommandTypes))]
    public void Event_payload_deserializes_to_the_same_derived_type(string type)
    {
        var command = Sample(type);

        var payload = command.ToEventPayload();

        Assert.Equal(JsonValueKind.Object, payload.ValueKind);
        Assert.Equal(type, payload.GetProperty("type").GetString());
        var back = payload.Deserialize<CaseCommand>(PulangJson.Options)!;
        Assert.IsType(command.GetType(), back);
        Assert.Equal(JsonSerializer.Serialize<CaseCommand>(command, PulangJson.Options), JsonSerializer.Serialize(back, PulangJson.Options));
    }

    [Fact]
    public void Serializing_the_runtime_type_leaves_out_the_discriminator()
    {
        // why ToEventPayload exists: the derived type alone is written without "type" and cannot be read as a CaseCommand
        var command = Sample("withdraw");
        var json = JsonSerializer.Serialize(command, command.GetType(), PulangJson.Options);

        Assert.False(JsonNode.Parse(json)!.AsObject().ContainsKey("type"));
        Assert.ThrowsAny<NotSupportedException>(() => JsonSerializer.Deserialize<CaseCommand>(json, PulangJson.Options));
    }

    [Fact]
    public void Discriminator_may_come_after_other_properties()
    {
        var json = """{"holdId":"h9","reason":"report","commandId":"cmd-x","actor":{"id":"user:investigator-1","roles":["investigator"]},"type":"holdPlaced"}""";

        var back = JsonSerializer.Deserialize<CaseCommand>(json, PulangJson.Options);

        var hold = Assert.IsType<PlaceHold>(back);
        Assert.Equal("h9", hold.HoldId);
        Assert.True(hold.Actor.Has(Roles.Investigator));
    }

    [Fact]
    public void Effects_carry_their_discriminator()
    {
        var s = WithApproved();
        var released = Ok(Apply(s, Sign(Ministry.KemenP2MI, s.DossierDigest!)), Sign(Ministry.Kemensos, s.DossierDigest!));

        var json = JsonSerializer.Serialize(released.Effects, PulangJson.Options);
        var back = JsonSerializer.Deserialize<List<Effect>>(json, PulangJson.Options)!;

        Assert.Equal(["writeReleaseRecord", "publishCaseEvent"], JsonNode.Parse(json)!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal([typeof(WriteReleaseRecord), typeof(PublishCaseEvent)], back.Select(e => e.GetType()));

        Assert.Equal(json, JsonSerializer.Serialize(back, PulangJson.Options));
    }
}
