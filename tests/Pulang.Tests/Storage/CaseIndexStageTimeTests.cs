using Azure.Data.Tables;
using Pulang.Tests.Domain;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Storage;

/// <summary>
/// The case index's <c>StageEnteredAt</c> (time in stage, shown by the inbox, the cases list and the dashboard), on the test
/// Azurite: set at intake and when a state of another stage is written, kept while the stage stays; a row written before the
/// column existed reads as "since the last change" until its next stage change.
/// </summary>
public sealed class CaseIndexStageTimeTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_time_a_case_entered_its_stage_is_kept_while_the_stage_stays_and_moves_with_a_new_stage()
    {
        var s = new PulangStorage(storage.ConnectionString);
        await s.EnsureCreatedAsync(Ct);
        var index = new CaseIndex(s);
        var id = CaseIds.New();
        var t0 = new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
        var approved = Fx.WithApproved() with { CaseId = id };
        var signedOnce = Fx.Apply(approved, Fx.Sign(Ministry.KemenP2MI, approved.DossierDigest!));
        Assert.Equal(approved.Stage, signedOnce.Stage);

        await index.AddAsync(id, approved.Intake, t0, Ct);
        Assert.Equal(t0, (await index.GetAsync(id, Ct))!.Value.Entry.StageEnteredAt);

        await index.SetStateAsync(approved with { UpdatedAt = t0.AddDays(2), Version = 10 }, Ct);
        var entered = (await index.GetAsync(id, Ct))!.Value.Entry;
        Assert.Equal(Stage.SignOffPending, entered.Stage);
        Assert.Equal(t0.AddDays(2), entered.StageEnteredAt);

        // A sign-off changes the case, not its stage: the age in stage keeps counting from when it entered.
        await index.SetStateAsync(signedOnce with { UpdatedAt = t0.AddDays(3), Version = 11 }, Ct);
        var stayed = (await index.GetAsync(id, Ct))!.Value.Entry;
        Assert.Equal(t0.AddDays(3), stayed.UpdatedAt);
        Assert.Equal(t0.AddDays(2), stayed.StageEnteredAt);
        Assert.Equal(t0.AddDays(2), stayed.InStageSince);
        var listed = Assert.Single(await index.ListAsync(Stage.SignOffPending, 5000, Ct, approved.Intake.ExternalReference), r => r.CaseId == id);
        Assert.Equal(t0.AddDays(2), listed.StageEnteredAt);
        var waiting = (await index.ListAwaitingAsync([Roles.KemensosSigner], 5000, Ct)).Single(r => r.CaseId == id);
        Assert.Equal(t0.AddDays(2), waiting.InStageSince);
    }

    [Fact]
    public async Task A_row_written_before_the_column_existed_reads_as_since_the_last_change_until_its_next_stage()
    {
        var s = new PulangStorage(storage.ConnectionString);
        await s.EnsureCreatedAsync(Ct);
        var index = new CaseIndex(s);
        var id = CaseIds.New();
        var approved = Fx.WithApproved() with { CaseId = id };
        var t0 = new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.Zero);
        // The row as the index wrote it before: no StageEnteredAt.
        await s.Cases.AddEntityAsync(new TableEntity(CaseIndex.Partition, id)
        {
            ["ExternalReference"] = approved.Intake.ExternalReference, ["Stage"] = nameof(Stage.SignOffPending), ["OpenedAt"] = t0, ["UpdatedAt"] = t0, ["ViewVersion"] = 5,
        }, Ct);
        var old = (await index.GetAsync(id, Ct))!.Value.Entry;
        Assert.Null(old.StageEnteredAt);
        Assert.Equal(t0, old.InStageSince);

        await index.SetStateAsync(approved with { UpdatedAt = t0.AddDays(1), Version = 6 }, Ct);
        Assert.Null((await index.GetAsync(id, Ct))!.Value.Entry.StageEnteredAt); // same stage: unknown when it entered

        var released = approved with { Stage = Stage.Released, UpdatedAt = t0.AddDays(2), Version = 7 };
        await index.SetStateAsync(released, Ct);
        Assert.Equal(t0.AddDays(2), (await index.GetAsync(id, Ct))!.Value.Entry.StageEnteredAt);
    }
}
