using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Web.Hosting;
using Pulang.Web.Pages;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Web.Handlers;

/// <summary>Figures of one stage for the dashboard.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Count">Cases in it.</param>
/// <param name="Median">Median time in the stage (open stages), else null.</param>
/// <param name="Oldest">Longest time in the stage (open stages), else null.</param>
/// <param name="Overdue">Overdue cases in it (<see cref="CaseIndexEntry.Overdue"/>); null for a finished stage.</param>
public sealed record StageFigures(Stage Stage, int Count, TimeSpan? Median, TimeSpan? Oldest, int? Overdue);

/// <summary>The dashboard.</summary>
public static class DashboardHandlers
{
    /// <summary>How many weeks of releases the chart shows.</summary>
    public const int Weeks = 8;

    /// <summary>
    /// <c>GET /dashboard</c> (any role): cases per stage, waiting per ministry, time in stage (median and longest, since the
    /// case entered the stage), overdue cases (as the cases decided: <see cref="CaseIndexEntry.Overdue"/>), and
    /// releases per week for the last <see cref="Weeks"/> weeks as an SVG bar chart drawn on the server. From the case index.
    /// </summary>
    public static Task<IResult> Dashboard(HttpContext http) => WebPage.SignedInAsync(http, async actor =>
    {
        var index = http.RequestServices.GetRequiredService<CaseIndex>();
        var ui = WebRequest.UiFor(http, actor);
        var rows = await index.ListAsync(null, 5000, http.RequestAborted);
        var stages = Enum.GetValues<Stage>().Select(stage =>
        {
            // Time in stage: since the case entered it (the index's StageEnteredAt; older rows: since the last change).
            var ages = rows.Where(r => r.Stage == stage).Select(r => ui.Now - r.InStageSince).Order().ToList();
            var finished = stage is Stage.Released or Stage.Withdrawn;
            var open = !finished && ages.Count > 0;
            return new StageFigures(stage, ages.Count, open ? ages[ages.Count / 2] : null, open ? ages[^1] : null,
                finished ? null : rows.Count(r => r.Stage == stage && r.Overdue));
        }).ToList();
        var p2mi = (await index.ListAwaitingAsync([Roles.P2miSigner], 5000, http.RequestAborted)).Count;
        var kemensos = (await index.ListAwaitingAsync([Roles.KemensosSigner], 5000, http.RequestAborted)).Count;
        // Weeks begin on Monday 00:00 in the display time zone (WIB), not in UTC: a release on Monday 03:00 WIB is in that week.
        var weeks = Enumerable.Range(0, Weeks).Select(i => ui.Dates.WeekStart(ui.Now, Weeks - 1 - i)).ToList();
        var released = weeks.Select((w, i) => (w, rows.Count(r => r.Stage == Stage.Released && r.UpdatedAt >= w && (i == weeks.Count - 1 || r.UpdatedAt < weeks[i + 1])))).ToList();
        return await PageRenderer.PageAsync<DashboardPage>(http, new Dictionary<string, object?>
        {
            ["Ui"] = ui,
            ["Stages"] = stages,
            ["WaitingP2mi"] = p2mi,
            ["WaitingKemensos"] = kemensos,
            ["Released"] = released,
            ["Total"] = rows.Count,
        });
    });
}
