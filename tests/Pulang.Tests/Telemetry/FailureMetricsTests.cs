using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Events;
using Pulang.Workflows.Storage;
using Pulang.Workflows.Telemetry;

namespace Pulang.Tests.Telemetry;

/// <summary>
/// The failure counters: an activity that throws is counted once per try (with its name and the exception type) and its
/// exception still reaches the engine; webhook tries against a receiver that answers 500 or does not answer are counted
/// (<c>failed</c>, then <c>dead-lettered</c> on the last try), a delivered one is not.
/// </summary>
public sealed class FailureMetricsTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record Measured(string Instrument, long Value, Dictionary<string, object?> Tags);

    static MeterListener Listen(ConcurrentQueue<Measured> into)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PulangTelemetry.Name) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var t in tags) copy[t.Key] = t.Value;
            into.Enqueue(new(instrument.Name, value, copy));
        });
        listener.Start();
        return listener;
    }

    sealed class Context(string name) : TaskActivityContext
    {
        public override TaskName Name => name;

        public override string InstanceId => "test";
    }

    sealed class Failing : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input) => throw new TimeoutException("storage did not answer");
    }

    sealed class Clients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new() { Timeout = TimeSpan.FromSeconds(10) };
    }

    [Fact]
    public async Task A_failing_activity_try_is_counted_with_its_name_and_error_type_and_still_fails()
    {
        var measured = new ConcurrentQueue<Measured>();
        using var listener = Listen(measured);
        ITaskActivity activity = new CountedActivity("TestFailing", new Failing());
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => activity.RunAsync(new Context("TestFailing"), "x"));
        }

        var failures = measured.Where(m => m.Instrument == "pulang.activity.failures" && Equals(m.Tags[PulangTelemetry.Activity], "TestFailing")).ToList();
        Assert.Equal(2, failures.Sum(m => m.Value));
        Assert.All(failures, m => Assert.Equal(typeof(TimeoutException).FullName, m.Tags["error.type"]));
    }

    [Fact]
    public async Task Webhook_tries_that_get_no_2xx_are_counted_and_a_delivered_one_is_not()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var options = Options.Create(new PulangOptions { Webhooks = new WebhookOptions { SubscriptionsTable = "MetricSubs" + suffix, DeliveriesTable = "MetricDeliveries" + suffix } });
        var store = new WebhookStore(new PulangStorage(storage.ConnectionString), options);
        var deliver = new DeliverWebhookActivity(store, new Clients(), options, TimeProvider.System, NullLogger<DeliverWebhookActivity>.Instance);

        // A receiver that answers 500, then 204.
        var port = SelfHostProcess.FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var answers = new Queue<int>([500, 204]);
        var serving = Task.Run(async () =>
        {
            while (answers.Count > 0)
            {
                var call = await receiver.GetContextAsync();
                call.Response.StatusCode = answers.Dequeue();
                call.Response.Close();
            }
        }, Ct);

        var answering = await store.CreateAsync($"http://127.0.0.1:{port}/hook", ["case.released"], "admin", DateTimeOffset.UtcNow, Ct);
        var silent = await store.CreateAsync($"http://127.0.0.1:{SelfHostProcess.FreePort()}/hook", ["case.released"], "admin", DateTimeOffset.UtcNow, Ct);
        var measured = new ConcurrentQueue<Measured>();
        using var listener = Listen(measured);
        var context = new Context(WebhookDeliveryOrchestration.DeliverActivity);

        Assert.Equal("failed", (await deliver.RunAsync(context, new WebhookAttempt(answering.Id, "evt-1", "{}", 1, Last: false))).Outcome);
        Assert.Equal("delivered", (await deliver.RunAsync(context, new WebhookAttempt(answering.Id, "evt-1", "{}", 2, Last: false))).Outcome);
        Assert.Equal("dead-lettered", (await deliver.RunAsync(context, new WebhookAttempt(silent.Id, "evt-2", "{}", 1, Last: true))).Outcome);
        await serving;

        var failures = measured.Where(m => m.Instrument == "pulang.webhook.delivery.failures").ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, m => Equals(m.Tags[PulangTelemetry.Outcome], "failed") && Equals(m.Tags["http.response.status_code"], 500));
        Assert.Contains(failures, m => Equals(m.Tags[PulangTelemetry.Outcome], "dead-lettered") && !m.Tags.ContainsKey("http.response.status_code"));
    }
}
