using System.Net.Mime;
using System.Security.Cryptography;
using System.Text;
using CloudNative.CloudEvents.SystemTextJson;

// A webhook receiver to start by hand (docs/events.md, "A subscriber to try"): listens on PULANG_SUBSCRIBER_URL
// (default http://127.0.0.1:5099), answers the CloudEvents webhook handshake (OPTIONS, WebHook-Request-Origin), and for
// each POST checks Pulang-Signature (sha256=hex HMAC-SHA256 of the body with the subscription's secret, base64, from
// PULANG_SUBSCRIBER_SECRET) and prints the CloudEvent. Without a secret it prints events as unverified.
var url = Environment.GetEnvironmentVariable("PULANG_SUBSCRIBER_URL") is { Length: > 0 } u ? u : "http://127.0.0.1:5099";
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(url);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
var formatter = new JsonEventFormatter();

app.MapMethods("/events", ["OPTIONS"], (HttpContext http) =>
{
    var origin = http.Request.Headers["WebHook-Request-Origin"].ToString();
    Console.WriteLine($"handshake from '{origin}': allowed");
    http.Response.Headers["WebHook-Allowed-Origin"] = origin.Length > 0 ? origin : "*";
    return Results.Ok();
});

app.MapPost("/events", async (HttpContext http) =>
{
    using var buffer = new MemoryStream();
    await http.Request.Body.CopyToAsync(buffer);
    var body = buffer.ToArray();
    var secret = Environment.GetEnvironmentVariable("PULANG_SUBSCRIBER_SECRET");
    string verdict;
    if (string.IsNullOrEmpty(secret))
    {
        verdict = "UNVERIFIED (no PULANG_SUBSCRIBER_SECRET)";
    }
    else
    {
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(secret), body));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(http.Request.Headers["Pulang-Signature"].ToString())))
        {
            Console.WriteLine("REFUSED: signature does not match (401)");
            return Results.Unauthorized();
        }

        verdict = "signature ok";
    }

    var e = formatter.DecodeStructuredModeMessage(body, new ContentType(http.Request.ContentType ?? "application/cloudevents+json"), null);
    Console.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} {e.Type} id={e.Id} subject={e.Subject} time={e.Time:O} ({verdict}, try {http.Request.Headers["Pulang-Delivery-Attempt"]})");
    Console.WriteLine($"  dataschema={e.DataSchema} data={e.Data}");
    return Results.Ok();
});

Console.WriteLine($"Pulang demo subscriber on {url}/events (Ctrl-C to stop)");
await app.RunAsync();
