using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Pulang.SelfHost;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Telemetry;

namespace Pulang.Tests.Telemetry;

/// <summary>
/// One trace per command: the self-host (in this process, its OpenTelemetry pipeline exporting every finished span to a list)
/// carries a case to sign-off; the last sign-off's HTTP request, the command, the orchestration episode's decision, the commit
/// activity and its storage calls share one trace ID, the Pulang spans carry the case ID and the command's name, and no span
/// carries the person's data. The case leaving SignOffPending records its time in the stage.
/// </summary>
public sealed class CommandTraceTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Collects every span the host's tracer provider ends (the in-memory end of the export pipeline).</summary>
    sealed class Collect(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }

    [Fact]
    public async Task The_last_sign_off_is_one_trace_from_the_HTTP_request_down_to_the_commit_and_its_storage_calls()
    {
        var hub = TestStorage.NewTaskHub("trace");
        var key = RandomNumberGenerator.GetBytes(32);
        var tokens = new LocalTokens(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(key), "pulang");
        var port = SelfHostProcess.FreePort();
        var spans = new ConcurrentQueue<Activity>();
        var stageTimes = new ConcurrentQueue<(double Seconds, string? Left, string? Entered)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PulangTelemetry.Name && instrument.Name == "pulang.case.stage.duration") listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? left = null, entered = null;
            foreach (var t in tags)
            {
                if (t.Key == PulangTelemetry.Stage) left = t.Value as string;
                if (t.Key == PulangTelemetry.StageAfter) entered = t.Value as string;
            }

            stageTimes.Enqueue((value, left, entered));
        });
        meters.Start();

        string[] args =
        [
            "--urls", $"http://127.0.0.1:{port}",
            $"--Pulang:StorageConnectionString={storage.ConnectionString}",
            $"--Pulang:TaskHub={hub}",
            $"--Pulang:EventsQueue={SelfHostProcess.EventsQueueFor(hub)}",
            $"--Pulang:Auth:SigningKey={Convert.ToBase64String(key)}",
            $"--Pulang:DataDirectory={Path.Combine(Path.GetTempPath(), "pulang-test-" + hub)}",
            "--Pulang:Ocr:Engine=embedded-text",
            "--Pulang:Ocr:AllowTestEngines=true",
            "--Pulang:WatchBlobs=false",
            "--Pulang:RateLimits:Enabled=false",
        ];
        await using var app = await PulangHost.BuildAsync(args, b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new Collect(spans))));
        await app.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var client = new PulangClient(http);
        var driver = new CaseDriver(() => client, tokens);
        var (caseId, state) = await driver.DriveAsync($"TRACE-{hub}", Ct, s => s.Stage == Stage.SignOffPending);
        (await client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", tokens.MintDemo("p2mi-official"), new { approve = true, dossierDigest = state.DossierDigest }, "trace-p2mi", Ct)).EnsureSuccess();
        var path = $"/api/cases/{caseId}/signoffs/kemensos";
        var signed = await client.JsonAsync(HttpMethod.Post, path, tokens.MintDemo("kemensos-official"), new { approve = true, dossierDigest = state.DossierDigest }, "trace-kemensos", Ct);
        signed.EnsureSuccess();
        Assert.Equal(Stage.Released, (await client.WaitForAsync(caseId, tokens.MintDemo("bp3mi-reader"), s => s.IsFinished, TimeSpan.FromMinutes(1), Ct)).Stage);

        // The request's server span, then everything in its trace once the commit's span has ended.
        var request = await UntilAsync(() => spans.FirstOrDefault(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore" && (s.GetTagItem("url.path") as string) == path));
        var traceId = request.TraceId;
        await UntilAsync(() => spans.FirstOrDefault(s => s.TraceId == traceId && s.DisplayName == "commit signOff"));
        await Task.Delay(500, Ct); // spans of the same trace ended just before are in the list by now
        var trace = spans.Where(s => s.TraceId == traceId).OrderBy(s => s.StartTimeUtc).ToList();
        var tree = Describe(trace, request);
        TestContext.Current.SendDiagnosticMessage(tree);
        if (Environment.GetEnvironmentVariable("PULANG_TRACE_REPORT") is { Length: > 0 } report)
        {
            await File.WriteAllTextAsync(report, tree, Ct);
        }

        var command = Assert.Single(trace, s => s.DisplayName == "command signOff");
        var decide = Assert.Single(trace, s => s.DisplayName == "decide signOff");
        var commit = Assert.Single(trace, s => s.DisplayName == "commit signOff");
        Assert.True(IsUnder(command, request, trace), tree);
        Assert.Equal(command.SpanId, decide.ParentSpanId);
        Assert.Equal(command.SpanId, commit.ParentSpanId);
        Assert.Equal("accepted", decide.GetTagItem(PulangTelemetry.Outcome));
        Assert.Equal(nameof(Stage.SignOffPending), decide.GetTagItem(PulangTelemetry.Stage));
        Assert.Equal(nameof(Stage.Released), decide.GetTagItem(PulangTelemetry.StageAfter));
        // The raise (a queue message) and the commit's writes (audit, release record, view, index) are storage calls in this trace.
        Assert.Contains(trace, s => s.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) && IsUnder(s, command, trace) && !IsUnder(s, commit, trace));
        Assert.Contains(trace, s => s.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) && IsUnder(s, commit, trace));
        foreach (var span in trace.Where(s => s.Source.Name == PulangTelemetry.Name))
        {
            Assert.Equal(caseId, span.GetTagItem(PulangTelemetry.CaseId));
            Assert.Equal("signOff", span.GetTagItem(PulangTelemetry.Command));
        }

        // No span of the whole run (intake, uploads, OCR, verification, sign-offs) carries the person's data.
        foreach (var span in spans)
        {
            var text = string.Join("\n", [span.DisplayName, .. span.TagObjects.Select(t => $"{t.Key}={t.Value}"), .. span.Events.Select(e => e.Name)]);
            foreach (var id in PersonalDataLogTests.Identifiers)
            {
                Assert.DoesNotContain(id, text, StringComparison.OrdinalIgnoreCase);
            }
        }

        // Leaving SignOffPending for Released recorded the time spent there.
        Assert.Contains(stageTimes, m => m.Left == nameof(Stage.SignOffPending) && m.Entered == nameof(Stage.Released) && m.Seconds > 0);
        await app.StopAsync(Ct);
    }

    static bool IsUnder(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        for (var s = span; s is not null; s = byId.GetValueOrDefault(s.ParentSpanId))
        {
            if (s.SpanId == ancestor.SpanId) return true;
        }

        return false;
    }

    /// <summary>The trace as an indented tree: offset from the request's start, duration, source and name.</summary>
    static string Describe(IReadOnlyList<Activity> trace, Activity root)
    {
        var text = new StringBuilder($"trace {root.TraceId}: {trace.Count} spans\n");
        var children = trace.ToLookup(s => s.ParentSpanId);
        var known = trace.Select(s => s.SpanId).ToHashSet();
        void Write(Activity s, int depth)
        {
            text.Append($"{(s.StartTimeUtc - root.StartTimeUtc).TotalMilliseconds,8:F0} ms {s.Duration.TotalMilliseconds,8:F1} ms {new string(' ', depth * 2)}{s.DisplayName} [{s.Source.Name}]\n");
            foreach (var c in children[s.SpanId].OrderBy(c => c.StartTimeUtc)) Write(c, depth + 1);
        }

        foreach (var top in trace.Where(s => !known.Contains(s.ParentSpanId)).OrderBy(s => s.StartTimeUtc)) Write(top, 0);
        return text.ToString();
    }

    static async Task<T> UntilAsync<T>(Func<T?> find) where T : class
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            if (find() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The span never came.");
            await Task.Delay(200, Ct);
        }
    }
}
