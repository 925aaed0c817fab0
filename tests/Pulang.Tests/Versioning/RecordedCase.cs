using DurableTask.Core.History;
using Newtonsoft.Json.Linq;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Versioning;

/// <summary>
/// One recorded fixture (<c>tests/Pulang.Tests/Versioning/Histories/{version}/{name}.json</c>, written by
/// <c>scripts/record-histories.sh</c>): the history of a real case paused at a stage on the real self-host and Azurite,
/// the external events that carried that case on to its end in the same run, and the state it ended with.
/// The case is the fictional sample person (SRI RAHAYU WULANDARI, all data made up) with blank scans.
/// </summary>
/// <param name="Name">File name without extension, e.g. <c>signoff-pending</c>.</param>
/// <param name="Stage">The stage the case was paused at (shown stage).</param>
/// <param name="WorkflowVersion">The orchestration version the case ran on.</param>
/// <param name="History">The paused instance's history (DurableTask.Core events, as the provider returned them).</param>
/// <param name="Then">The external events that followed, in the order the instance received them.</param>
/// <param name="End">The state the real case ended with (the orchestration's output).</param>
public sealed record RecordedCase(string Name, Stage Stage, string WorkflowVersion, List<HistoryEvent> History, List<EventRaisedEvent> Then, CaseState End)
{
    /// <summary>The fixtures' folder in the repository (one folder per recorded workflow version).</summary>
    public static string Root => Path.Combine(TestPaths.RepositoryRoot, "tests", "Pulang.Tests", "Versioning", "Histories");

    /// <summary>The recorded workflow versions (the folders under <see cref="Root"/>), oldest first.</summary>
    public static IReadOnlyList<string> Versions =>
        [.. Directory.GetDirectories(Root).Select(Path.GetFileName).Order(Comparer<string?>.Create((a, b) => DurableTask.Core.Settings.VersioningSettings.CompareVersions(a!, b!)))!];

    /// <summary>The fixture names, one per paused stage.</summary>
    public static readonly IReadOnlyList<string> Names = ["documents-pending", "assessment-pending", "signoff-pending", "on-hold"];

    /// <summary>Reads fixture <paramref name="name"/> of <paramref name="version"/>.</summary>
    public static RecordedCase Load(string version, string name)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(File.ReadAllText(Path.Combine(Root, version, name + ".json")))) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        var json = JObject.Load(reader);
        return new(name,
            Enum.Parse<Stage>(json.Value<string>("stage")!),
            json.Value<string>("workflowVersion")!,
            HistoryJson.Read((JArray)json["history"]!),
            [.. HistoryJson.Read((JArray)json["then"]!).Cast<EventRaisedEvent>()],
            System.Text.Json.JsonSerializer.Deserialize<CaseState>(json["end"]!.ToString(Newtonsoft.Json.Formatting.None), PulangJson.Options)!);
    }

    /// <summary>Writes a fixture (what <see cref="Load"/> reads).</summary>
    public static void Save(string name, Stage stage, string workflowVersion, IEnumerable<HistoryEvent> history, IEnumerable<EventRaisedEvent> then, string endJson)
    {
        var json = new JObject
        {
            ["stage"] = stage.ToString(),
            ["workflowVersion"] = workflowVersion,
            ["recordedWith"] = "scripts/record-histories.sh (the real self-host on Azurite; the fictional sample person)",
            ["history"] = HistoryJson.Write(history),
            ["then"] = HistoryJson.Write(then),
            ["end"] = JToken.ReadFrom(new Newtonsoft.Json.JsonTextReader(new StringReader(endJson)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None }),
        };
        var folder = Path.Combine(Root, workflowVersion);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name + ".json"), json.ToString(Newtonsoft.Json.Formatting.Indented) + "\n");
    }

    /// <summary>What must come out the same when a case is replayed to its end: stage, state version, dossier digest, and every decided command with its refusal code.</summary>
    public static string Outcome(CaseState state) =>
        $"{state.Stage} v{state.Version} digest={state.DossierDigest}\n" +
        string.Join('\n', state.History.Select(h => $"{h.CommandId} {h.Command} {h.Refusal?.Code ?? "accepted"}"));
}
