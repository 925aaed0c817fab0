using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pulang.Functions.Hosting;
using Pulang.Functions.Triggers;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Functions;

/// <summary>
/// The Function App's rate limits: the worker's <see cref="RateLimitMiddleware"/> with the limiter the Function App registers
/// from its settings (<see cref="FunctionsServices.AddPulangFunctions"/>, the self-host's <c>RateLimits</c>), in front of the
/// real HTTP triggers on Azurite, as the worker runs it for each invocation.
/// </summary>
public sealed partial class FunctionsAdapterTests
{
    [Fact]
    public async Task The_workers_middleware_answers_429_with_retry_after_per_caller_and_refusals_fold_into_one_audit_entry()
    {
        var caseId = await StartCaseThroughQueueTriggerAsync("FN-RL-" + Guid.NewGuid().ToString("N")[..8]);
        await WaitForAsync(caseId, s => s.Stage == Stage.DocumentsPending);

        // The limiter as the Function App registers it, from its settings.
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", // only the limiter is taken from this registration
            ["Pulang:RateLimits:WritePerMinute"] = "4",
            ["Pulang:RateLimits:ReadPerMinute"] = "30",
        }).Build();
        var registration = new ServiceCollection();
        registration.AddSingleton<IConfiguration>(settings);
        registration.AddPulangFunctions(settings);
        await using var registered = registration.BuildServiceProvider();
        var middleware = new RateLimitMiddleware(registered.GetRequiredService<PartitionedRateLimiter<HttpContext>>());

        static ClaimsPrincipal User(string id, string role) => new(new ClaimsIdentity([new Claim("oid", id), new Claim("roles", role)], "test", "name", "roles"));
        var reader = User("reader-rl-" + caseId, Roles.Reader);
        var otherReader = User("reader-rl-2-" + caseId, Roles.Reader);

        async Task<(int Status, string Body, HttpResponse Response, bool Reached)> InvokeAsync(ClaimsPrincipal user, string method, string path, Func<HttpRequest, Task<IResult>> trigger, string? json = null)
        {
            await using var scope = services.CreateAsyncScope();
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, User = user };
            http.Request.Method = method;
            http.Request.Path = path;
            if (json is not null)
            {
                http.Request.ContentType = "application/json";
                http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
            }

            var body = new MemoryStream();
            http.Response.Body = body;
            var context = new TestFunctionContext(scope.ServiceProvider, new Dictionary<string, object?>());
            context.Items["HttpRequestContext"] = http; // where the ASP.NET Core integration puts the invocation's HttpContext
            var reached = false;
            await middleware.Invoke(context, async _ =>
            {
                reached = true;
                await (await trigger(http.Request)).ExecuteAsync(http);
            });
            return (http.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), http.Response, reached);
        }

        Task<(int Status, string Body, HttpResponse Response, bool Reached)> PlaceHoldAsync(ClaimsPrincipal user) =>
            InvokeAsync(user, "POST", $"/api/cases/{caseId}/holds", r => HttpTriggers.PlaceHold(r, caseId, engine.Client), """{"reason":"loop"}""");

        // Four refused holds (a reader may not place one) reach the trigger; the fifth stops at the middleware.
        for (var i = 0; i < 4; i++)
        {
            var (status, body, _, reached) = await PlaceHoldAsync(reader);
            Assert.True(reached && status == 403, $"call {i + 1}: {status} {body}");
        }

        var limited = await PlaceHoldAsync(reader);
        Assert.False(limited.Reached);
        Assert.Equal(429, limited.Status);
        Assert.Equal("application/problem+json", limited.Response.ContentType?.Split(';')[0]);
        Assert.InRange(int.Parse(limited.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        var problem = JsonDocument.Parse(limited.Body).RootElement;
        Assert.Equal("rate.limited", problem.GetProperty("code").GetString());
        Assert.Equal("urn:pulang:problem:rate.limited", problem.GetProperty("type").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("Terlalu banyak permintaan", problem.GetProperty("detail").GetString());

        // Another caller (told apart by oid, as the audit trail tells them) and the same caller's reads go on.
        var other = await PlaceHoldAsync(otherReader);
        Assert.True(other.Reached && other.Status == 403, $"{other.Status} {other.Body}");
        var read = await InvokeAsync(reader, "GET", $"/api/cases/{caseId}", r => HttpTriggers.GetCase(r, caseId, engine.Client));
        Assert.True(read.Reached && read.Status == 200, $"{read.Status} {read.Body}");

        // The four refusals of the first reader are one audit entry, the other reader's one more; nothing else changed.
        var admin = User("admin-rl-" + caseId, Roles.Admin);
        var trail = await InvokeAsync(admin, "GET", $"/api/cases/{caseId}/audit", r => HttpTriggers.GetAudit(r, caseId, engine.Client));
        Assert.True(trail.Status == 200, trail.Body);
        var entries = JsonDocument.Parse(trail.Body).RootElement;
        var refused = entries.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("outcome").GetString() == "refused")
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("code").GetString(), e.GetProperty("actor").GetString())).ToList();
        Assert.Single(refused, r => r == ("holdPlaced", "role.required", "reader-rl-" + caseId));
        Assert.Single(refused, r => r == ("holdPlaced", "role.required", "reader-rl-2-" + caseId));
        Assert.True(entries.GetProperty("verification").GetProperty("valid").GetBoolean(), trail.Body);
        Assert.Empty((await WaitForAsync(caseId, _ => true)).Holds);
    }
}
