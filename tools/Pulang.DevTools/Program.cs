using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Pulang.DevTools;
using Pulang.SelfHost;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

// pulang-dev accuracy | synth-passports | synth-papers — developer tools, see docs/accuracy.md.
var root = new RootCommand("Pulang developer tools: measure OCR and document reading against a ground truth, render fictional scans with a ground truth.");

var accuracyFolder = new Argument<DirectoryInfo>("folder") { Description = "Folder the ground truth's file paths are relative to." };
var accuracyTruth = new Argument<FileInfo>("ground_truth") { Description = "Ground truth in the format of shared/samples/ground_truth.json." };
accuracyFolder.AcceptExistingOnly();
accuracyTruth.AcceptExistingOnly();
var accuracyJson = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
var accuracyEngine = new Option<string?>("--engine") { Description = "OCR engine (tesseract or documentintelligence); default Pulang:Ocr:Engine, else tesseract." };
var accuracyParallel = new Option<int>("--parallel") { Description = "Scans read at once (default 1, so seconds per page is latency).", DefaultValueFactory = _ => 1 };
var accuracyCache = new Option<DirectoryInfo?>("--ocr-cache") { Description = "Keep each scan's OCR result as JSON in this folder and reuse it on the next run (to measure reader changes quickly; delete it when the OCR or the scans change)." };
var accuracy = new Command("accuracy", "Measure OCR + document reading against a ground truth: per-field exact rates, MRZ exact rate, false accepts, seconds per page.")
{
    accuracyFolder, accuracyTruth, accuracyJson, accuracyEngine, accuracyParallel, accuracyCache,
};
accuracy.TreatUnmatchedTokensAsErrors = false;
accuracy.SetAction(async (parse, ct) =>
{
    var overrides = new Dictionary<string, string?>();
    if (parse.GetValue(accuracyEngine) is { Length: > 0 } e) overrides["Pulang:Ocr:Engine"] = e;
    var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine([.. parse.UnmatchedTokens]).AddInMemoryCollection(overrides).Build();
    var engine = Pulang.Workflows.PulangServices.CreateOcrEngine(config);
    try
    {
        var report = new AccuracyReport(engine, parse.GetValue(accuracyParallel)) { OcrCache = parse.GetValue(accuracyCache)?.FullName };
        var result = await report.MeasureAsync(parse.GetValue(accuracyFolder)!.FullName, parse.GetValue(accuracyTruth)!.FullName, ct);
        Console.Write(parse.GetValue(accuracyJson) ? AccuracyReport.ToJson(result) + Environment.NewLine : AccuracyReport.ToText(result));
        return result.FalseAccepts == 0 ? 0 : 1;
    }
    finally
    {
        (engine as IDisposable)?.Dispose();
    }
});

var synthFolder = new Argument<DirectoryInfo>("folder") { Description = "Where to write the scans and ground_truth.json." };
var synthCount = new Option<int>("--count") { Description = "How many passports (default 120).", DefaultValueFactory = _ => 120 };
var synthSeed = new Option<int>("--seed") { Description = "Seed (default 1): the same seed gives the same set.", DefaultValueFactory = _ => 1 };
var synthCorrupt = new Option<int>("--corrupt-every") { Description = "Every N-th passport gets one MRZ character changed in the image (default 4; 0: none).", DefaultValueFactory = _ => 4 };
var synth = new Command("synth-passports", "Render fictional passport scans (TD3, OCR-B MRZ, 200/300 dpi, rotation, noise, JPEG) with a ground truth for 'accuracy'.")
{
    synthFolder, synthCount, synthSeed, synthCorrupt,
};
synth.SetAction(parse =>
{
    var truth = SyntheticPassports.WriteSet(parse.GetValue(synthFolder)!.FullName, parse.GetValue(synthCount), parse.GetValue(synthSeed), parse.GetValue(synthCorrupt));
    Console.WriteLine(truth);
});

var papersFolder = new Argument<DirectoryInfo>("folder") { Description = "Where to write the scans and ground_truth.json." };
var papersCount = new Option<int>("--count") { Description = "How many papers of each kind (default 100).", DefaultValueFactory = _ => 100 };
var papersSeed = new Option<int>("--seed") { Description = "Seed (default 1): the same seed gives the same set.", DefaultValueFactory = _ => 1 };
var papersKinds = new Option<string>("--kinds") { Description = "Comma-separated kinds among ktp, splp, kk (default all three).", DefaultValueFactory = _ => "ktp,splp,kk" };
var papersTruthOnly = new Option<bool>("--truth-only") { Description = "Write ground_truth.json only, rendering no scan (the same seed gives the same truth; for a set whose rendering was cut short)." };
var papers = new Command("synth-papers", "Render fictional KTP, SPLP and KK scans (every province, 200/300 dpi, rotation up to 3 degrees either way, blur, noise, JPEG 50-90, every 4th with one field altered) with a ground truth for 'accuracy'.")
{
    papersFolder, papersCount, papersSeed, papersKinds, papersTruthOnly,
};
papers.SetAction(parse =>
{
    var kinds = new List<DocumentKind>();
    foreach (var name in parse.GetValue(papersKinds)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        if (!DocumentKinds.TryParse(name, out var kind) || kind is not (DocumentKind.Ktp or DocumentKind.Splp or DocumentKind.Kk))
        {
            Console.Error.WriteLine($"--kinds: '{name}' is not one of ktp, splp, kk.");
            return 2;
        }
        kinds.Add(kind);
    }
    Console.WriteLine(SyntheticIdentityPapers.WriteSet(parse.GetValue(papersFolder)!.FullName, kinds, parse.GetValue(papersCount), parse.GetValue(papersSeed), parse.GetValue(papersTruthOnly)));
    return 0;
});

root.Subcommands.Add(accuracy);
root.Subcommands.Add(synth);
root.Subcommands.Add(papers);
return await root.Parse(args).InvokeAsync();
