using System.Collections.Concurrent;
using System.Net.Mime;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Events;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Pulang's Event Grid sender (<see cref="EventGridSender"/>, <c>Azure.Messaging.EventGrid</c>, CloudEvents 1.0 input schema) posting
/// to a real HTTP receiver started here in place of a topic: what arrives is decoded by the CloudEvents SDK and carries the
/// topic key.
/// </summary>
public sealed class EventGridSendTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record Received(string? ContentType, string? Key, string? Authorization, byte[] Body);

    [Fact]
    public async Task A_case_event_sent_to_the_topic_arrives_as_the_same_CloudEvent_with_the_key()
    {
        var received = new ConcurrentQueue<Received>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/api/events", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            received.Enqueue(new(http.Request.ContentType, http.Request.Headers["aeg-sas-key"].FirstOrDefault(), http.Request.Headers.Authorization.FirstOrDefault(), body.ToArray()));
            return Results.Ok();
        });
        await receiver.StartAsync(Ct);
        var topic = new Uri(new Uri(receiver.Urls.Single()), "/api/events");

        var sender = new EventGridSender(Options.Create(new PulangOptions { Events = new EventOptions { EventGridEndpoint = topic.AbsoluteUri, EventGridKey = "topic-key-for-the-test" } }));
        Assert.True(sender.Enabled);
        var caseId = "PLG-EGTEST" + Random.Shared.Next(1000, 9999);
        var hash = new string('a', 64);
        var published = CaseEventFormat.ToCloudEvent(
            new PublishCaseEvent($"{caseId}:released", "case.released", caseId, new Dictionary<string, string>
            {
                ["dossierDigest"] = new string('b', 64),
                ["releaseRecord"] = $"releases/{caseId}.json",
                ["originRegion"] = "Kabupaten Malang",
                ["auditSequence"] = "12",
                ["auditHead"] = hash,
                ["fullName"] = "NOT IN THE EVENT",
            }),
            new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), new Uri("/pulang", UriKind.Relative));
        await sender.SendAsync(CaseEventFormat.Encode(published), Ct);

        var request = Assert.Single(received);
        Assert.Equal("topic-key-for-the-test", request.Key);
        Assert.Null(request.Authorization);
        // Event Grid's CloudEvents input: a batch (JSON array) of structured events.
        Assert.StartsWith("application/cloudevents-batch+json", request.ContentType);
        var batch = CaseEventFormat.Formatter.DecodeBatchModeMessage(request.Body, new ContentType(request.ContentType!), null);
        var arrived = Assert.Single(batch);
        Assert.Equal(CloudEventsSpecVersion.V1_0, arrived.SpecVersion);
        Assert.Equal("id.go.pulang.case.released.v1", arrived.Type);
        Assert.Equal($"{caseId}:released", arrived.Id);
        Assert.Equal($"cases/{caseId}", arrived.Subject);
        Assert.Equal("/pulang", arrived.Source!.OriginalString);
        Assert.Equal(CaseEventTypes.ForType(arrived.Type!)!.DataSchema, arrived.DataSchema);
        Assert.Equal(published.Time, arrived.Time);
        Assert.Equal(hash, CaseEventFormat.DataField(arrived, "auditHead"));
        Assert.Null(CaseEventFormat.DataField(arrived, "fullName"));
        // The same checks as every received event (attributes, data against the type's JSON Schema).
        var decoded = ReceivedEvent.Decode(BinaryData.FromBytes(CaseEventFormat.Encode(arrived)));
        Assert.Equal(caseId, decoded.CaseId);
        Assert.Equal("Kabupaten Malang", decoded.Data["originRegion"]);
    }
}
