using System.Collections.Concurrent;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// Accessibility checks with axe-core (<c>Deque.AxeCore.Playwright</c>, the axe script shipped in the package): every page
/// a browser test visits is checked, and any violation of impact <c>serious</c> or <c>critical</c> fails the test with the
/// rule, its help text and the offending elements. Minor and moderate ones are counted in the <see cref="AxeLedger"/>.
/// </summary>
public static class Axe
{
    /// <summary>The impacts that fail a test.</summary>
    public static readonly string[] FailingImpacts = ["serious", "critical"];

    /// <summary>
    /// Runs axe on <paramref name="page"/> as it is now, records the result under <paramref name="name"/> (a page's name,
    /// e.g. <c>inbox</c>, never a URL with personal data) and throws when a serious or critical violation is found.
    /// </summary>
    public static async Task AssertAccessibleAsync(this IPage page, AxeLedger ledger, string name)
    {
        var result = await page.RunAxe();
        ledger.Record(name, result);
        var failing = result.Violations.Where(v => FailingImpacts.Contains(v.Impact)).ToList();
        if (failing.Count > 0)
        {
            var lines = failing.Select(v => $"- {v.Impact} {v.Id}: {v.Help} ({v.HelpUrl})\n" +
                string.Join('\n', v.Nodes.Take(5).Select(n => $"    {string.Join(" ", n.Target?.ToString() ?? "")}: {Trim(n.Html)}")));
            throw new Xunit.Sdk.XunitException($"axe found {failing.Count} serious/critical violation(s) on '{name}' ({page.Url}):\n{string.Join('\n', lines)}");
        }
    }

    static string Trim(string? html) => html is null ? "" : html.Length <= 160 ? html : html[..160] + "...";
}

/// <summary>The axe results per page name over a test run: violations by impact, and the rules that were hit.</summary>
public sealed class AxeLedger
{
    readonly ConcurrentDictionary<string, (int Runs, Dictionary<string, int> ByImpact, SortedSet<string> Rules)> pages = new();

    /// <summary>Adds one axe run of page <paramref name="name"/>.</summary>
    public void Record(string name, AxeResult result)
    {
        var entry = pages.GetOrAdd(name, _ => (0, new Dictionary<string, int>(), new SortedSet<string>()));
        lock (entry.Rules)
        {
            foreach (var v in result.Violations)
            {
                var impact = v.Impact ?? "unknown";
                entry.ByImpact[impact] = entry.ByImpact.GetValueOrDefault(impact) + v.Nodes.Length;
                entry.Rules.Add($"{v.Id} ({impact})");
            }

            pages[name] = (entry.Runs + 1, entry.ByImpact, entry.Rules);
        }
    }

    /// <summary>One line per page: runs, violations (elements) by impact, the rules hit.</summary>
    public string Summary() => string.Join('\n', pages.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        $"{p.Key}: {p.Value.Runs} run(s); " +
        (p.Value.ByImpact.Count == 0 ? "no violations" : string.Join(", ", p.Value.ByImpact.OrderBy(i => i.Key).Select(i => $"{i.Value} {i.Key}")) + " — " + string.Join(", ", p.Value.Rules))));

    /// <summary>Writes <see cref="Summary"/> to <paramref name="file"/> (nothing when no page was checked).</summary>
    public void WriteSummary(string file)
    {
        if (!pages.IsEmpty)
        {
            File.WriteAllText(file, Summary() + "\n");
        }
    }
}
