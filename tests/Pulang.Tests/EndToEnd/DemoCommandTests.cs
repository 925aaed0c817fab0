using System.Diagnostics;
using System.Text.RegularExpressions;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// <c>pulang demo --exit</c> as scripts/demo.sh runs it (a separate process, real Tesseract, the test Azurite): the sample
/// person released, a second generated case left in SignOffPending, the web app's address and the demo users printed, and
/// the process ends by itself with 0.
/// </summary>
public sealed partial class DemoCommandTests(TestStorage storage)
{
    [Fact]
    public async Task Demo_with_exit_releases_the_sample_case_leaves_a_second_case_waiting_for_both_signoffs_and_ends()
    {
        var ct = TestContext.Current.CancellationToken;
        var taskHub = TestStorage.NewTaskHub("demo");
        var port = SelfHostProcess.FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { TestPaths.SelfHostDll, "demo", "--exit", "--samples", Path.Combine(TestPaths.Samples, "scans"), "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["Pulang__StorageConnectionString"] = storage.ConnectionString;
        start.Environment["Pulang__TaskHub"] = taskHub;
        start.Environment["Pulang__EventsQueue"] = SelfHostProcess.EventsQueueFor(taskHub);
        start.Environment["Pulang__DataDirectory"] = Path.Combine(Path.GetTempPath(), "pulang-test-" + taskHub);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            limit.CancelAfter(TimeSpan.FromMinutes(15));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"pulang demo --exit did not end within 15 minutes:\n{output}");
            }
        }

        var text = output.ToString();
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{text}");
        Assert.Contains($"http://127.0.0.1:{port}/", text);
        foreach (var user in Pulang.SelfHost.Hosting.LocalTokens.DemoUsers.Keys)
        {
            Assert.Matches($@"(?m)^\s+{Regex.Escape(user)}\s+\S", text);
        }

        var released = FirstCase().Match(text).Groups[1].Value;
        var waiting = SecondCase().Match(text).Groups[1].Value;
        Assert.True(released.Length > 0 && waiting.Length > 0 && released != waiting, text);

        // The process is gone; a self-host on the same task hub shows what it left behind.
        await using var host = new SelfHostProcess(storage.ConnectionString, taskHub);
        await host.StartAsync();
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        Assert.Equal(Stage.Released, (await host.Client.GetAsync($"/api/cases/{released}", reader, ct)).EnsureSuccess().Case.Stage);
        var second = (await host.Client.GetAsync($"/api/cases/{waiting}", reader, ct)).EnsureSuccess().Case;
        Assert.Equal(Stage.SignOffPending, second.Stage);
        Assert.Empty(second.SignOffs);
        Assert.NotNull(second.DossierDigest);
        Assert.Equal(3, second.Documents.Count);
        Assert.DoesNotContain("WULANDARI", second.Intake.FullName); // a generated person, not the sample person again
    }

    [GeneratedRegex(@"Case (PLG-[0-9A-Z]{10}) started by the embassy manifest")]
    private static partial Regex FirstCase();

    [GeneratedRegex(@"Case (PLG-[0-9A-Z]{10}) waits for both ministries")]
    private static partial Regex SecondCase();
}
