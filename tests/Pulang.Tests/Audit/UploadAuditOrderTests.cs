using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pulang.Tests.Domain;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Cases;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Audit;

/// <summary>
/// An upload's audit entry is written before its scan is scheduled: when the process dies at the scheduling step
/// (here a Durable Task client that fails), the stored scan already has its entry; an import tried again after such
/// a crash writes the entry once.
/// </summary>
public sealed class UploadAuditOrderTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A Durable Task client that fails every call, standing in for a crash at the scheduling step.</summary>
    sealed class CrashingClient() : DurableTaskClient("crashing")
    {
        static Exception Crash() => new InvalidOperationException("The process died here (test).");

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) => throw Crash();
        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw Crash();
        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw Crash();
        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw Crash();
        public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) => throw Crash();
        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw Crash();
        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw Crash();
        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw Crash();
        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw Crash();
        public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw Crash();
        public override ValueTask DisposeAsync() => default;
    }

    async Task<(PulangStorage Storage, AuditLog Log, DocumentUploads Uploads, CaseState State)> ArrangeAsync()
    {
        var s = new PulangStorage(storage.ConnectionString);
        await s.EnsureCreatedAsync(Ct);
        var log = new AuditLog(s, TimeProvider.System);
        var caseId = CaseIds.New();
        await new CaseIndex(s).AddAsync(caseId, Fx.Intake, DateTimeOffset.UtcNow, Ct);
        var state = Decider.Open(caseId, Fx.Intake, DateTimeOffset.UtcNow).State;
        return (s, log, new DocumentUploads(s, new CrashingClient(), Options.Create(new PulangOptions()), log), state);
    }

    [Fact]
    public async Task A_crash_when_the_scan_is_scheduled_leaves_the_stored_upload_with_its_entry()
    {
        var (s, log, uploads, state) = await ArrangeAsync();
        var uploader = new Actor("user:uploader-1", [Roles.Uploader]);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            uploads.UploadAsync(state, DocumentKind.Ktp, new MemoryStream(CaseDriver.BlankPng()), "image/png", null, uploader, Ct));

        var stored = new List<string>();
        await foreach (var b in s.Scans.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, state.CaseId + "/", Ct))
        {
            stored.Add(b.Name[(state.CaseId.Length + 1)..]);
        }

        var documentId = Assert.Single(stored);
        var (entries, verification) = await log.ReadAsync(state.CaseId, Ct);
        Assert.True(verification.Valid, verification.Reason);
        var entry = Assert.Single(entries);
        Assert.Equal(("upload", "accepted", documentId, uploader.Id), (entry.Action, entry.Outcome, entry.Target, entry.Actor));
    }

    [Fact]
    public async Task An_import_tried_again_after_such_a_crash_writes_its_entry_once()
    {
        var (_, log, uploads, state) = await ArrangeAsync();
        var importer = new Actor("system:blob-import", []);
        var png = CaseDriver.BlankPng();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() =>
                uploads.ImportAsync(state, DocumentKind.Ktp, "incoming/ktp.png@etag-1", _ => Task.FromResult<Stream>(new MemoryStream(png)), "image/png", png.Length, importer, Ct));
        }

        var (entries, verification) = await log.ReadAsync(state.CaseId, Ct);
        Assert.True(verification.Valid, verification.Reason);
        var entry = Assert.Single(entries);
        Assert.Equal(("upload", DocumentUploads.DocumentIdFor(state.CaseId, "incoming/ktp.png@etag-1")), (entry.Action, entry.Target));
    }
}
