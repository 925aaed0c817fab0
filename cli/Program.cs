using System.CommandLine;
using System.Text.Json;
using Pulang.Cli;
using Spectre.Console;

// pulang login | cases | case | upload | upload-batch | manifest | letter | verify-letter — see docs/cli.md.
var json = new Option<bool>("--json") { Description = "Print the result as JSON on standard output (lines for people go to standard error).", Recursive = true };
var server = new Option<string?>("--server") { Description = $"Service URL (default: the one signed in to, else {Session.DefaultServer}).", Recursive = true };
var root = new RootCommand("Pulang staff CLI: sign in, list cases, upload scans (whole groups, with progress, resumable), submit manifests, check release letters. " + ExitCodes.Help)
{
    json, server,
};

var user = new Option<string?>("--user") { Description = "Local demo user (asked for on a terminal when not given)." };
var dataDir = new Option<string?>("--data-dir") { Description = "The local service's data directory (default: Pulang__DataDirectory, else the nearest .pulang/ above this folder)." };
var entra = new Option<bool>("--entra") { Description = "Sign in with Entra ID (device code flow) instead of the local issuer." };
var tenant = new Option<string?>("--tenant") { Description = "Entra ID tenant (ID or domain) for --entra." };
var clientId = new Option<string?>("--client-id") { Description = "The public client app's ID for --entra (device code flow allowed)." };
var scope = new Option<string>("--scope") { Description = "Scope for --entra.", DefaultValueFactory = _ => "api://pulang/.default" };
var login = new Command("login", "Sign in: a local demo user (the token is minted here from the local service's key file), or Entra ID with --entra.") { user, dataDir, entra, tenant, clientId, scope };
login.SetAction((parse, ct) => Run(parse, async output =>
{
    var url = parse.GetValue(server) ?? Session.Load().Server;
    if (parse.GetValue(entra))
    {
        if (parse.GetValue(tenant) is not { } t || parse.GetValue(clientId) is not { } c)
        {
            throw new CliException(ExitCodes.Usage, "--entra needs --tenant and --client-id.");
        }

        await Login.EntraAsync(url, t, c, parse.GetValue(scope)!, Console.Error, ct);
    }
    else
    {
        await Login.LocalAsync(url, parse.GetValue(user), parse.GetValue(dataDir), Console.Error, ct);
    }

    return ExitCodes.Ok;
}));

var stage = new Option<string?>("--stage") { Description = "Only cases in this stage (Registered, DocumentsPending, AssessmentPending, SignOffPending, OnHold, Released, Withdrawn)." };
var max = new Option<int>("--max") { Description = "Most cases (1-1000).", DefaultValueFactory = _ => 100 };
var cases = new Command("cases", "List cases, newest first.") { stage, max };
cases.SetAction((parse, ct) => Run(parse, async output =>
{
    using var api = Api.ForSession(Session.Load(), parse.GetValue(server));
    var query = $"api/cases?max={parse.GetValue(max)}" + (parse.GetValue(stage) is { } s ? $"&stage={Uri.EscapeDataString(s)}" : "");
    var result = await api.GetJsonAsync(query, ct);
    if (output.Json)
    {
        Output.WriteJson(result);
        return ExitCodes.Ok;
    }

    var table = new Table().AddColumns("Kasus", "Referensi", "Tahap", "Dibuka (UTC)", "Diubah (UTC)");
    foreach (var c in result.GetProperty("cases").EnumerateArray())
    {
        string[] cells = [c.GetProperty("caseId").GetString()!, c.GetProperty("externalReference").GetString()!, c.GetProperty("stage").ToString(),
            c.GetProperty("openedAt").GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm"), c.GetProperty("updatedAt").GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm")];
        if (output.Terminal) table.AddRow(cells.Select(Markup.Escape).ToArray());
        else output.Line(string.Join('\t', cells));
    }

    if (output.Terminal) AnsiConsole.Write(table);
    return ExitCodes.Ok;
}));

var caseId = new Argument<string>("caseId") { Description = "Case ID (PLG-...)." };
var show = new Command("case", "Show one case: stage, documents (kind, status, SHA-256), asesmen, sign-offs.") { caseId };
show.SetAction((parse, ct) => Run(parse, async output =>
{
    using var api = Api.ForSession(Session.Load(), parse.GetValue(server));
    var view = await api.GetJsonAsync($"api/cases/{Uri.EscapeDataString(parse.GetValue(caseId)!)}", ct);
    if (output.Json)
    {
        Output.WriteJson(view);
        return ExitCodes.Ok;
    }

    output.Line($"{view.GetProperty("caseId").GetString()}  {view.GetProperty("externalReference").GetString()}  tahap {view.GetProperty("stage")}");
    foreach (var d in view.GetProperty("documents").EnumerateArray())
    {
        output.Line($"  {d.GetProperty("documentId").GetString()}  {d.GetProperty("kind"),-16} {d.GetProperty("status"),-12} {d.GetProperty("sha256").GetString()![..16]}…");
    }

    if (view.TryGetProperty("signOffs", out var signOffs) && signOffs.ValueKind == JsonValueKind.Array)
    {
        foreach (var s in signOffs.EnumerateArray())
        {
            output.Line($"  sign-off {s.GetProperty("ministry")}: {(s.GetProperty("approve").GetBoolean() ? "disetujui" : "ditolak")} oleh {s.GetProperty("signedBy").GetString()}");
        }
    }

    return ExitCodes.Ok;
}));

var files = new Argument<string[]>("files") { Description = "Scans (JPEG, PNG, TIFF, PDF).", Arity = ArgumentArity.OneOrMore };
var kind = new Option<string?>("--kind") { Description = "Document kind for every file (default: from each file name: passport..., ktp..., assessment-form...)." };
var upload = new Command("upload", "Upload scans to one case (skips those already on it).") { caseId, files, kind };
upload.SetAction((parse, ct) => Run(parse, async output =>
{
    using var api = Api.ForSession(Session.Load(), parse.GetValue(server));
    return await Uploads.FilesAsync(api, parse.GetValue(caseId)!, parse.GetValue(files)!, parse.GetValue(kind), output, ct);
}));

var folder = new Argument<string>("folder") { Description = "One sub-folder per external reference, each with that person's scans; kinds from file names or kinds.json." };
var batch = new Command("upload-batch", "Upload a whole group's scans. Checks the whole folder first (nothing is sent if anything is wrong); resumable: scans already on a case are skipped.") { folder };
batch.SetAction((parse, ct) => Run(parse, async output =>
{
    using var api = Api.ForSession(Session.Load(), parse.GetValue(server));
    return await Uploads.BatchAsync(api, parse.GetValue(folder)!, output, ct);
}));

var manifestFile = new Argument<string>("file") { Description = "The manifest: .csv or .json." };
var poll = new Option<double>("--poll") { Description = "Seconds between progress reads.", DefaultValueFactory = _ => 1 };
var manifest = new Command("manifest", "Submit an embassy manifest (POST /api/manifests) and follow it to the end, line by line.") { manifestFile, poll };
manifest.SetAction((parse, ct) => Run(parse, async output =>
{
    using var api = Api.ForSession(Session.Load(), parse.GetValue(server));
    return await Manifest.RunAsync(api, parse.GetValue(manifestFile)!, output, TimeSpan.FromSeconds(parse.GetValue(poll)), ct);
}));

var outFile = new Option<string?>("--output", "-o") { Description = "Where to save the PDF (default surat-pemulangan-{caseId}.pdf)." };
var letter = new Command("letter", "Download a released case's release letter (PDF).") { caseId, outFile };
letter.SetAction((parse, ct) => Run(parse, async output =>
{
    using var api = Api.ForSession(Session.Load(), parse.GetValue(server));
    var id = parse.GetValue(caseId)!;
    var pdf = await api.GetBytesAsync($"api/cases/{Uri.EscapeDataString(id)}/release/letter", ct);
    var path = parse.GetValue(outFile) ?? $"surat-pemulangan-{id}.pdf";
    await File.WriteAllBytesAsync(path, pdf, ct);
    output.Line($"{path} ({Uploads.Size(pdf.Length)})");
    return ExitCodes.Ok;
}));

var letterInput = new Argument<string>("letter") { Description = "The letter's PDF, or the text of its QR code (PULANG-RILIS/1;...)." };
var key = new Option<string?>("--key") { Description = "The release key: PEM file, or the JSON of /.well-known/pulang-release-key (default: saved at login)." };
var offline = new Option<bool>("--offline") { Description = "Check the signature only; do not ask the service about the audit trail." };
var verify = new Command("verify-letter", "Check a release letter: its signature against the release key (offline) and its release against the case's audit trail (online).") { letterInput, key, offline };
verify.SetAction((parse, ct) => Run(parse, output =>
    LetterVerification.RunAsync(parse.GetValue(letterInput)!, parse.GetValue(key), parse.GetValue(offline), parse.GetValue(server), output, ct)));

foreach (var c in new[] { login, cases, show, upload, batch, manifest, letter, verify })
{
    root.Subcommands.Add(c);
}

return await root.Parse(args).InvokeAsync();

static async Task<int> Run(ParseResult parse, Func<Output, Task<int>> body)
{
    var output = new Output(parse.GetValue<bool>("--json"));
    try
    {
        return await body(output);
    }
    catch (CliException e)
    {
        Output.Error(e.Message);
        if (output.Json) Output.WriteJson(new { error = e.Message, exitCode = e.ExitCode });
        return e.ExitCode;
    }
}
