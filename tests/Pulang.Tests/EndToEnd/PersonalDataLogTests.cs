using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Personal data never reaches the logs: the whole sample case runs through the self-host with every logging
/// category at Trace, and the captured process output is searched for each identifier of the fictional sample
/// person (name parts, NIK, passport and SPLP numbers, MRZ lines, birth date in every notation the papers use).
/// </summary>
public sealed class PersonalDataLogTests(TestStorage storage)
{
    /// <summary>
    /// Every identifier of the fictional sample person (<c>shared/samples/ground_truth.json</c>): name parts, NIK, passport
    /// and SPLP numbers, the birth date as ISO, as on the KTP (<c>14-08-1992</c>), the passport (<c>14 AUG 1992</c>) and
    /// the SPLP (<c>14 Agustus 1992</c>), and both MRZ lines. The MRZ birth date <c>920814</c> is searched in
    /// <see cref="MrzBirthDate"/>: alone it would also match inside a hex ID or hash.
    /// </summary>
    public static readonly string[] Identifiers =
    [
        "SRI RAHAYU", "WULANDARI", "3507125408920003", "C4821937", "KL-SPLP/0457",
        "1992-08-14", "14-08-1992", "14 AUG 1992", "14 Agustus 1992", "14/08/1992",
        "P<IDNWULANDARI<<SRI<RAHAYU", "C4821937<2IDN9208142F3103038",
    ];

    /// <summary>The MRZ birth date (YYMMDD) as a value of its own (not part of a longer letter/digit run), or after the MRZ nationality.</summary>
    public static readonly System.Text.RegularExpressions.Regex MrzBirthDate = new("(?<![0-9A-Za-z])920814(?![0-9A-Za-z])|IDN920814");

    /// <summary>Trace for the default and for every category the host or its libraries tune themselves.</summary>
    public static readonly Dictionary<string, string> TraceEverything = new()
    {
        ["Logging__LogLevel__Default"] = "Trace",
        ["Logging__LogLevel__Microsoft"] = "Trace",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
        ["Logging__LogLevel__Microsoft.DurableTask"] = "Trace",
        ["Logging__LogLevel__DurableTask"] = "Trace",
        ["Logging__LogLevel__DurableTask.Core"] = "Trace",
        ["Logging__LogLevel__DurableTask.AzureStorage"] = "Trace",
        ["Logging__LogLevel__Azure"] = "Trace",
        ["Logging__LogLevel__System"] = "Trace",
        ["Logging__LogLevel__Pulang"] = "Trace",
        // Every span, metric and log record the host exports, printed by the console exporter, is searched too.
        ["Pulang__Telemetry__Console"] = "true",
    };

    [Fact]
    public async Task The_whole_sample_case_at_Trace_logs_none_of_the_sample_persons_identifiers()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("logscan"), TraceEverything);
        await host.StartAsync();
        var output = new StringWriter();
        var demo = new Demo(new Uri($"http://127.0.0.1:{host.Port}"), host.Tokens, new DirectoryInfo(Path.Combine(TestPaths.Samples, "scans")), output);
        var exit = await demo.RunAsync(TestContext.Current.CancellationToken);
        Assert.True(exit == 0, output.ToString());

        // Refused input that carries the person's data: answered to the caller, never logged.
        var intake = host.Tokens.MintDemo("embassy-kl-manifest");
        var bad = await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", intake, new { externalReference = "KL-SPLP/0457", fullName = "SRI RAHAYU WULANDARI", sex = "F", birthDate = "14-08-1992", originRegion = "r", placementCountry = "c", arrivalDate = "2025-10-02", nik = "3507125408920003" }, ct: TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.Status);
        var unreadable = await host.Client.SendAsync(HttpMethod.Post, "/api/cases", intake, new StringContent("{\"fullName\":\"SRI RAHAYU WULANDARI\",\"birthDate\":1992-08-14}", System.Text.Encoding.UTF8, "application/json"), ct: TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unreadable.Status);

        var log = host.Log;
        if (Environment.GetEnvironmentVariable("PULANG_LOGSCAN_DUMP") is { Length: > 0 } dump)
        {
            await File.WriteAllTextAsync(dump, log, TestContext.Current.CancellationToken);
        }

        Assert.True(log.Split('\n').Length > 200, $"expected a verbose log, got:\n{log}");
        Assert.Contains("dbug:", log); // Debug/Trace output really is on
        // Telemetry really is exported: the commands' spans with their tags, the engine's spans, OCR spans, metrics.
        Assert.Contains("Activity.DisplayName:        command signOff", log);
        Assert.Contains("pulang.case_id", log);
        Assert.Contains("Activity.DisplayName:        ocr analyze", log);
        Assert.Contains("pulang.scans.read", log);
        var leaks = new List<string>();
        foreach (var line in log.Split('\n'))
        {
            foreach (var id in Identifiers)
            {
                if (line.Contains(id, StringComparison.OrdinalIgnoreCase))
                {
                    leaks.Add($"{id}: {Cut(line)}");
                }
            }

            if (MrzBirthDate.IsMatch(line))
            {
                leaks.Add($"920814: {Cut(line)}");
            }
        }

        Assert.True(leaks.Count == 0, $"{leaks.Count} log line(s) carry personal data:\n{string.Join('\n', leaks.Take(40))}");
    }

    static string Cut(string line) => line.Length > 400 ? line[..400] + "..." : line;
}
