using System.Net;
using System.Text.RegularExpressions;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows.Ocr;

namespace Pulang.Tests.Cli;

/// <summary>
/// <c>pulang upload-batch</c> against the real self-host on Azurite (OCR by the <c>embedded-text</c> engine): a group's
/// folder is uploaded with progress lines, the CLI is killed half-way, and a second run sends only what is missing; a bad
/// folder is refused as a whole with one clear line per problem and a non-zero exit code.
/// </summary>
public sealed class UploadBatchTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly string[] Kinds = ["passport", "ktp", "assessment-form"];

    /// <summary>A generated PNG scan carrying <paramref name="text"/> (so every file differs), padded to about 60 KB.</summary>
    static byte[] Scan(string text) => EmbeddedTextOcrEngine.Embed(CaseDriver.BlankPng(900, 600), text + "\n" + new string('.', 60_000));

    static async Task<string> IntakeAsync(SelfHostProcess host, string reference)
    {
        var r = await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake(reference), ct: Ct);
        return r.EnsureSuccess().Json.GetProperty("caseId").GetString()!;
    }

    static string TempFolder(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), name);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public async Task A_group_upload_killed_half_way_finishes_on_a_second_run_without_duplicates()
    {
        var hub = TestStorage.NewTaskHub("cligroup");
        await using var host = new SelfHostProcess(storage.ConnectionString, hub, new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await host.StartAsync();
        var folder = TempFolder($"pulang-cli-{hub}");
        var expected = new Dictionary<string, (string CaseId, HashSet<string> Hashes)>();
        for (var i = 1; i <= 10; i++)
        {
            var reference = $"GRP-{hub}-{i:00}";
            var dir = Directory.CreateDirectory(Path.Combine(folder, reference)).FullName;
            var hashes = new HashSet<string>();
            foreach (var kind in Kinds)
            {
                var bytes = Scan($"{reference} {kind}");
                await File.WriteAllBytesAsync(Path.Combine(dir, $"{kind}_scan.png"), bytes, Ct);
                hashes.Add(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            }

            expected[reference] = (await IntakeAsync(host, reference), hashes);
        }

        var cli = new CliProcess(Path.Combine(folder + "-session", "cli.json"));
        await cli.LoginAsync(host, "sentra-intake-officer", Ct);

        // First run: killed (SIGKILL) once 12 of the 30 scans were uploaded.
        var uploadedLines = 0;
        var first = await cli.RunAsync(["upload-batch", folder], line => line.Contains(": diunggah ") && ++uploadedLines >= 12, ct: Ct);
        Assert.True(first.Killed, first.ToString());
        Assert.Contains("10 orang, 30 pindaian", first.Output);
        Assert.Matches(new Regex(@"^\[1/30\] GRP-\S+-01/assessment-form_scan\.png → assessment-form: diunggah DOC-", RegexOptions.Multiline), first.Output);

        // Second run: finishes, skipping what the cases already list.
        var second = await cli.RunAsync(["upload-batch", folder], ct: Ct);
        Assert.True(second.ExitCode == 0, second.ToString());
        var summary = Regex.Match(second.Output, @"(\d+) diunggah, (\d+) dilewati \(sudah ada\), 0 gagal");
        Assert.True(summary.Success, second.ToString());
        var (uploaded, skipped) = (int.Parse(summary.Groups[1].Value), int.Parse(summary.Groups[2].Value));
        Assert.Equal(30, uploaded + skipped);
        Assert.True(skipped >= 1, second.ToString());
        Assert.True(uploaded <= 30 - 1, second.ToString());

        // Every case ends with exactly its three scans, once each.
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        foreach (var (reference, (caseId, hashes)) in expected)
        {
            var state = await host.Client.WaitForAsync(caseId, reader, s => s.Documents.Count >= 3, TimeSpan.FromMinutes(3), Ct);
            await Task.Delay(200, Ct);
            state = (await host.Client.GetAsync($"/api/cases/{caseId}", reader, Ct)).EnsureSuccess().Case;
            Assert.Equal(hashes.Order(), state.Documents.Select(d => d.Sha256).Order());
        }

        // A third run has nothing left to send.
        var third = await cli.RunAsync(["upload-batch", folder, "--json"], ct: Ct);
        Assert.True(third.ExitCode == 0, third.ToString());
        var json = System.Text.Json.JsonDocument.Parse(third.Output).RootElement;
        Assert.Equal(0, json.GetProperty("uploaded").GetInt32());
        Assert.Equal(30, json.GetProperty("skipped").GetInt32());
    }

    [Fact]
    public async Task A_bad_folder_is_refused_as_a_whole_with_one_line_per_problem()
    {
        var hub = TestStorage.NewTaskHub("clibad");
        await using var host = new SelfHostProcess(storage.ConnectionString, hub, new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await host.StartAsync();
        var folder = TempFolder($"pulang-cli-{hub}");
        var a = $"BAD-{hub}-A";
        var b = $"BAD-{hub}-B";
        var caseA = await IntakeAsync(host, a);
        var caseB = await IntakeAsync(host, b);
        Directory.CreateDirectory(Path.Combine(folder, a));
        Directory.CreateDirectory(Path.Combine(folder, b));
        Directory.CreateDirectory(Path.Combine(folder, $"BAD-{hub}-UNKNOWN"));
        await File.WriteAllBytesAsync(Path.Combine(folder, a, "passport.png"), Scan("a passport"), Ct);
        await File.WriteAllTextAsync(Path.Combine(folder, a, "notes.txt"), "not a scan", Ct);
        await File.WriteAllBytesAsync(Path.Combine(folder, a, "ktp.png"), [], Ct);
        await File.WriteAllBytesAsync(Path.Combine(folder, b, "selfie.png"), Scan("b selfie"), Ct);
        await File.WriteAllBytesAsync(Path.Combine(folder, $"BAD-{hub}-UNKNOWN", "passport.png"), Scan("unknown passport"), Ct);

        var cli = new CliProcess(Path.Combine(folder + "-session", "cli.json"));
        await cli.LoginAsync(host, "sentra-intake-officer", Ct);
        var run = await cli.RunAsync(["upload-batch", folder], ct: Ct);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{a}/notes.txt: jenis berkas tidak didukung (unsupported file)", run.Error);
        Assert.Contains($"{a}/ktp.png: berkas kosong (empty file, 0 bytes)", run.Error);
        Assert.Contains($"{b}/selfie.png: jenis dokumen tidak dikenali dari nama berkas (unknown kind)", run.Error);
        Assert.Contains($"BAD-{hub}-UNKNOWN/: tidak ada kasus dengan referensi eksternal ini (unknown reference)", run.Error);
        Assert.Contains("4 masalah; tidak ada yang diunggah (nothing uploaded).", run.Error);
        Assert.DoesNotContain("diunggah DOC-", run.Output);

        // With the files fixed, the unknown reference alone still stops the batch (exit 4: not found).
        File.Delete(Path.Combine(folder, a, "notes.txt"));
        File.Delete(Path.Combine(folder, a, "ktp.png"));
        File.Move(Path.Combine(folder, b, "selfie.png"), Path.Combine(folder, b, "ktp-selfie.png"));
        run = await cli.RunAsync(["upload-batch", folder], ct: Ct);
        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("1 masalah; tidak ada yang diunggah", run.Error);

        // Nothing reached either case.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        foreach (var id in new[] { caseA, caseB })
        {
            Assert.Empty((await host.Client.GetAsync($"/api/cases/{id}", reader, Ct)).EnsureSuccess().Case.Documents);
        }

        // Without a session, the CLI says so (exit 3).
        var stranger = await new CliProcess(Path.Combine(folder + "-nosession", "cli.json")).RunAsync(["upload-batch", folder], ct: Ct);
        Assert.True(stranger.ExitCode == 3, stranger.ToString());
        Assert.Contains("pulang login", stranger.Error);
    }
}
