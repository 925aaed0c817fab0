using System.Diagnostics;
using Azure.Data.Tables;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.Storage;

/// <summary>
/// The case list and the inbox past 5,000 rows (<see cref="CaseIndex.ListPageAsync"/>, <see cref="CaseIndex.ListAwaitingPageAsync"/>):
/// 12,000 index rows written directly (batch transactions of 100) into a table of this test's own on the real Azurite,
/// with intake and change times shuffled against the case ID order, and the newest intake and the oldest waiting
/// case at the end of the case ID order (where a 5,000-row cut-off in case ID order never reached).
/// </summary>
public sealed class CaseIndexPagingTests(TestStorage storage) : IAsyncLifetime
{
    const int Rows = 12_000;
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly PulangStorage pulang = new(storage.ConnectionString) { CasesTableName = "PulangCasesPaging" + Guid.NewGuid().ToString("N")[..12] };
    readonly List<(string Id, Stage Stage, DateTimeOffset Opened, DateTimeOffset Updated, bool AwaitsVerifier)> rows = [];

    public async ValueTask InitializeAsync()
    {
        await pulang.Cases.CreateIfNotExistsAsync(Ct);
        var random = new Random(19);
        var opened = Enumerable.Range(0, Rows).OrderBy(_ => random.Next()).ToArray();
        var updated = Enumerable.Range(0, Rows).OrderBy(_ => random.Next()).ToArray();
        // The last case ID is the newest intake and the oldest change of a case waiting for a verifier.
        (opened[Array.IndexOf(opened, Rows - 1)], opened[^1]) = (opened[^1], Rows - 1);
        (updated[Array.IndexOf(updated, 0)], updated[^1]) = (updated[^1], 0);
        var stages = Enum.GetValues<Stage>();
        for (var i = 0; i < Rows; i++)
        {
            rows.Add(($"PLG-T{i:D9}", stages[i % stages.Length], T0.AddMinutes(opened[i]), T0.AddMinutes(updated[i]) , i % 3 == 0 || i == Rows - 1));
        }

        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(rows.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (chunk, ct) =>
            await pulang.Cases.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("case", r.Id)
            {
                ["ExternalReference"] = "REF-" + r.Id,
                ["Stage"] = r.Stage.ToString(),
                ["OpenedAt"] = r.Opened,
                ["UpdatedAt"] = r.Updated,
                [CaseIndex.AwaitsColumn(Roles.Verifier)] = r.AwaitsVerifier,
                [CaseIndex.AwaitsColumn(Roles.Assessor)] = false,
            })), ct));
        TestContext.Current.SendDiagnosticMessage($"wrote {Rows} index rows in {watch.Elapsed.TotalSeconds:F1} s");
    }

    public async ValueTask DisposeAsync() => await pulang.Cases.DeleteAsync(CancellationToken.None);

    async Task<(List<T> Items, int Pages)> AllAsync<T>(Func<IndexPaging.Cursor?, Task<IndexPage<T>>> page, IndexSort sort)
    {
        var items = new List<T>();
        IndexPaging.Cursor? after = null;
        var pages = 0;
        while (true)
        {
            var p = await page(after);
            pages++;
            items.AddRange(p.Items);
            if (p.ContinuationToken is null) return (items, pages);
            Assert.True(IndexPaging.TryDecode(p.ContinuationToken, sort, out after));
        }
    }

    [Fact]
    public async Task The_case_list_pages_through_all_12000_rows_in_the_order_asked()
    {
        var index = new CaseIndex(pulang);
        var watch = Stopwatch.StartNew();

        var (newest, pages) = await AllAsync(a => index.ListPageAsync(null, IndexSort.OpenedAtDescending, 1000, a, Ct), IndexSort.OpenedAtDescending);
        TestContext.Current.SendDiagnosticMessage($"12 pages of 1,000 newest first in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(12, pages);
        Assert.Equal(rows.OrderByDescending(r => r.Opened).Select(r => r.Id), newest.Select(c => c.CaseId));

        // The first page of the unchanged ListAsync holds the newest intake, although its case ID is the last.
        Assert.Equal(rows[^1].Id, (await index.ListAsync(null, 100, Ct))[0].CaseId);

        var stage = Stage.SignOffPending;
        var (oldestOfStage, _) = await AllAsync(a => index.ListPageAsync(stage, IndexSort.OpenedAt, 500, a, Ct), IndexSort.OpenedAt);
        Assert.Equal(rows.Where(r => r.Stage == stage).OrderBy(r => r.Opened).Select(r => r.Id), oldestOfStage.Select(c => c.CaseId));

        var (byId, idPages) = await AllAsync(a => index.ListPageAsync(null, IndexSort.CaseId, 1000, a, Ct), IndexSort.CaseId);
        Assert.Equal(12, idPages);
        Assert.Equal(rows.Select(r => r.Id).Order(StringComparer.Ordinal), byId.Select(c => c.CaseId));
    }

    [Fact]
    public async Task The_inbox_pages_through_every_waiting_case_oldest_change_first()
    {
        var index = new CaseIndex(pulang);
        var waiting = rows.Where(r => r.AwaitsVerifier).OrderBy(r => r.Updated).Select(r => r.Id).ToList();
        Assert.True(waiting.Count > 4000);

        var (inbox, pages) = await AllAsync(a => index.ListAwaitingPageAsync([Roles.Verifier], IndexSort.UpdatedAt, 1000, a, Ct), IndexSort.UpdatedAt);
        Assert.Equal(waiting, inbox.Select(c => c.CaseId));
        Assert.Equal((waiting.Count + 999) / 1000, pages);
        Assert.All(inbox, c => Assert.Equal([Roles.Verifier], c.Awaiting));

        Assert.Equal(rows[^1].Id, (await index.ListAwaitingAsync([Roles.Verifier], 10, Ct))[0].CaseId);
        var (newestChange, _) = await AllAsync(a => index.ListAwaitingPageAsync([Roles.Verifier], IndexSort.UpdatedAtDescending, 1000, a, Ct), IndexSort.UpdatedAtDescending);
        Assert.Equal(Enumerable.Reverse(waiting), newestChange.Select(c => c.CaseId));
        Assert.Empty((await index.ListAwaitingPageAsync([Roles.Assessor], IndexSort.UpdatedAt, 1000, null, Ct)).Items);
    }

    [Fact]
    public void A_token_of_another_order_or_no_token_at_all_is_refused()
    {
        var token = IndexPaging.Encode(new IndexPaging.Cursor(IndexSort.UpdatedAt, 42, "PLG-T000000001"));
        Assert.True(IndexPaging.TryDecode(token, IndexSort.UpdatedAt, out var cursor));
        Assert.Equal(new IndexPaging.Cursor(IndexSort.UpdatedAt, 42, "PLG-T000000001"), cursor);
        Assert.False(IndexPaging.TryDecode(token, IndexSort.OpenedAtDescending, out _));
        foreach (var bad in new[] { "x", "!!!!", Convert.ToBase64String("v2|2|1|A"u8.ToArray()), new string('A', 401) })
        {
            Assert.False(IndexPaging.TryDecode(bad, IndexSort.UpdatedAt, out _));
        }
    }
}
