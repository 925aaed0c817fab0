using Azure.Data.Tables;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Retention;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Retention;

/// <summary>
/// Retention over the real self-host process: two released cases past their (short) retention lose their scans, analyses, task-hub
/// history, case view and index row, keep their audit trail (with one <c>purge</c> entry per kind, chain intact) and a minimal release
/// record without the person; a withdrawn case with an open hold and a released case with a legal-hold mark keep everything; the
/// schedule's round is killed (SIGKILL) after the first case and finishes the second after a restart; a purged case's release letter answers 410. <c>pulang purge --dry-run</c>'s
/// listing names the released cases and not the held ones. The test has an Azurite of its own (ports 20270-20272): a schedule
/// with one-second retention purges every finished case in the account's index, so on the shared test Azurite it would
/// purge other tests' cases (and wait behind them).
/// </summary>
public sealed class RetentionTests
{
    const int AzuritePort = 20270;

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string connection = "";

    static readonly Dictionary<string, string> Off = new() { ["Pulang__Retention__Enabled"] = "false", ["Pulang__Ocr__Engine"] = "embedded-text" };

    /// <summary>Everything due a second after the case finished; rounds every 2 s; 25 s between two cases (time to kill the round).</summary>
    static readonly Dictionary<string, string> Short = new()
    {
        ["Pulang__Ocr__Engine"] = "embedded-text",
        ["Pulang__Retention__Scans"] = "00:00:01",
        ["Pulang__Retention__History"] = "00:00:01",
        ["Pulang__Retention__CaseView"] = "00:00:01",
        ["Pulang__Retention__IndexRow"] = "00:00:01",
        ["Pulang__Retention__Interval"] = "00:00:02",
        ["Pulang__Retention__PauseBetweenCases"] = "00:00:25",
    };

    [Fact]
    public async Task Released_cases_past_retention_are_purged_held_ones_kept_and_a_killed_round_finishes_after_a_restart()
    {
        await using var azurite = new AzuriteProcess(AzuritePort);
        await azurite.StartAsync(Ct);
        connection = azurite.ConnectionString;
        var hub = TestStorage.NewTaskHub("retain");
        var pulang = new PulangStorage(connection);
        string first, second, withdrawn, marked;

        // 1. Cases made with the schedule off: three released, one withdrawn under an open hold.
        await using (var setup = new SelfHostProcess(connection, hub, Off))
        {
            await setup.StartAsync();
            var driver = new CaseDriver(() => setup.Client, setup.Tokens);
            var released = await Task.WhenAll(
                driver.DriveAsync($"RETAIN-A-{hub}", Ct), driver.DriveAsync($"RETAIN-B-{hub}", Ct), driver.DriveAsync($"RETAIN-C-{hub}", Ct));
            Assert.All(released, r => Assert.Equal(Stage.Released, r.State.Stage));
            (first, second) = string.CompareOrdinal(released[0].CaseId, released[1].CaseId) < 0 ? (released[0].CaseId, released[1].CaseId) : (released[1].CaseId, released[0].CaseId);
            marked = released[2].CaseId;
            await pulang.Cases.UpsertEntityAsync(new TableEntity(CaseIndex.Partition, marked) { [DueCases.LegalHoldColumn] = true }, TableUpdateMode.Merge, Ct);

            var api = setup.Client;
            withdrawn = (await api.JsonAsync(HttpMethod.Post, "/api/cases", setup.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"RETAIN-H-{hub}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
            await api.WaitForAsync(withdrawn, setup.Tokens.MintDemo("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromMinutes(1), Ct);
            (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{withdrawn}/holds", setup.Tokens.MintDemo("police-liaison"), new { reason = "under investigation" }, "retain-hold", Ct)).EnsureSuccess();
            (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{withdrawn}/withdraw", setup.Tokens.MintDemo("pulang-admin"), new { reason = "case closed by court" }, "retain-withdraw", Ct)).EnsureSuccess();
            await api.WaitForAsync(withdrawn, setup.Tokens.MintDemo("pulang-admin"), s => s.Stage == Stage.Withdrawn, TimeSpan.FromMinutes(1), Ct);

            // The dry run a year on (default intervals): both released cases, every kind; not the held ones.
            var listing = new StringWriter();
            Assert.Equal(0, await PurgeCommand.DryRunAsync(pulang, new RetentionOptions(), DateTimeOffset.UtcNow.AddYears(1), listing, Ct));
            var lines = listing.ToString();
            Assert.Contains($"{first} Released finished", lines);
            Assert.Contains($"{second} Released finished", lines);
            Assert.Contains("history, scans, case-view, index-row", lines);
            Assert.DoesNotContain(withdrawn, lines);
            Assert.DoesNotContain(marked, lines);
            Assert.True(await HasScansAsync(pulang, first));
            await setup.TerminateAsync(TimeSpan.FromSeconds(30));
        }

        // 2. The schedule on: killed while it pauses after the first case, the second is purged after a restart.
        await using (var crashing = new SelfHostProcess(connection, hub, Short))
        {
            await crashing.StartAsync();
            await UntilAsync(async () => !await HasIndexRowAsync(pulang, first), TimeSpan.FromMinutes(2));
            await crashing.KillAsync();
        }

        Assert.True(await HasIndexRowAsync(pulang, second), "the second case was purged before the round was killed");
        await using (var restarted = new SelfHostProcess(connection, hub, Short))
        {
            await restarted.StartAsync();
            await UntilAsync(async () => !await HasIndexRowAsync(pulang, second), TimeSpan.FromMinutes(2));

            foreach (var caseId in new[] { first, second })
            {
                Assert.False(await HasScansAsync(pulang, caseId));
                Assert.False(await pulang.CaseViews.GetBlobClient($"{caseId}.json").ExistsAsync(Ct));
                Assert.False(await HasIndexRowAsync(pulang, caseId));
                Assert.False(await HasHistoryAsync(caseId, hub));

                // The audit trail stays, with one purge entry per kind, and its chain is intact.
                var log = new Pulang.Workflows.Audit.AuditLog(pulang, TimeProvider.System);
                var audit = (await log.BlobOf(caseId).DownloadContentAsync(Ct)).Value.Content.ToString();
                foreach (var kind in new[] { "history", "scans", "case-view", "index-row" })
                {
                    Assert.Single(audit.Split('\n'), l => l.Contains($"\"purge:{kind}\"", StringComparison.Ordinal));
                }

                var verified = await log.VerifyAsync(caseId, Ct);
                Assert.True(verified.Valid, verified.Reason);
                Assert.True(verified.Entries > 10, $"{verified.Entries} entries");

                // The release record keeps what the receiving office needs, not who the person is.
                var record = (await restarted.Client.GetAsync($"/api/cases/{caseId}/release", restarted.Tokens.MintDemo("bp3mi-reader"), Ct)).EnsureSuccess().Json;
                Assert.Equal(caseId, record.GetProperty("caseId").GetString());
                Assert.Equal(2, record.GetProperty("signOffs").GetArrayLength());
                Assert.True(record.TryGetProperty("purgedAt", out _));
                Assert.False(record.TryGetProperty("subject", out _));
                Assert.False(record.TryGetProperty("assessment", out _));
                foreach (var id in PersonalDataLogTests.Identifiers)
                {
                    Assert.DoesNotContain(id, record.GetRawText(), StringComparison.OrdinalIgnoreCase);
                }

                // The letter prints the person: gone with the data, said plainly.
                var letter = await restarted.Client.GetAsync($"/api/cases/{caseId}/release/letter", restarted.Tokens.MintDemo("bp3mi-reader"), Ct);
                Assert.Equal(System.Net.HttpStatusCode.Gone, letter.Status);
                Assert.Equal("release.purged", letter.Json.GetProperty("code").GetString());
            }

            // The held and the marked case keep everything, a round later too.
            await Task.Delay(TimeSpan.FromSeconds(5), Ct);
            foreach (var caseId in new[] { withdrawn, marked })
            {
                Assert.True(await HasIndexRowAsync(pulang, caseId));
                Assert.True(await pulang.CaseViews.GetBlobClient($"{caseId}.json").ExistsAsync(Ct));
                Assert.True(await HasHistoryAsync(caseId, hub));
            }

            Assert.True(await HasScansAsync(pulang, marked));
        }
    }

    static async Task<bool> HasScansAsync(PulangStorage pulang, string caseId)
    {
        await foreach (var _ in pulang.Scans.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{caseId}/", Ct)) return true;
        return false;
    }

    static async Task<bool> HasIndexRowAsync(PulangStorage pulang, string caseId) =>
        (await pulang.Cases.GetEntityIfExistsAsync<TableEntity>(CaseIndex.Partition, caseId, cancellationToken: Ct)).HasValue;

    async Task<bool> HasHistoryAsync(string caseId, string hub)
    {
        var instances = new TableClient(connection, $"{hub}Instances");
        return (await instances.GetEntityIfExistsAsync<TableEntity>(caseId, "", cancellationToken: Ct)).HasValue;
    }

    static async Task UntilAsync(Func<Task<bool>> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Not purged in time.");
            await Task.Delay(500, Ct);
        }
    }
}
