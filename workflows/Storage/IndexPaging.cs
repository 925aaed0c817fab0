using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace Pulang.Workflows.Storage;

/// <summary>How a list of the case index is ordered (<c>sort=</c> on <c>GET /api/cases</c> and <c>GET /api/inbox</c>).</summary>
public enum IndexSort
{
    /// <summary><c>-openedAt</c>: newest intake first (the case list's default).</summary>
    OpenedAtDescending,

    /// <summary><c>openedAt</c>: oldest intake first.</summary>
    OpenedAt,

    /// <summary><c>updatedAt</c>: oldest change first (the inbox's default: work in the order it came).</summary>
    UpdatedAt,

    /// <summary><c>-updatedAt</c>: newest change first.</summary>
    UpdatedAtDescending,

    /// <summary><c>caseId</c>: case ID order (the table's own order; the cheapest to page).</summary>
    CaseId,
}

/// <summary>One page of a list: the items and, when more follow, the opaque token for the next page.</summary>
/// <param name="Items">At most the requested number of items, in the requested order.</param>
/// <param name="ContinuationToken">Null on the last page; else pass it back as <c>continuationToken</c>.</param>
public sealed record IndexPage<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>
/// Keyset paging over the case index table. The table returns rows in row key (case ID) order only, so for the other
/// orders each page reads every matching row (projected to a few columns, 1,000 per table request) and keeps only the
/// <c>max + 1</c> first after the cursor (memory O(max), no 5,000-row cut-off). The continuation token names the last
/// item's sort key and case ID, so a case added or changed between pages is neither repeated nor skipped unless its
/// own sort key moved across the cursor. Case ID order uses the table's order directly (<c>RowKey gt</c> the cursor).
/// </summary>
public static class IndexPaging
{
    /// <summary>The <c>sort=</c> names: <c>-openedAt</c>, <c>openedAt</c>, <c>updatedAt</c>, <c>-updatedAt</c>, <c>caseId</c>.</summary>
    public static IReadOnlyDictionary<string, IndexSort> Names { get; } = new Dictionary<string, IndexSort>(StringComparer.OrdinalIgnoreCase)
    {
        ["-openedAt"] = IndexSort.OpenedAtDescending,
        ["openedAt"] = IndexSort.OpenedAt,
        ["updatedAt"] = IndexSort.UpdatedAt,
        ["-updatedAt"] = IndexSort.UpdatedAtDescending,
        ["caseId"] = IndexSort.CaseId,
    };

    /// <summary>The <c>sort=</c> name of <paramref name="sort"/>.</summary>
    public static string NameOf(IndexSort sort) => Names.First(p => p.Value == sort).Key;

    /// <summary>Parses a <c>sort=</c> value (case-insensitive); null or empty gives <paramref name="fallback"/>; false when unknown.</summary>
    public static bool TryParseSort(string? value, IndexSort fallback, out IndexSort sort)
    {
        sort = fallback;
        return string.IsNullOrEmpty(value) || Names.TryGetValue(value, out sort);
    }

    /// <summary>The position after which the next page starts: the sort key (UTC ticks; 0 for case ID order) and case ID.</summary>
    public sealed record Cursor(IndexSort Sort, long Ticks, string CaseId);

    /// <summary>The opaque token for <paramref name="cursor"/> (base64url of <c>v1|sort|ticks|caseId</c>).</summary>
    public static string Encode(Cursor cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"v1|{(int)cursor.Sort}|{cursor.Ticks}|{cursor.CaseId}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a token made by <see cref="Encode"/> for <paramref name="sort"/>; false when it is not one (or was made for another order).</summary>
    public static bool TryDecode(string? token, IndexSort sort, out Cursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(token)) return true;
        if (token.Length > 400) return false;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
            var parts = text.Split('|', 4);
            if (parts.Length != 4 || parts[0] != "v1" || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var s) || s != (int)sort
                || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var ticks) || parts[3].Length is 0 or > 100)
            {
                return false;
            }

            cursor = new Cursor(sort, ticks, parts[3]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The row's key in <paramref name="sort"/>'s order: UTC ticks of the sort column (0 for case ID order) and the case ID.</summary>
    static (long Ticks, string CaseId) KeyOf(TableEntity e, IndexSort sort) => sort switch
    {
        IndexSort.OpenedAt or IndexSort.OpenedAtDescending => ((e.GetDateTimeOffset("OpenedAt") ?? default).UtcTicks, e.RowKey),
        IndexSort.UpdatedAt or IndexSort.UpdatedAtDescending => ((e.GetDateTimeOffset("UpdatedAt") ?? default).UtcTicks, e.RowKey),
        _ => (0, e.RowKey),
    };

    /// <summary>Compares two keys in <paramref name="sort"/>'s order (descending orders reverse both the time and the case ID).</summary>
    static int Compare((long Ticks, string CaseId) a, (long Ticks, string CaseId) b, IndexSort sort)
    {
        var c = a.Ticks.CompareTo(b.Ticks);
        if (c == 0) c = string.CompareOrdinal(a.CaseId, b.CaseId);
        return sort is IndexSort.OpenedAtDescending or IndexSort.UpdatedAtDescending ? -c : c;
    }

    /// <summary>
    /// One page of <paramref name="table"/>'s rows matching <paramref name="filter"/> (an OData filter built from fixed
    /// names), in <paramref name="sort"/>'s order, after <paramref name="after"/>, at most <paramref name="max"/>.
    /// <paramref name="select"/> must hold the sort columns (<c>OpenedAt</c>/<c>UpdatedAt</c>).
    /// </summary>
    public static async Task<IndexPage<T>> PageAsync<T>(TableClient table, string filter, IReadOnlyList<string> select, IndexSort sort, int max, Cursor? after,
        Func<TableEntity, T> map, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (sort == IndexSort.CaseId)
        {
            var rowFilter = after is null ? filter : $"({filter}) and RowKey gt '{after.CaseId.Replace("'", "''", StringComparison.Ordinal)}'";
            var items = new List<TableEntity>();
            await foreach (var e in table.QueryAsync<TableEntity>(rowFilter, maxPerPage: Math.Min(1000, max + 1), select: select, cancellationToken: ct))
            {
                items.Add(e);
                if (items.Count > max) break;
            }

            return Page(items, sort, max, map);
        }

        var comparer = Comparer<(long Ticks, string CaseId)>.Create((a, b) => Compare(a, b, sort));
        var kept = new SortedSet<((long Ticks, string CaseId) Key, TableEntity Row)>(Comparer<((long, string) Key, TableEntity Row)>.Create((a, b) => comparer.Compare(a.Key, b.Key)));
        var cursor = after is null ? ((long, string)?)null : (after.Ticks, after.CaseId);
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: ct))
        {
            var key = KeyOf(e, sort);
            if (cursor is { } c && comparer.Compare(key, c) <= 0) continue;
            if (kept.Count > max && comparer.Compare(key, kept.Max.Key) >= 0) continue;
            kept.Add((key, e));
            if (kept.Count > max + 1) kept.Remove(kept.Max);
        }

        return Page([.. kept.Select(k => k.Row)], sort, max, map);
    }

    static IndexPage<T> Page<T>(List<TableEntity> rows, IndexSort sort, int max, Func<TableEntity, T> map)
    {
        var page = rows.Take(max).ToList();
        string? token = null;
        if (rows.Count > max)
        {
            var last = KeyOf(page[^1], sort);
            token = Encode(new Cursor(sort, last.Ticks, last.CaseId));
        }

        return new IndexPage<T>([.. page.Select(map)], token);
    }
}
