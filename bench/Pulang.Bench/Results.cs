using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pulang.Bench;

/// <summary>
/// One measurement of the suite: its value, and where it has one, its ratio (to a baseline measured in the same run, or to
/// the target value) and the target that ratio must meet.
/// </summary>
/// <param name="Group">Section: batch, engine, memory, approvers, scaling, micro.</param>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The value, in <paramref name="Unit"/>.</param>
/// <param name="Unit">s, ms, MB, pages/s, ns, ...</param>
/// <param name="Ratio">Value divided by <paramref name="RatioOf"/>, when there is one.</param>
/// <param name="RatioOf">What the ratio divides by (the baseline's name, or "target").</param>
/// <param name="Target">The target, in words (e.g. "&lt;= 1.10x").</param>
/// <param name="TargetRatio">The largest ratio that meets the target.</param>
public sealed record Measurement(string Group, string Name, double Value, string Unit, double? Ratio = null, string? RatioOf = null, string? Target = null, double? TargetRatio = null)
{
    /// <summary>True/false when there is a target, else null.</summary>
    public bool? Met => TargetRatio is { } t && Ratio is { } r ? r <= t : null;
}

/// <summary>The suite's results: the machine, when, how long, every measurement.</summary>
public sealed record SuiteResults(string Started, double DurationSeconds, IReadOnlyDictionary<string, string> Machine, IReadOnlyList<Measurement> Measurements, IReadOnlyList<string> Notes)
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>As JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads results written by <see cref="ToJson"/>.</summary>
    public static SuiteResults FromJson(string json) => JsonSerializer.Deserialize<SuiteResults>(json, Json)!;

    /// <summary>The table: group, measurement, value, ratio, target, met.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| group | measurement | value | ratio | target | met |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var m in Measurements)
        {
            var ratio = m.Ratio is { } r ? $"{r.ToString("0.00", CultureInfo.InvariantCulture)}x {m.RatioOf}" : "";
            var met = m.Met switch { true => "yes", false => "**no**", null => "" };
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {m.Group} | {m.Name} | {Format(m.Value)} {m.Unit} | {ratio} | {m.Target} | {met} |");
        }

        return sb.ToString();
    }

    static string Format(double v) => v switch
    {
        >= 1000 => v.ToString("0", CultureInfo.InvariantCulture),
        >= 100 => v.ToString("0.0", CultureInfo.InvariantCulture),
        >= 1 => v.ToString("0.00", CultureInfo.InvariantCulture),
        _ => v.ToString("0.000", CultureInfo.InvariantCulture),
    };

    /// <summary>Compares two runs measurement by measurement: value in each and the ratio b/a.</summary>
    public static string Compare(SuiteResults a, SuiteResults b)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"a: {a.Started} on {a.Machine.GetValueOrDefault("cpu")} ({a.Machine.GetValueOrDefault("cores")} cores)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"b: {b.Started} on {b.Machine.GetValueOrDefault("cpu")} ({b.Machine.GetValueOrDefault("cores")} cores)");
        sb.AppendLine("| group | measurement | a | b | b/a | ratio a | ratio b |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var mb in b.Measurements)
        {
            var ma = a.Measurements.FirstOrDefault(x => x.Group == mb.Group && x.Name == mb.Name);
            var change = ma is { Value: > 0 } ? (mb.Value / ma.Value).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {mb.Group} | {mb.Name} | {(ma is null ? "" : Format(ma.Value) + " " + ma.Unit)} | {Format(mb.Value)} {mb.Unit} | {change} | {ma?.Ratio?.ToString("0.00", CultureInfo.InvariantCulture)} | {mb.Ratio?.ToString("0.00", CultureInfo.InvariantCulture)} |");
        }

        return sb.ToString();
    }
}

/// <summary>Percentiles (nearest rank) of a sample.</summary>
public static class Stats
{
    /// <summary>The <paramref name="p"/>-th percentile (0..100) of <paramref name="values"/>; 0 for an empty sample.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
