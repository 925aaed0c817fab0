using System.Globalization;
using System.Net;
using System.Text;

namespace Pulang.Web.Shared;

/// <summary>A bar chart as inline SVG, drawn on the server (no script, no style attributes: presentation attributes only).</summary>
public static class BarChart
{
    /// <summary>
    /// An SVG (760 × 240 user units, scaled to the page width) with one bar per <paramref name="bars"/> entry, its value above it and its
    /// label below; <paramref name="title"/> and a text description listing every value make it readable without sight.
    /// </summary>
    public static string Svg(string title, IReadOnlyList<(string Label, int Value)> bars)
    {
        const int width = 760, height = 240, slot = 88, bottom = 30;
        var max = bars.Count == 0 ? 0 : bars.Max(b => b.Value);
        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        static string E(string s) => WebUtility.HtmlEncode(s);
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" viewBox=\"0 0 {width} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append($"<title id=\"chart-title\">{E(title)}</title>");
        svg.Append($"<desc id=\"chart-desc\">{E(string.Join("; ", bars.Select(b => $"{b.Label}: {b.Value}")))}</desc>");
        svg.Append($"<line x1=\"40\" y1=\"{height - bottom}\" x2=\"{width}\" y2=\"{height - bottom}\" stroke=\"currentColor\" stroke-width=\"1\"/>");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var bar = max == 0 ? 0 : (height - 60) * value / (double)max;
            var x = 50 + (i * slot);
            var middle = x + ((slot - 12) / 2.0);
            svg.Append($"<rect x=\"{x}\" y=\"{F(height - bottom - bar)}\" width=\"{slot - 12}\" height=\"{F(bar)}\" fill=\"#1e88e5\"/>");
            svg.Append($"<text x=\"{F(middle)}\" y=\"{F(height - bottom - 4 - bar)}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\">{value}</text>");
            svg.Append($"<text x=\"{F(middle)}\" y=\"{height - 12}\" text-anchor=\"middle\" font-size=\"11\" fill=\"currentColor\">{E(label)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
