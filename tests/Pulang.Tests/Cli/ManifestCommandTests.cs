using System.Text.Json;
using System.Text.RegularExpressions;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.Cli;

/// <summary>
/// <c>pulang manifest</c> against the real self-host on Azurite: a fictional manifest with one bad line is submitted and
/// followed with progress lines to one result line per person (the cases it names exist), the same file again starts
/// nothing, and a manifest the service cannot read, or a file that is no manifest, gets a clear line and a non-zero exit.
/// </summary>
public sealed class ManifestCommandTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_manifest_is_followed_to_one_result_per_line_and_a_bad_manifest_is_refused_with_a_clear_line()
    {
        var hub = TestStorage.NewTaskHub("climan");
        await using var host = new SelfHostProcess(storage.ConnectionString, hub);
        await host.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), $"pulang-cli-{hub}");
        Directory.CreateDirectory(folder);
        var cli = new CliProcess(Path.Combine(folder, "cli.json"));
        await cli.LoginAsync(host, "embassy-kl-manifest", Ct);

        // Six fictional persons, then a seventh line whose birth date is no date (CSV line 8, the header is line 1).
        var persons = ManifestSample.Persons(6, seed: 19, prefix: $"CLI-{hub}", DateOnly.FromDateTime(DateTime.UtcNow));
        var csv = ManifestSample.ToCsv(persons).TrimEnd('\n', '\r').Split('\n');
        var badLine = csv[1].Replace(persons[0].ExternalReference!, $"CLI-{hub}-BAD", StringComparison.Ordinal).Replace(persons[0].BirthDate!, "31-02-1990", StringComparison.Ordinal);
        var file = Path.Combine(folder, "kbri.csv");
        await File.WriteAllTextAsync(file, string.Join('\n', [.. csv, badLine]) + "\n", Ct);

        var run = await cli.RunAsync(["manifest", file, "--poll", "0.5"], ct: Ct);
        Assert.True(run.ExitCode == 5, run.ToString()); // some lines refused by the service, the others done
        var id = Regex.Match(run.Output, @"^Manifes (MAN-[0-9A-Z]{16}) diterima \(HTTP 202, 7 baris\); memproses\.\.\.$", RegexOptions.Multiline);
        Assert.True(id.Success, run.ToString());
        Assert.Matches(new Regex(@"^7/7 baris diproses$", RegexOptions.Multiline), run.Output);
        foreach (var (person, line) in persons.Select((p, i) => (p, i + 2)))
        {
            var result = Regex.Match(run.Output, $@"^baris {line} {Regex.Escape(person.ExternalReference!)}: created (PLG-\S+)$", RegexOptions.Multiline);
            Assert.True(result.Success, $"line {line}:\n{run}");
            var view = await host.Client.GetAsync($"/api/cases/{result.Groups[1].Value}", host.Tokens.MintDemo("bp3mi-reader"), Ct);
            Assert.Equal(person.ExternalReference, view.EnsureSuccess().Case.Intake.ExternalReference);
        }

        Assert.Matches(new Regex($@"^baris 8 CLI-{hub}-BAD: refused — .*date\.invalid: .+$", RegexOptions.Multiline), run.Output);
        Assert.Contains($"Manifes {id.Groups[1].Value}: completed (6 dibuat, 0 sudah ada, 0 konflik, 1 ditolak), 1 baris gagal.", run.Output);

        // The same file again: the first results, nothing started again; with --json the service's view on standard output.
        var again = await cli.RunAsync(["manifest", file, "--json"], ct: Ct);
        Assert.True(again.ExitCode == 5, again.ToString());
        Assert.Contains($"Manifes {id.Groups[1].Value} sudah diterima sebelumnya (HTTP 200, 7 baris", again.Error);
        var json = JsonDocument.Parse(again.Output).RootElement;
        Assert.Equal(id.Groups[1].Value, json.GetProperty("manifestId").GetString());
        Assert.Equal(7, json.GetProperty("processed").GetInt32());
        Assert.Equal(6, json.GetProperty("counts").GetProperty("created").GetInt32());
        Assert.Equal(7, json.GetProperty("results").GetArrayLength());
        var listed = (await host.Client.GetAsync("/api/cases?max=100", host.Tokens.MintDemo("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        Assert.Equal(6, listed.GetProperty("cases").EnumerateArray().Count(c => c.GetProperty("externalReference").GetString()!.StartsWith($"CLI-{hub}", StringComparison.Ordinal)));

        // A manifest the service cannot read as a whole (a misspelt column): refused, one clear line, nothing started.
        var misspelt = Path.Combine(folder, "misspelt.csv");
        await File.WriteAllTextAsync(misspelt, string.Join('\n', [csv[0].Replace("nik", "nikk", StringComparison.OrdinalIgnoreCase), csv[1].Replace(persons[0].ExternalReference!, $"CLI-{hub}-X", StringComparison.Ordinal)]) + "\n", Ct);
        var refused = await cli.RunAsync(["manifest", misspelt], ct: Ct);
        Assert.True(refused.ExitCode == 5, refused.ToString());
        Assert.Matches(new Regex(@"HTTP 400 manifest\.columns: .*nikk", RegexOptions.IgnoreCase), refused.Error);
        Assert.DoesNotContain("diterima", refused.Output);

        // Files that are no manifest: nothing is sent (exit 2), the line says what is expected.
        var text = Path.Combine(folder, "kbri.txt");
        await File.WriteAllTextAsync(text, "not a manifest", Ct);
        var empty = Path.Combine(folder, "empty.csv");
        await File.WriteAllTextAsync(empty, "", Ct);
        foreach (var bad in new[] { text, empty, Path.Combine(folder, "missing.csv") })
        {
            var local = await cli.RunAsync(["manifest", bad], ct: Ct);
            Assert.True(local.ExitCode == 2, local.ToString());
            Assert.Contains("harus berkas .csv atau .json yang ada dan tidak kosong", local.Error);
        }

        listed = (await host.Client.GetAsync("/api/cases?max=100", host.Tokens.MintDemo("bp3mi-reader"), Ct)).EnsureSuccess().Json;
        Assert.Equal(6, listed.GetProperty("cases").EnumerateArray().Count(c => c.GetProperty("externalReference").GetString()!.StartsWith($"CLI-{hub}", StringComparison.Ordinal)));
        Directory.Delete(folder, true);
    }
}
