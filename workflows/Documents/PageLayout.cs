using Pulang.Workflows.Ocr;

namespace Pulang.Workflows.Documents;

/// <summary>
/// Visual rows of a page whose scan may be tilted: the page's skew (its <see cref="AnalyzedPage.Angle"/>, else estimated from the
/// words) is undone on the word centres before words are grouped into rows by their baseline position, so a label and its value stay
/// on one row at several degrees of tilt in either direction (a label and a value 60 mm apart drift 3 mm apart at 3 degrees, more
/// than a row's height on a KTP). Works for axis-aligned word boxes (Tesseract) and rotated word polygons (Document Intelligence).
/// </summary>
public static class PageLayout
{
    /// <summary>A word on the deskewed page: text, confidence, centre (deskewed, page units), height and width (page units).</summary>
    public sealed record PlacedWord(string Text, double Confidence, double X, double Y, double Height, double Width)
    {
        /// <summary>Left edge, deskewed.</summary>
        public double Left => X - Width / 2;
        /// <summary>Right edge, deskewed.</summary>
        public double Right => X + Width / 2;
    }

    /// <summary>The words of <paramref name="page"/> placed on the deskewed page (polygons of fewer than 8 numbers and empty words left out).</summary>
    /// <param name="page">The page.</param>
    /// <param name="angle">The skew used, degrees clockwise (<see cref="AnalyzedPage.Angle"/> or <see cref="EstimateAngle"/>).</param>
    public static List<PlacedWord> Place(AnalyzedPage page, out double angle)
    {
        ArgumentNullException.ThrowIfNull(page);
        var words = page.Words.Where(w => w.Polygon.Count >= 8 && !string.IsNullOrWhiteSpace(w.Content)).ToList();
        angle = page.Angle is { } a && Math.Abs(a) <= 45 ? a : EstimateAngle(words);
        var rad = angle * Math.PI / 180;
        double cos = Math.Cos(rad), sin = Math.Sin(rad);
        var placed = new List<PlacedWord>(words.Count);
        foreach (var w in words)
        {
            var p = w.Polygon;
            double cx = (p[0] + p[2] + p[4] + p[6]) / 4, cy = (p[1] + p[3] + p[5] + p[7]) / 4;
            // Width along the top edge and height along the left edge of the polygon; for an axis-aligned box of a tilted word, the
            // box is taller than the word by width·|sin|, which is taken off (but never below half the box).
            double width = Math.Sqrt(Sq(p[2] - p[0]) + Sq(p[3] - p[1])), height = Math.Sqrt(Sq(p[6] - p[0]) + Sq(p[7] - p[1]));
            var axisAligned = Math.Abs(p[3] - p[1]) < 1e-9 && Math.Abs(p[6] - p[0]) < 1e-9;
            if (axisAligned) height = Math.Max(height / 2, height - width * Math.Abs(sin));
            placed.Add(new PlacedWord(w.Content, w.Confidence, cx * cos + cy * sin, -cx * sin + cy * cos, height, width));
        }
        return placed;
    }

    static double Sq(double v) => v * v;

    /// <summary>
    /// The page's skew in degrees clockwise, from the words: for a rotated word polygon, the direction of its top edge; for axis-aligned
    /// boxes, the slope between each word and its nearest neighbour to the right on about the same line (gap under three heights,
    /// centres less than a height apart). The median of those, within ±10 degrees; 0 when fewer than 3 are found.
    /// </summary>
    public static double EstimateAngle(IReadOnlyList<AnalyzedWord> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var angles = new List<double>();
        var boxes = new List<(double L, double R, double Cy, double H, double Cx)>();
        foreach (var w in words)
        {
            var p = w.Polygon;
            if (p.Count < 8) continue;
            var axisAligned = Math.Abs(p[3] - p[1]) < 1e-9 && Math.Abs(p[6] - p[0]) < 1e-9;
            double width = Math.Sqrt(Sq(p[2] - p[0]) + Sq(p[3] - p[1]));
            if (!axisAligned)
            {
                if (width > 0 && w.Content.Length >= 3) angles.Add(Math.Atan2(p[3] - p[1], p[2] - p[0]) * 180 / Math.PI);
                continue;
            }
            boxes.Add((p[0], p[2], (p[1] + p[5]) / 2, p[5] - p[1], (p[0] + p[2]) / 2));
        }
        if (angles.Count < 3)
        {
            foreach (var b in boxes)
            {
                (double L, double R, double Cy, double H, double Cx)? best = null;
                foreach (var o in boxes)
                {
                    var gap = o.L - b.R;
                    if (gap < -0.1 * b.H || gap > 3 * b.H || Math.Abs(o.Cy - b.Cy) > 0.8 * Math.Min(b.H, o.H)) continue;
                    if (Math.Abs(o.H - b.H) > 0.35 * Math.Max(o.H, b.H)) continue;
                    if (best is null || o.L < best.Value.L) best = o;
                }
                if (best is { } n && n.Cx - b.Cx > b.H) angles.Add(Math.Atan2(n.Cy - b.Cy, n.Cx - b.Cx) * 180 / Math.PI);
            }
        }
        angles = angles.Where(x => Math.Abs(x) <= 10).Order().ToList();
        return angles.Count < 3 ? 0 : angles[angles.Count / 2];
    }

    /// <summary>
    /// Groups placed words into rows by their deskewed centre line: a word joins the row whose mean centre is within half the row's
    /// median word height; rows top to bottom, words left to right.
    /// </summary>
    public static List<List<PlacedWord>> Rows(IReadOnlyList<PlacedWord> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var rows = new List<List<PlacedWord>>();
        var current = new List<PlacedWord>();
        double centre = 0, height = 0;
        foreach (var w in words.OrderBy(w => w.Y))
        {
            if (current.Count > 0 && Math.Abs(w.Y - centre) > 0.5 * Math.Max(height, 0.6 * w.Height))
            {
                rows.Add([.. current.OrderBy(x => x.X)]);
                current.Clear();
            }
            current.Add(w);
            centre = current.Average(x => x.Y);
            height = Median(current.Select(x => x.Height));
        }
        if (current.Count > 0) rows.Add([.. current.OrderBy(x => x.X)]);
        return rows;
    }

    static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? 0 : v[v.Count / 2];
    }
}
