using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Http;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Rate limits per caller and route group (<see cref="RateLimits"/>, the one limiter of both hosts) on the real self-host,
/// and repeated refusals of one caller on one case folded into one audit entry (<see cref="Pulang.Workflows.Audit.RefusalAudit"/>).
/// </summary>
public sealed class RateLimitTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_caller_past_the_limit_gets_429_with_retry_after_others_and_other_groups_go_on_and_refusals_fold()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("limits"), new Dictionary<string, string>
        {
            ["Pulang__RateLimits__Enabled"] = "true",
            ["Pulang__RateLimits__ReadPerMinute"] = "30",
            ["Pulang__RateLimits__WritePerMinute"] = "4",
        });
        await host.StartAsync();
        var http = host.Client.Http;
        async Task<HttpResponseMessage> Send(HttpMethod method, string path, string user, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Tokens.MintDemo(user));
            return await http.SendAsync(request, Ct);
        }

        var created = await Send(HttpMethod.Post, "/api/cases", "embassy-kl-manifest", EndToEndTests.Intake($"LIMIT-{Guid.NewGuid():N}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var caseId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("caseId").GetString()!;

        // Four refused holds (a reader may not place one): four answers, one audit entry.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, $"/api/cases/{caseId}/holds", "bp3mi-reader", new { reason = "loop" })).StatusCode);
        }

        var limited = await Send(HttpMethod.Post, $"/api/cases/{caseId}/holds", "bp3mi-reader", new { reason = "loop" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("rate.limited", problem.GetProperty("code").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());

        // The same caller's reads are another group; another caller's writes are another partition.
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/cases?max=1", "bp3mi-reader")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await Send(HttpMethod.Get, "/api/cases?max=1", "bp3mi-reader")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, $"/api/cases/{caseId}/holds", "sentra-intake-officer", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);

        var audit = await (await Send(HttpMethod.Get, $"/api/cases/{caseId}/audit", "pulang-admin")).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var refused = audit.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("outcome").GetString() == "refused")
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("code").GetString(), e.GetProperty("actor").GetString())).ToList();
        Assert.Single(refused, r => r == ("holdPlaced", "role.required", "bp3mi-reader"));
        Assert.Single(refused, r => r == ("holdPlaced", "role.required", "sentra-intake-officer"));
        Assert.True(audit.GetProperty("verification").GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void The_limiter_partitions_by_caller_and_group_and_never_limits_health()
    {
        using var limiter = RateLimits.Create(new RateLimitOptions { ReadPerMinute = 2, WritePerMinute = 1, UploadPerMinute = 1 });
        static DefaultHttpContext Request(string method, string path, string? user)
        {
            var http = new DefaultHttpContext();
            http.Request.Method = method;
            http.Request.Path = path;
            http.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.7");
            if (user is not null) http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new("sub", user)], "test"));
            return http;
        }

        bool Acquire(string method, string path, string? user) => limiter.AttemptAcquire(Request(method, path, user)).IsAcquired;

        Assert.True(Acquire("GET", "/api/cases", "a"));
        Assert.True(Acquire("GET", "/api/inbox", "a"));
        Assert.False(Acquire("GET", "/api/cases", "a"));
        Assert.True(Acquire("GET", "/api/cases", "b"));
        Assert.True(Acquire("POST", "/api/cases/PLG-1/holds", "a"));
        Assert.False(Acquire("POST", "/api/cases/PLG-1/holds", "a"));
        Assert.True(Acquire("PUT", "/api/cases/PLG-1/documents/ktp", "a"));
        Assert.False(Acquire("PUT", "/api/cases/PLG-1/documents/ktp", "a"));
        Assert.True(Acquire("GET", "/api/cases", null)); // anonymous: by address
        Assert.True(Acquire("GET", "/api/cases", null));
        Assert.False(Acquire("GET", "/api/cases", null));
        for (var i = 0; i < 10; i++) Assert.True(Acquire("GET", "/healthz", "a"));
        Assert.Equal("upload", RateLimits.GroupOf(Request("PUT", "/api/cases/x/documents/passport", null).Request));
    }
}
