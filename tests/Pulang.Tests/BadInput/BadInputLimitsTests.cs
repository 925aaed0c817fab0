using System.Globalization;
using Microsoft.Extensions.Configuration;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;

namespace Pulang.Tests.BadInput;

/// <summary>
/// <c>Pulang:MaxConcurrentOcrJobs</c> is enforced in the OCR path both hosts share (<see cref="PulangServices.CreateOcrEngine"/>):
/// with a stand-in <c>tesseract</c> that waits until the test lets it go, the engine's own counters and the processes' own count
/// never go above the limit, and reach it. No timing is asserted: the test waits for states, not durations.
/// </summary>
public sealed class BadInputLimitsTests : IDisposable
{
    readonly string folder = Path.Combine(Path.GetTempPath(), "pulang-limits-" + Guid.NewGuid().ToString("N"));

    public BadInputLimitsTests() => Directory.CreateDirectory(Path.Combine(folder, "running"));

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A stand-in <c>tesseract</c>: <c>--version</c> answers at once; a page read marks itself running, records how many are
    /// running, waits for the <c>release</c> file, prints an empty TSV page and exits.
    /// </summary>
    string FakeTesseract()
    {
        var script = Path.Combine(folder, "tesseract");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            if [ "$1" = "--version" ]; then echo "tesseract 5.0.0-fake"; exit 0; fi
            mark="{{folder}}/running/$$"
            touch "$mark"
            ls "{{folder}}/running" | wc -l >> "{{folder}}/observed"
            i=0
            while [ ! -f "{{folder}}/release" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
            printf 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t\n'
            rm -f "$mark"
            """);
        Assert.SkipWhen(OperatingSystem.IsWindows(), "The stand-in tesseract is a POSIX shell script.");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return script;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Ocr_jobs_never_exceed_MaxConcurrentOcrJobs(int limit)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pulang:MaxConcurrentOcrJobs"] = limit.ToString(CultureInfo.InvariantCulture),
            ["Pulang:Ocr:Tesseract:TesseractPath"] = FakeTesseract(),
            ["Pulang:Ocr:Tesseract:TempDirectory"] = folder,
        }).Build();
        using var engine = Assert.IsType<ConcurrencyLimitedOcrEngine>(PulangServices.CreateOcrEngine(config));
        var tesseract = Assert.IsType<TesseractOcrEngine>(engine.Inner);
        Assert.Equal(limit, engine.MaxJobs);
        Assert.Equal(limit, tesseract.MaxConcurrency);

        var png = await File.ReadAllBytesAsync(Path.Combine(CorpusFiles.Folder, "files", "valid.png"), Ct);
        var jobs = Enumerable.Range(0, limit * 2 + 2).Select(_ => Task.Run(() => engine.AnalyzeAsync(new MemoryStream(png), "image/png", DocumentKind.Other.ToOcrHint(), Ct), Ct)).ToList();

        // Wait until the limit is reached (the stand-in processes wait to be released), then look again: still at the limit.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (tesseract.RunningProcesses < limit && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(limit, tesseract.RunningProcesses);
        Assert.Equal(limit, engine.RunningJobs);
        await Task.Delay(300, Ct);
        Assert.Equal(limit, tesseract.RunningProcesses);
        Assert.Equal(limit, engine.RunningJobs);
        Assert.All(jobs, j => Assert.False(j.IsCompleted));

        await File.WriteAllTextAsync(Path.Combine(folder, "release"), "", Ct);
        var results = await Task.WhenAll(jobs);
        Assert.All(results, r => Assert.Single(r.Pages));

        Assert.Equal(limit, engine.PeakJobs);
        Assert.Equal(limit, tesseract.PeakProcesses);
        Assert.True(tesseract.ProcessesStarted >= jobs.Count, $"{tesseract.ProcessesStarted} processes for {jobs.Count} pages");
        var observed = (await File.ReadAllLinesAsync(Path.Combine(folder, "observed"), Ct)).Select(l => int.Parse(l.Trim(), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(jobs.Count, observed.Count);
        Assert.True(observed.Max() <= limit, $"the processes saw {observed.Max()} running at once; the limit is {limit}");
    }

    [Fact]
    public void The_limit_defaults_to_the_processor_count_and_must_be_at_least_one()
    {
        using var engine = Assert.IsType<ConcurrencyLimitedOcrEngine>(PulangServices.CreateOcrEngine(new ConfigurationBuilder().Build()));
        Assert.Equal(Environment.ProcessorCount, engine.MaxJobs);
        Assert.Equal(Environment.ProcessorCount, Assert.IsType<TesseractOcrEngine>(engine.Inner).MaxConcurrency);
        Assert.Equal(Environment.ProcessorCount, new PulangOptions().MaxConcurrentOcrJobs);

        var zero = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pulang:MaxConcurrentOcrJobs"] = "0" }).Build();
        Assert.Contains("MaxConcurrentOcrJobs", Assert.Throws<InvalidOperationException>(() => PulangServices.CreateOcrEngine(zero)).Message);
    }
}
