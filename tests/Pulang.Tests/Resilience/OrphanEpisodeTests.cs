using System.Net;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pulang.SelfHost;
using Pulang.SelfHost.Durable;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Resilience;

/// <summary>
/// The Azure Storage provider sends an episode's outgoing messages before it commits the episode's history. When the
/// commit fails (the process dies, or another worker changed the history: "split brain"), the episode runs again from
/// its inputs, which may by then come in another order, while what it sent is already out. Here, on the real self-host
/// (in this process) and Azurite, the commit of the episode that takes the last sign-off is made to fail the way a
/// split brain makes it fail (the history's ETag changes underneath), and an investigation hold arrives meanwhile, so
/// the durable order is: hold, then sign-off. The case must stay on hold with no release record, no
/// <c>case.released</c> event and a view that says OnHold; before decisions were made durable before being carried
/// out, the failed episode's commit activity wrote the release record, published <c>case.released</c> and left the
/// view at "Released".
/// </summary>
public sealed class OrphanEpisodeTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Passes every call to the worker's orchestration service, and runs a hook before each episode's commit.</summary>
    public class Interceptor : DispatchProxy
    {
        internal IOrchestrationService Inner { get; set; } = null!;

        internal Func<TaskOrchestrationWorkItem, Task> BeforeCommit { get; set; } = _ => Task.CompletedTask;

        /// <inheritdoc/>
        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IOrchestrationService.CompleteTaskOrchestrationWorkItemAsync))
            {
                return CommitAsync(method, args!);
            }

            try
            {
                return method.Invoke(Inner, args);
            }
            catch (TargetInvocationException e)
            {
                ExceptionDispatchInfo.Throw(e.InnerException!);
                throw;
            }
        }

        async Task CommitAsync(MethodInfo method, object?[] args)
        {
            await BeforeCommit((TaskOrchestrationWorkItem)args[0]!);
            await (Task)method.Invoke(Inner, args)!;
        }
    }

    [Fact]
    public async Task A_decision_whose_episode_failed_to_commit_is_never_carried_out()
    {
        var hub = TestStorage.NewTaskHub("orphan");
        var key = RandomNumberGenerator.GetBytes(32);
        var tokens = new LocalTokens(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(key), "pulang");
        var port = SelfHostProcess.FreePort();
        var target = "";
        var history = new TableClient(storage.ConnectionString, $"{hub}History");
        var faulted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        PulangClient? client = null;

        var interceptor = DispatchProxy.Create<IOrchestrationService, Interceptor>();
        ((Interceptor)interceptor).BeforeCommit = async workItem =>
        {
            if (workItem.InstanceId != Volatile.Read(ref target) || faulted.Task.IsCompleted
                || !workItem.NewMessages.Any(m => m.Event is EventRaisedEvent { Input: { } input } && input.Contains("orphan-signoff", StringComparison.Ordinal)))
            {
                return;
            }

            // The hold arrives while this episode is still open; then the history changes underneath it, so its commit
            // fails after its outgoing messages are sent, and its messages (the sign-off) come back after the hold.
            (await client!.JsonAsync(HttpMethod.Post, $"/api/cases/{target}/holds", tokens.MintDemo("police-liaison"), new { reason = "agency under investigation" }, "orphan-hold", CancellationToken.None, prefer: "respond-async")).EnsureSuccess();
            await history.UpdateEntityAsync(new TableEntity(target, "sentinel") { ["PulangTestTouched"] = true }, ETag.All, TableUpdateMode.Merge, CancellationToken.None);
            faulted.TrySetResult();
        };

        string[] args =
        [
            "--urls", $"http://127.0.0.1:{port}",
            $"--Pulang:StorageConnectionString={storage.ConnectionString}",
            $"--Pulang:TaskHub={hub}",
            $"--Pulang:EventsQueue={SelfHostProcess.EventsQueueFor(hub)}",
            $"--Pulang:Auth:SigningKey={Convert.ToBase64String(key)}",
            $"--Pulang:DataDirectory={Path.Combine(Path.GetTempPath(), "pulang-test-" + hub)}",
            "--Pulang:Ocr:Engine=embedded-text",
            "--Pulang:Ocr:AllowTestEngines=true",
        ];
        await using var app = await PulangHost.BuildAsync(args, b => b.Services.AddSingleton<OrchestrationServiceDecorator>(inner =>
        {
            ((Interceptor)interceptor).Inner = inner;
            return interceptor;
        }));
        await app.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        client = new PulangClient(http);
        var reader = tokens.MintDemo("bp3mi-reader");

        var driver = new CaseDriver(() => client, tokens);
        var (caseId, state) = await driver.DriveAsync($"ORPHAN-{hub}", Ct, s => s.Stage == Stage.SignOffPending);
        (await client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", tokens.MintDemo("p2mi-official"), new { approve = true, dossierDigest = state.DossierDigest }, "p2mi", Ct)).EnsureSuccess();
        await client.WaitForAsync(caseId, reader, s => s.SignOffs.Count == 1, TimeSpan.FromMinutes(1), Ct);

        // The last sign-off: its first episode is made to fail to commit.
        Volatile.Write(ref target, caseId);
        var signed = await client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", tokens.MintDemo("kemensos-official"), new { approve = true, dossierDigest = state.DossierDigest }, "orphan-signoff", Ct, prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, signed.Status);
        await faulted.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);

        // Both commands decided, in the durable order: the hold, then the sign-off (recorded; the held case waits).
        var after = await client.WaitForAsync(caseId, reader, s => s.SignOffs.Count == 2 && s.Holds.Count == 1, TimeSpan.FromMinutes(2), Ct);
        await UntilIdleAsync(hub);
        after = (await client.GetAsync($"/api/cases/{caseId}", reader, Ct)).EnsureSuccess().Case;
        Assert.Equal(Stage.OnHold, after.ShownStage);
        Assert.Null(after.ReleasedAt);
        Assert.DoesNotContain(after.History, h => h.Detail.EndsWith("; released", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/cases/{caseId}/release", reader, Ct)).Status);
        Assert.False(await new BlobContainerClient(storage.ConnectionString, PulangStorage.ReleasesContainer).GetBlobClient($"{caseId}.json").ExistsAsync(Ct));
        Assert.DoesNotContain(await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, hub, caseId, Ct), e => e.Type == "id.go.pulang.case.released.v1");

        // Lifting the hold releases the case, once.
        var holdId = Assert.Single(after.Holds).HoldId;
        (await client.SendAsync(HttpMethod.Delete, $"/api/cases/{caseId}/holds/{holdId}", tokens.MintDemo("police-liaison"), ct: Ct)).EnsureSuccess();
        var released = await client.WaitForAsync(caseId, reader, s => s.IsFinished, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(Stage.Released, released.Stage);
        Assert.Single(released.History, h => h.Detail.EndsWith("; released", StringComparison.Ordinal));
        Assert.Equal([$"{caseId}:released"], (await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, hub, caseId, Ct)).Where(e => e.Type == "id.go.pulang.case.released.v1").Select(e => e.Id).Distinct());
        await app.StopAsync(Ct);
    }

    /// <summary>Waits until the task hub's activity queue has been empty for 3 s (an orphaned activity has run by then).</summary>
    async Task UntilIdleAsync(string hub)
    {
        var queue = new QueueClient(storage.ConnectionString, $"{hub.ToLowerInvariant()}-workitems");
        var quiet = 0;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (quiet < 6 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, Ct);
            quiet = (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount == 0 ? quiet + 1 : 0;
        }
    }
}
