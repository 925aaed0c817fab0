using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pulang.Web.Hosting;
using Pulang.Web.Pages;
using Pulang.Workflows;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Web.Handlers;

/// <summary>The filters of the cases list, from the query string (all optional; unknown values are ignored).</summary>
/// <param name="Stage">Only this stage.</param>
/// <param name="Ministry">Only cases waiting for this ministry's sign-off.</param>
/// <param name="Overdue">Only overdue cases (the index's <see cref="CaseIndexEntry.Overdue"/>, as the decider decided it).</param>
/// <param name="OnHold">Only cases on hold.</param>
/// <param name="Search">Case ID (exact) or part of the external reference (any case).</param>
/// <param name="Sort"><c>opened</c> (newest first, default), <c>waiting</c> (longest waiting first) or <c>reference</c>.</param>
/// <param name="Page">1-based page.</param>
public sealed record CaseFilter(Stage? Stage, Ministry? Ministry, bool Overdue, bool OnHold, string? Search, string Sort, int Page)
{
    /// <summary>Reads the filter from <c>stage, ministry, overdue, hold, q, sort, page</c>.</summary>
    public static CaseFilter From(IQueryCollection query)
    {
        Stage? stage = Enum.TryParse<Stage>(query["stage"], ignoreCase: true, out var s) && !int.TryParse(query["stage"], out _) ? s : null;
        Ministry? ministry = Ministries.TryParse(query["ministry"], out var m) ? m : null;
        var sort = query["sort"].ToString() is "waiting" or "reference" ? query["sort"].ToString() : "opened";
        var page = int.TryParse(query["page"], out var p) && p is > 0 and < 100_000 ? p : 1;
        var search = query["q"].ToString().Trim();
        return new(stage, ministry, query["overdue"] == "1", query["hold"] == "1", search.Length is > 0 and <= 100 ? search : null, sort, page);
    }

    /// <summary>The query string of this filter on page <paramref name="page"/>.</summary>
    public string QueryFor(int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["stage"] = Stage?.ToString(),
        ["ministry"] = Ministry is { } m ? (m == Workflows.Domain.Ministry.KemenP2MI ? "kemenp2mi" : "kemensos") : null,
        ["overdue"] = Overdue ? "1" : null,
        ["hold"] = OnHold ? "1" : null,
        ["q"] = Search,
        ["sort"] = Sort == "opened" ? null : Sort,
        ["page"] = page == 1 ? null : page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => p.Value is not null)).ToString();
}

/// <summary>The cases list.</summary>
public static class CaseListHandlers
{
    /// <summary>
    /// <c>GET /cases</c> (any role): the case index with filters (<see cref="CaseFilter"/>), sorted and paged
    /// (<see cref="WebOptions.PageSize"/> rows). Overdue is what the case decided (<see cref="CaseIndexEntry.Overdue"/>), not
    /// worked out here.
    /// </summary>
    public static Task<IResult> Cases(HttpContext http) => WebPage.SignedInAsync(http, async actor =>
    {
        var filter = CaseFilter.From(http.Request.Query);
        var services = http.RequestServices;
        var index = services.GetRequiredService<CaseIndex>();
        var ui = WebRequest.UiFor(http, actor);
        IEnumerable<CaseIndexEntry> rows = await index.ListAsync(filter.OnHold ? Stage.OnHold : filter.Stage, 5000, http.RequestAborted);
        if (filter.Ministry is { } ministry)
        {
            var waiting = (await index.ListAwaitingAsync([Roles.SignerFor(ministry)], 5000, http.RequestAborted)).Select(r => r.CaseId).ToHashSet();
            rows = rows.Where(r => waiting.Contains(r.CaseId));
        }

        if (filter.Overdue)
        {
            rows = rows.Where(r => r.Overdue);
        }

        if (filter.Search is { } q)
        {
            rows = rows.Where(r => r.CaseId.Equals(q, StringComparison.OrdinalIgnoreCase) || r.ExternalReference.Contains(q, StringComparison.OrdinalIgnoreCase));
        }

        rows = filter.Sort switch
        {
            "waiting" => rows.OrderBy(r => r.UpdatedAt),
            "reference" => rows.OrderBy(r => r.ExternalReference, StringComparer.Ordinal),
            _ => rows.OrderByDescending(r => r.OpenedAt),
        };
        var all = rows.ToList();
        var size = Math.Clamp(services.GetRequiredService<IOptions<WebOptions>>().Value.PageSize, 1, 500);
        return await PageRenderer.PageAsync<CasesPage>(http, new Dictionary<string, object?>
        {
            ["Ui"] = ui,
            ["Filter"] = filter,
            ["Rows"] = all.Skip((filter.Page - 1) * size).Take(size).ToList(),
            ["Total"] = all.Count,
            ["PageSize"] = size,
        });
    });
}
