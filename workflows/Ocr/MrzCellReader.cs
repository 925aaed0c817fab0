using SkiaSharp;

namespace Pulang.Workflows.Ocr;

/// <summary>One character cell of an MRZ line as classified: the best reference glyph and the runner-up among the glyphs the
/// cell's position allows, with their normalized cross-correlation scores (-1..1, 1 = identical up to brightness and contrast).</summary>
/// <param name="Best">The best-matching character (0-9, A-Z or '&lt;').</param>
/// <param name="Score">Its score.</param>
/// <param name="Second">The runner-up character; '\0' when the position allows only one character.</param>
/// <param name="SecondScore">The runner-up's score (-1 when there is none).</param>
public readonly record struct MrzCell(char Best, double Score, char Second, double SecondScore)
{
    /// <summary>Best minus runner-up score: how clearly the cell was read.</summary>
    public double Margin => Score - SecondScore;
}

/// <summary>
/// The MRZ as read by <see cref="MrzCellReader"/>: the best character of every cell, line by line, and the cells themselves.
/// </summary>
/// <param name="Lines">The lines (top to bottom), each exactly as many characters as the format has cells per line.</param>
/// <param name="Cells">Per line, per cell (same shape as <see cref="Lines"/>).</param>
/// <param name="SkewDegrees">The text's estimated rotation on the page (positive: lines fall to the right).</param>
public sealed record MrzCellReading(IReadOnlyList<string> Lines, IReadOnlyList<IReadOnlyList<MrzCell>> Cells, double SkewDegrees)
{
    /// <summary>The lowest best-score over all cells.</summary>
    public double MinScore => Cells.SelectMany(l => l).Min(c => c.Score);

    /// <summary>The smallest best-minus-runner-up margin over all cells.</summary>
    public double MinMargin => Cells.SelectMany(l => l).Where(c => c.Second != '\0').Select(c => c.Margin).DefaultIfEmpty(1).Min();
}

/// <summary>
/// A fixed-pitch MRZ recognizer for OCR-B (ICAO Doc 9303 Part 3 §4.3; TD3 layout Part 4 §4.2.2): the MRZ is a grid of equal cells,
/// so instead of general OCR it
/// <list type="number">
/// <item>binarizes the page with a local-mean threshold (uneven light) and finds its connected components;</item>
/// <item>estimates the text skew from the components' centres (projection profile, -4 to 4 degrees, 0.02 degree resolution);</item>
/// <item>groups the components into text lines and takes the lowest lines whose character count and pitch fit the format
/// (TD3: two lines of 44 cells), fitting each line's cell grid (origin, pitch) and cap-height band by least squares;</item>
/// <item>samples every cell into a normalized grid (cap height 28 pixels), and compares it by normalized cross-correlation, over
/// small shifts, with OCR-B reference glyphs rendered from the font file (<see cref="OcrBFont"/>), restricted to the characters
/// the position allows (digits where the format puts digits, letters and '&lt;' in names and state codes, F/M/&lt; for sex).</item>
/// </list>
/// The best and the runner-up glyph of every cell are kept, so that corrections can be limited to cells that were read unclearly and
/// proven by the check digits (<c>Mrz.ResolveTd3</c>). Thread-safe; templates are cached per cell geometry.
/// </summary>
public sealed class MrzCellReader
{
    const int CapGrid = 28;   // cap height in normalized grid pixels
    const int MarginGrid = 5; // rows above and below the cap band
    const int Shift = 2;      // shift search, grid pixels each way
    const int Oversample = 4; // template rendering resolution

    readonly double advanceGrid; // OCR-B advance (the pitch) in grid pixels when the cap height is CapGrid

    readonly SKTypeface typeface;
    readonly Dictionary<int, Dictionary<char, float[]>> templates = [];

    /// <summary>Creates a reader with the OCR-B font at <paramref name="fontPath"/> (see <see cref="OcrBFont.Locate"/>).</summary>
    /// <exception cref="OcrException">The font cannot be read.</exception>
    public MrzCellReader(string fontPath)
    {
        typeface = OcrBFont.Load(fontPath);
        using var font = new SKFont(typeface, 100);
        font.MeasureText("H", out var hBounds);
        advanceGrid = font.MeasureText("H") * CapGrid / hBounds.Height;
    }

    /// <summary>
    /// Reads an MRZ of <paramref name="pattern"/>'s shape from <paramref name="page"/>.
    /// </summary>
    /// <param name="page">The decoded page (any Skia colour type), pixels.</param>
    /// <param name="pattern">One string per MRZ line, one code per cell: <c>9</c> digit, <c>8</c> digit or '&lt;', <c>A</c> letter or '&lt;',
    /// <c>a</c> any MRZ character, <c>s</c> F, M or '&lt;' (e.g. <see cref="Mrz.Td3Pattern"/>).</param>
    /// <returns>The reading, or null when no group of lines of that shape is found on the page.</returns>
    public MrzCellReading? Read(SKBitmap page, IReadOnlyList<string> pattern)
    {
        var (gray, w, h) = Gray(page);
        var comps = Components(gray, w, h);
        if (comps.Count < pattern.Sum(p => p.Length) / 2) return null;

        var theta = EstimateSkew(comps, w);
        double c = Math.Cos(theta), s = Math.Sin(theta);
        foreach (var k in comps) { k.Xr = k.Cx * c + k.Cy * s; k.Yr = -k.Cx * s + k.Cy * c; }

        var lines = FindLines(comps, pattern, out var pitch);
        if (lines is null) return null;

        var cells = new List<IReadOnlyList<MrzCell>>();
        var texts = new List<string>();
        for (var li = 0; li < pattern.Count; li++)
        {
            var (origin, members) = lines[li];
            var n = pattern[li].Length;
            // Cap band of the line: top and bottom of its tall glyphs (digits and letters), linear in x' for residual skew.
            var tallLimit = Percentile(members.Select(m => (double)m.Height).ToList(), 0.7) * 0.85;
            var tall = members.Where(m => m.Height >= tallLimit).ToList();
            var (t0, t1) = Fit(tall.Select(m => (m.Xr, -m.Cx * s + m.MinY * c)).ToList());
            var (b0, b1) = Fit(tall.Select(m => (m.Xr, -m.Cx * s + (m.MaxY + 1) * c)).ToList());
            var lineCells = new MrzCell[n];
            var sb = new char[n];
            // Glyph scale (page pixels per grid pixel): horizontally from the pitch (fitted over the whole line, unbiased by blur: the
            // cell is one OCR-B advance wide); vertically, printers do not keep OCR-B's height-to-pitch ratio exactly and blur widens
            // the inked cap band, so it is searched between the two estimates (pitch and cap height): the one whose glyphs match
            // every fourth cell best on average wins.
            var midX = origin + pitch * (n - 1) / 2;
            var capScale = (b0 + b1 * midX - (t0 + t1 * midX)) / CapGrid;
            var pitchScale = pitch / advanceGrid;
            double lo = Math.Min(capScale, pitchScale) * 0.94, hi = Math.Max(capScale, pitchScale) * 1.02;
            double scale = pitchScale, bestMean = double.MinValue;
            for (var step = 0; step <= 8; step++)
            {
                var candidate = lo * Math.Pow(hi / lo, step / 8.0);
                double sum = 0;
                for (var k = 0; k < n; k += 4)
                {
                    var xr = origin + pitch * k;
                    sum += Classify(gray, w, h, xr, (t0 + t1 * xr + b0 + b1 * xr) / 2, pitchScale, candidate, c, s, pattern[li][k]).Score;
                }
                if (sum > bestMean) { bestMean = sum; scale = candidate; }
            }
            for (var k = 0; k < n; k++)
            {
                var xr = origin + pitch * k;
                var cell = Classify(gray, w, h, xr, (t0 + t1 * xr + b0 + b1 * xr) / 2, pitchScale, scale, c, s, pattern[li][k]);
                lineCells[k] = cell;
                sb[k] = cell.Best;
            }
            cells.Add(lineCells);
            texts.Add(new string(sb));
        }
        return new MrzCellReading(texts, cells, theta * 180 / Math.PI);
    }

    // ---------- image ----------

    static (float[] Gray, int W, int H) Gray(SKBitmap page)
    {
        int w = page.Width, h = page.Height;
        var g = new float[w * h];
        if (page.ColorType == SKColorType.Gray8)
        {
            var px = page.GetPixelSpan();
            for (var i = 0; i < g.Length; i++) g[i] = px[i];
            return (g, w, h);
        }
        using var rgba = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (!page.CopyTo(rgba, SKColorType.Rgba8888))
        {
            using var canvas = new SKCanvas(rgba);
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(page, 0, 0);
        }
        var p = rgba.GetPixelSpan();
        for (int i = 0, j = 0; i < g.Length; i++, j += 4) g[i] = (p[j] * 299 + p[j + 1] * 587 + p[j + 2] * 114) / 1000f;
        return (g, w, h);
    }

    sealed class Comp
    {
        public int MinX = int.MaxValue, MinY = int.MaxValue, MaxX = -1, MaxY = -1, Area;
        public int Height => MaxY - MinY + 1;
        public int Width => MaxX - MinX + 1;
        public double Cx => (MinX + MaxX + 1) / 2.0;
        public double Cy => (MinY + MaxY + 1) / 2.0;
        public double Xr, Yr;
    }

    /// <summary>Connected components (8-connected) of pixels darker than their local mean by 12% and 15 levels, of character-like size.</summary>
    static List<Comp> Components(float[] g, int w, int h)
    {
        // Integral image for the local mean over a window about one character wide.
        var r = Math.Max(6, w / 50);
        var integral = new double[(w + 1) * (h + 1)];
        for (var y = 0; y < h; y++)
        {
            double row = 0;
            for (var x = 0; x < w; x++)
            {
                row += g[y * w + x];
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
            }
        }
        var dark = new bool[w * h];
        for (var y = 0; y < h; y++)
        {
            int y0 = Math.Max(0, y - r), y1 = Math.Min(h, y + r + 1);
            for (var x = 0; x < w; x++)
            {
                int x0 = Math.Max(0, x - r), x1 = Math.Min(w, x + r + 1);
                var sum = integral[y1 * (w + 1) + x1] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0] + integral[y0 * (w + 1) + x0];
                var mean = sum / ((x1 - x0) * (y1 - y0));
                var v = g[y * w + x];
                dark[y * w + x] = v < mean * 0.88 && v < mean - 15;
            }
        }

        var comps = new List<Comp>();
        var seen = new bool[w * h];
        var stack = new Stack<int>();
        int minH = Math.Max(4, w / 160), maxH = w / 12;
        for (var start = 0; start < dark.Length; start++)
        {
            if (!dark[start] || seen[start]) continue;
            var comp = new Comp();
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var i = stack.Pop();
                int x = i % w, y = i / w;
                comp.Area++;
                if (x < comp.MinX) comp.MinX = x;
                if (x > comp.MaxX) comp.MaxX = x;
                if (y < comp.MinY) comp.MinY = y;
                if (y > comp.MaxY) comp.MaxY = y;
                for (var dy = -1; dy <= 1; dy++)
                for (var dx = -1; dx <= 1; dx++)
                {
                    int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                    var j = ny * w + nx;
                    if (dark[j] && !seen[j]) { seen[j] = true; stack.Push(j); }
                }
            }
            if (comp.Height >= minH && comp.Height <= maxH && comp.Width <= comp.Height * 1.6 && comp.Width >= 2)
                comps.Add(comp);
        }
        return comps;
    }

    /// <summary>Skew (radians) maximizing the sharpness of the histogram of the components' rotated vertical centres.</summary>
    static double EstimateSkew(List<Comp> comps, int width)
    {
        var medianH = Percentile(comps.Select(k => (double)k.Height).ToList(), 0.5);
        var bin = Math.Max(2.0, medianH / 4);
        double Score(double deg)
        {
            var t = deg * Math.PI / 180;
            double c = Math.Cos(t), s = Math.Sin(t);
            var counts = new Dictionary<int, int>();
            foreach (var k in comps)
            {
                var b = (int)Math.Floor((-k.Cx * s + k.Cy * c) / bin);
                counts[b] = counts.GetValueOrDefault(b) + 1;
            }
            return counts.Values.Sum(v => (double)v * v);
        }
        double best = 0, bestScore = -1;
        for (var d = -4.0; d <= 4.0001; d += 0.1)
        {
            var sc = Score(d);
            if (sc > bestScore) { bestScore = sc; best = d; }
        }
        var coarse = best;
        for (var d = coarse - 0.1; d <= coarse + 0.1001; d += 0.02)
        {
            var sc = Score(d);
            if (sc > bestScore) { bestScore = sc; best = d; }
        }
        return best * Math.PI / 180;
    }

    /// <summary>
    /// Groups components into text lines (rotated coordinates) and returns the lowest run of consecutive lines matching the pattern:
    /// per line its grid origin (x' of cell 0's centre) and members, and the common pitch. Null when none fits.
    /// </summary>
    static List<(double Origin, List<Comp> Members)>? FindLines(List<Comp> comps, IReadOnlyList<string> pattern, out double pitch)
    {
        pitch = 0;
        var medianH = Percentile(comps.Select(k => (double)k.Height).ToList(), 0.5);
        var sorted = comps.OrderBy(k => k.Yr).ToList();
        var rows = new List<List<Comp>>();
        foreach (var k in sorted)
        {
            if (rows.Count == 0 || k.Yr - rows[^1].Average(m => m.Yr) > Math.Max(3, rows[^1].Max(m => m.Height) * 0.45)) rows.Add([k]);
            else rows[^1].Add(k);
        }

        // Candidate MRZ lines: runs of closely spaced components in a row (split where the gap is wider than a character).
        var candidates = new List<(double Y, double Height, double Pitch, List<Comp> Members)>();
        foreach (var row in rows)
        {
            var byX = row.OrderBy(m => m.Xr).ToList();
            var run = new List<Comp>();
            void Flush()
            {
                if (run.Count >= 20)
                {
                    var height = Percentile(run.Select(m => (double)m.Height).ToList(), 0.7);
                    var diffs = run.Zip(run.Skip(1), (a, b) => b.Xr - a.Xr).Where(d => d > height * 0.35).ToList();
                    if (diffs.Count > 10)
                    {
                        var p = Percentile(diffs, 0.5);
                        candidates.Add((run.Average(m => m.Yr), height, p, [.. run]));
                    }
                }
                run.Clear();
            }
            foreach (var m in byX)
            {
                if (run.Count > 0)
                {
                    var gap = m.MinX - run[^1].MaxX; // page x; skew of a few degrees changes it little
                    if (gap > run.Max(q => q.Height) * 1.1) Flush();
                }
                run.Add(m);
            }
            Flush();
        }

        // From the bottom up: the first run of pattern.Count candidate lines, evenly spaced, of one pitch, each of its cell count.
        candidates = candidates.OrderBy(x => x.Y).ToList();
        for (var last = candidates.Count - 1; last >= pattern.Count - 1; last--)
        {
            var group = candidates.Skip(last - pattern.Count + 1).Take(pattern.Count).ToList();
            var p = Percentile(group.Select(g => g.Pitch).ToList(), 0.5);
            var ok = true;
            for (var i = 1; i < group.Count && ok; i++)
            {
                var dy = group[i].Y - group[i - 1].Y;
                ok = dy > group[i].Height * 1.1 && dy < group[i].Height * 3.5;
            }
            if (!ok || group.Any(g => Math.Abs(g.Pitch - p) > p * 0.15)) continue;
            var result = new List<(double, List<Comp>)>();
            var pitches = new List<(double K, double X)>[group.Count];
            for (var i = 0; i < group.Count && ok; i++)
            {
                var fit = FitGrid(group[i].Members, p, pattern[i].Length);
                if (fit is null) { ok = false; break; }
                result.Add((fit.Value.Origin, fit.Value.Members));
                pitches[i] = fit.Value.Points;
            }
            if (!ok) continue;
            // Common pitch: least squares over all lines (each with its own origin).
            double num = 0, den = 0;
            for (var i = 0; i < group.Count; i++)
            {
                var pts = pitches[i];
                double mk = pts.Average(q => q.K), mx = pts.Average(q => q.X);
                num += pts.Sum(q => (q.K - mk) * (q.X - mx));
                den += pts.Sum(q => (q.K - mk) * (q.K - mk));
            }
            pitch = num / den;
            for (var i = 0; i < group.Count; i++)
            {
                var pts = pitches[i];
                result[i] = (pts.Average(q => q.X) - pitch * pts.Average(q => q.K), result[i].Item2);
            }
            return result;
        }
        return null;
    }

    /// <summary>
    /// Fits <c>x' = origin + pitch * k</c> to a line's components for cells k = 0..n-1: components are assigned to the nearest cell;
    /// stray marks beyond the ends (fewer pixels than the smallest glyph) are dropped. Null when the line does not span n cells.
    /// </summary>
    static (double Origin, List<Comp> Members, List<(double K, double X)> Points)? FitGrid(List<Comp> members, double pitch, int n)
    {
        var list = members.OrderBy(m => m.Xr).ToList();
        var medianArea = Percentile(list.Select(m => (double)m.Area).ToList(), 0.5);
        for (var attempt = 0; attempt < 6; attempt++)
        {
            if (list.Count < n / 2) return null;
            var first = list[0].Xr;
            var span = (list[^1].Xr - first) / pitch;
            var cellsSpanned = (int)Math.Round(span) + 1;
            if (cellsSpanned == n)
            {
                // Refine: assign k by rounding, least squares, twice.
                double origin = first, p = pitch;
                List<(double K, double X)> pts = [];
                for (var iter = 0; iter < 3; iter++)
                {
                    pts = list.Select(m => ((double)Math.Round((m.Xr - origin) / p), m.Xr)).ToList();
                    double mk = pts.Average(q => q.Item1), mx = pts.Average(q => q.Item2);
                    var den = pts.Sum(q => (q.Item1 - mk) * (q.Item1 - mk));
                    if (den <= 0) return null;
                    p = pts.Sum(q => (q.Item1 - mk) * (q.Item2 - mx)) / den;
                    origin = mx - p * mk;
                }
                if (pts.Min(q => q.K) != 0 || pts.Max(q => q.K) != n - 1) return null;
                return (origin, list, pts);
            }
            if (cellsSpanned < n) return null;
            // Too long: drop the smaller end mark if it is small (dust, a stray mark), else give up.
            var drop = list[0].Area < list[^1].Area ? 0 : list.Count - 1;
            if (list[drop].Area > medianArea * 0.5 && !(list[drop].Height < list.Max(m => m.Height) * 0.4)) return null;
            list.RemoveAt(drop);
        }
        return null;
    }

    static (double A, double B) Fit(List<(double X, double Y)> pts)
    {
        if (pts.Count == 0) return (0, 0);
        double mx = pts.Average(p => p.X), my = pts.Average(p => p.Y);
        var den = pts.Sum(p => (p.X - mx) * (p.X - mx));
        var b = den <= 0 ? 0 : pts.Sum(p => (p.X - mx) * (p.Y - my)) / den;
        return (my - b * mx, b);
    }

    static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0) return 0;
        values.Sort();
        return values[(int)Math.Clamp(Math.Round(q * (values.Count - 1)), 0, values.Count - 1)];
    }

    // ---------- classification ----------

    static string Allowed(char code) => code switch
    {
        '9' => "0123456789",
        '8' => "0123456789<",
        'A' => "ABCDEFGHIJKLMNOPQRSTUVWXYZ<",
        's' => "FM<",
        _ => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<",
    };

    /// <summary>Classifies the cell centred at (<paramref name="xr"/>, <paramref name="midY"/>) in rotated page coordinates, at
    /// <paramref name="scaleX"/> and <paramref name="scale"/> (vertical) page pixels per grid pixel.</summary>
    MrzCell Classify(float[] g, int w, int h, double xr, double midY, double scaleX, double scale, double c, double s, char code)
    {
        // The cap band's middle (blur spreads it evenly up and down) places the glyph vertically.
        var gw = (int)Math.Round(advanceGrid) + 8;
        var top = midY - CapGrid / 2.0 * scale;
        var gh = CapGrid + 2 * MarginGrid;
        var tpl = Templates(gw);
        int sw = gw + 2 * Shift, sh = gh + 2 * Shift;

        // Sample the window (with the shift margin) at 2x2 points per grid pixel.
        var win = new float[sw * sh];
        for (var v = 0; v < sh; v++)
        for (var u = 0; u < sw; u++)
        {
            double acc = 0;
            for (var sy = 0; sy < 2; sy++)
            for (var sx = 0; sx < 2; sx++)
            {
                var dxr = (u - Shift - gw / 2.0 + (sx + 0.5) / 2) * scaleX;
                var yr = top + (v - Shift - MarginGrid + (sy + 0.5) / 2) * scale;
                var x = (xr + dxr) * c - yr * s;
                var y = (xr + dxr) * s + yr * c;
                acc += Bilinear(g, w, h, x, y);
            }
            win[v * sw + u] = (float)(acc / 4);
        }

        var allowed = Allowed(code);
        var best = new double[allowed.Length];
        Array.Fill(best, -2);
        var n = gw * gh;
        for (var dy = 0; dy <= 2 * Shift; dy++)
        for (var dx = 0; dx <= 2 * Shift; dx++)
        {
            double sum = 0, sumSq = 0;
            for (var v = 0; v < gh; v++)
            {
                var row = (v + dy) * sw + dx;
                for (var u = 0; u < gw; u++) { double x = win[row + u]; sum += x; sumSq += x * x; }
            }
            var variance = sumSq - sum * sum / n;
            if (variance <= 1e-6) continue;
            var norm = Math.Sqrt(variance);
            for (var ci = 0; ci < allowed.Length; ci++)
            {
                var t = tpl[allowed[ci]];
                double dot = 0;
                for (var v = 0; v < gh; v++)
                {
                    var row = (v + dy) * sw + dx;
                    var trow = v * gw;
                    for (var u = 0; u < gw; u++) dot += t[trow + u] * win[row + u];
                }
                var score = dot / norm;
                if (score > best[ci]) best[ci] = score;
            }
        }
        int b1 = -1, b2 = -1;
        for (var i = 0; i < best.Length; i++)
        {
            if (b1 < 0 || best[i] > best[b1]) { b2 = b1; b1 = i; }
            else if (b2 < 0 || best[i] > best[b2]) b2 = i;
        }
        return new MrzCell(allowed[b1], best[b1], b2 < 0 ? '\0' : allowed[b2], b2 < 0 ? -1 : best[b2]);
    }

    static double Bilinear(float[] g, int w, int h, double x, double y)
    {
        x -= 0.5; y -= 0.5;
        var x0 = (int)Math.Floor(x);
        var y0 = (int)Math.Floor(y);
        double fx = x - x0, fy = y - y0;
        float P(int xx, int yy) => g[Math.Clamp(yy, 0, h - 1) * w + Math.Clamp(xx, 0, w - 1)];
        return (P(x0, y0) * (1 - fx) + P(x0 + 1, y0) * fx) * (1 - fy) + (P(x0, y0 + 1) * (1 - fx) + P(x0 + 1, y0 + 1) * fx) * fy;
    }

    /// <summary>Reference glyphs for a cell <paramref name="gw"/> grid pixels wide: zero-mean, unit-norm, dark ink on white.</summary>
    Dictionary<char, float[]> Templates(int gw)
    {
        lock (templates)
        {
            if (templates.TryGetValue(gw, out var cached)) return cached;
            var gh = CapGrid + 2 * MarginGrid;
            var result = new Dictionary<char, float[]>();
            using var font = new SKFont(typeface, 100) { Edging = SKFontEdging.Antialias, Subpixel = true };
            font.MeasureText("H", out var hBounds);
            font.Size = 100f * CapGrid * Oversample / hBounds.Height;
            var advance = font.MeasureText("H");
            foreach (var ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")
            {
                using var bmp = new SKBitmap(new SKImageInfo(gw * Oversample, gh * Oversample, SKColorType.Rgba8888, SKAlphaType.Premul));
                using (var canvas = new SKCanvas(bmp))
                using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
                {
                    canvas.Clear(SKColors.White);
                    canvas.DrawText(ch.ToString(), gw * Oversample / 2f - advance / 2, (MarginGrid + CapGrid) * Oversample, SKTextAlign.Left, font, paint);
                }
                var px = bmp.GetPixelSpan();
                var t = new float[gw * gh];
                for (var v = 0; v < gh; v++)
                for (var u = 0; u < gw; u++)
                {
                    double acc = 0;
                    for (var sy = 0; sy < Oversample; sy++)
                    for (var sx = 0; sx < Oversample; sx++)
                        acc += px[((v * Oversample + sy) * gw * Oversample + u * Oversample + sx) * 4 + 1];
                    t[v * gw + u] = (float)(acc / (Oversample * Oversample));
                }
                var mean = t.Average();
                double ss = 0;
                for (var i = 0; i < t.Length; i++) { t[i] -= mean; ss += t[i] * t[i]; }
                var inv = (float)(1 / Math.Sqrt(ss));
                for (var i = 0; i < t.Length; i++) t[i] *= inv;
                result[ch] = t;
            }
            templates[gw] = result;
            return result;
        }
    }
}
