using Microsoft.DurableTask;
using Pulang.Tests.Domain;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Resilience;

/// <summary>
/// Activities run at least once, and a repeated run can come late: after a crash, or when deleting its work-item
/// message failed, the message reappears once the case has moved on. Seen in the crash and outage tests: a released
/// case whose view and inbox went back to "SignOffPending, one sign-off" because the commit of the first sign-off ran
/// again after the release. On real Azurite: a late repeat never moves the case view or the case index back.
/// </summary>
public sealed class LateRepeatTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed class Context(string instanceId) : TaskActivityContext
    {
        public override TaskName Name => ActivityNames.CommitDecision;

        public override string InstanceId => instanceId;
    }

    async Task<(PulangStorage Storage, CaseIndex Index, CommitDecisionActivity Commit, CaseState SignedOnce, CaseState Released)> ArrangeAsync()
    {
        var s = new PulangStorage(storage.ConnectionString);
        await s.EnsureCreatedAsync(Ct);
        var index = new CaseIndex(s);
        var id = CaseIds.New();
        var approved = Fx.WithApproved() with { CaseId = id };
        var signedOnce = Fx.Apply(approved, Fx.Sign(Ministry.KemenP2MI, approved.DossierDigest!));
        var released = Fx.Apply(signedOnce, Fx.Sign(Ministry.Kemensos, approved.DossierDigest!));
        await index.AddAsync(id, approved.Intake, DateTimeOffset.UtcNow, Ct);
        return (s, index, new CommitDecisionActivity(s, index, new AuditLog(s, TimeProvider.System), TestEventPublisher.Create(s)), signedOnce, released);
    }

    async Task<CaseState> ViewAsync(PulangStorage s, string caseId) =>
        (await s.CaseViews.GetBlobClient($"{caseId}.json").DownloadContentAsync(Ct)).Value.Content.ToObjectFromJson<CaseState>(PulangJson.Options)!;

    [Fact]
    public async Task A_late_repeat_of_an_older_commit_leaves_the_newer_view_and_index_as_they_are()
    {
        var (s, index, commit, signedOnce, released) = await ArrangeAsync();
        var id = released.CaseId;
        var context = new Context(id);

        await commit.RunAsync(context, new CommitDecision(id, [], signedOnce));
        await commit.RunAsync(context, new CommitDecision(id, [], released));

        // The first sign-off's commit runs again, late.
        await commit.RunAsync(context, new CommitDecision(id, [], signedOnce));

        var view = await ViewAsync(s, id);
        Assert.Equal(Stage.Released, view.Stage);
        Assert.Equal(released.Version, view.Version);
        Assert.Equal(Stage.Released, (await index.GetAsync(id, Ct))!.Value.Entry.Stage);
        var waitingFor = Inbox.AwaitingRoles(signedOnce);
        Assert.NotEmpty(waitingFor);
        Assert.DoesNotContain(await index.ListAwaitingAsync(waitingFor, 1000, Ct), e => e.CaseId == id);
    }

    [Fact]
    public async Task Commits_of_two_versions_racing_always_leave_the_newer_one()
    {
        var (s, index, commit, signedOnce, released) = await ArrangeAsync();
        var id = released.CaseId;
        var context = new Context(id);

        // Both at once, several times over: whichever lands last, the view ends at the newer version.
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(
                commit.RunAsync(context, new CommitDecision(id, [], signedOnce)),
                commit.RunAsync(context, new CommitDecision(id, [], released)),
                commit.RunAsync(context, new CommitDecision(id, [], signedOnce)));
            Assert.Equal(released.Version, (await ViewAsync(s, id)).Version);
            Assert.Equal(Stage.Released, (await index.GetAsync(id, Ct))!.Value.Entry.Stage);
        }
    }
}
