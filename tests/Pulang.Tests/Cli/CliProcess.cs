using System.Diagnostics;
using System.Text;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.Cli;

/// <summary>What one run of the staff CLI did.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error, bool Killed)
{
    /// <summary>Both streams, for failure messages.</summary>
    public override string ToString() => $"exit {ExitCode}{(Killed ? " (killed)" : "")}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// The built staff CLI (<c>cli/bin/{configuration}/net10.0/Pulang.Cli.dll</c>) run as its own process, with its own session
/// file (<c>PULANG_CLI_CONFIG</c>), its output redirected (so it prints plain lines, as in a script).
/// </summary>
public sealed class CliProcess(string sessionFile)
{
    /// <summary>The built CLI.</summary>
    public static string Dll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var dll = Path.Combine(TestPaths.RepositoryRoot, "cli", "bin", configuration, "net10.0", "Pulang.Cli.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the CLI is missing.", dll);
        }
    }

    /// <summary>
    /// Runs <c>pulang {args}</c>; <paramref name="killWhen"/> sees each standard output line and kills the process (SIGKILL)
    /// when it returns true. At most <paramref name="timeout"/> (default 5 min).
    /// </summary>
    public async Task<CliRun> RunAsync(IEnumerable<string> args, Func<string, bool>? killWhen = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["PULANG_CLI_CONFIG"] = sessionFile;
        start.Environment.Remove("Pulang__DataDirectory");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var killed = false;
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stdout) stdout.AppendLine(e.Data);
            if (!killed && killWhen?.Invoke(e.Data) == true)
            {
                killed = true;
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pulang {string.Join(' ', args)} did not finish:\n{stdout}\n{stderr}");
        }

        process.WaitForExit();
        lock (stdout) lock (stderr) return new CliRun(process.ExitCode, stdout.ToString(), stderr.ToString(), killed);
    }

    /// <summary>Signs in as <paramref name="user"/> the way staff do on the service's machine: from its data directory's key file.</summary>
    public async Task LoginAsync(SelfHostProcess host, string user, CancellationToken ct)
    {
        // The test host takes its key from a setting (Pulang__Auth__SigningKey); put it where a local self-host keeps it.
        var dataDirectory = host.DataDirectory;
        var keyFile = Pulang.Workflows.Storage.LocalSecrets.PathOf(dataDirectory, "signing-key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(host.Tokens.Key.Key), ct);
        var run = await RunAsync(["login", "--server", $"http://127.0.0.1:{host.Port}", "--user", user, "--data-dir", dataDirectory], ct: ct);
        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
