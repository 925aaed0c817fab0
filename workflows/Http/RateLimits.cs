using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Pulang.Workflows.Http;

/// <summary>
/// Requests per minute per caller and route group (<c>Pulang:RateLimits</c>). A person clicks a few times a minute; a
/// scanner uploads a few pages a minute; these limits are far above both and far below a loop.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Pulang:RateLimits";

    /// <summary>Off: no limit (default on).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Reads (GET, HEAD): default 600 a minute.</summary>
    public int ReadPerMinute { get; set; } = 600;

    /// <summary>Commands and intake (POST, DELETE, PATCH, PUT other than uploads): default 120 a minute.</summary>
    public int WritePerMinute { get; set; } = 120;

    /// <summary>Scan uploads (<c>PUT .../documents/...</c>): default 60 a minute.</summary>
    public int UploadPerMinute { get; set; } = 60;
}

/// <summary>
/// The one rate limiter of both hosts: the self-host's ASP.NET Core rate limiting (<c>UseRateLimiter</c>) and the Function
/// App's worker middleware take the same <see cref="Create"/> limiter and answer with the same <see cref="Rejected"/>.
/// A fixed window of one minute per partition <c>{caller}|{group}</c>: the caller is the actor the audit trail records
/// (<c>oid</c>, else <c>sub</c>) or, before authentication succeeds, <c>ip:{remote address}</c>; the group is
/// <c>read</c>, <c>write</c> or <c>upload</c> (<see cref="GroupOf"/>). <c>/healthz</c> is never limited.
/// </summary>
public static class RateLimits
{
    /// <summary>The options from configuration (<see cref="RateLimitOptions.Section"/>).</summary>
    public static RateLimitOptions Options(IConfiguration configuration) =>
        configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();

    /// <summary><c>upload</c> (PUT of a document), <c>write</c> (any other method but GET/HEAD/OPTIONS), <c>read</c>; null for <c>/healthz</c>.</summary>
    public static string? GroupOf(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (path.Equals("/healthz", StringComparison.OrdinalIgnoreCase)) return null;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return "read";
        return HttpMethods.IsPut(request.Method) && path.Contains("/documents/", StringComparison.OrdinalIgnoreCase) ? "upload" : "write";
    }

    /// <summary>
    /// The caller's partition name: <c>user:{actor ID}</c> when authenticated (the same ID the audit trail records,
    /// <see cref="CaseEndpoints.ActorOf"/>: <c>oid</c>, else <c>sub</c>), else <c>ip:{remote address}</c>.
    /// </summary>
    public static string CallerOf(HttpContext http) =>
        CaseEndpoints.ActorOf(http.User) is { } actor
            ? "user:" + actor.Id
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>The limiter: one fixed one-minute window per caller and group, no queue.</summary>
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return PartitionedRateLimiter.Create<HttpContext, string>(http =>
        {
            var group = options.Enabled ? GroupOf(http.Request) : null;
            if (group is null) return RateLimitPartition.GetNoLimiter("none");
            var permits = group switch { "read" => options.ReadPerMinute, "upload" => options.UploadPerMinute, _ => options.WritePerMinute };
            return RateLimitPartition.GetFixedWindowLimiter($"{CallerOf(http)}|{group}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, permits),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    /// <summary>
    /// 429 problem details (<c>rate.limited</c>, Indonesian first) with <c>Retry-After</c> in whole seconds (from the lease,
    /// else the window's 60 s), written to <paramref name="http"/>.
    /// </summary>
    public static Task WriteRejectedAsync(HttpContext http, RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(http);
        var seconds = lease is not null && lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Rejected(seconds).ExecuteAsync(http);
    }

    /// <summary>The 429 problem for a caller who must wait <paramref name="retryAfterSeconds"/>.</summary>
    public static IResult Rejected(int retryAfterSeconds) => Problems.Of(429, "rate.limited", "Too many requests",
        $"Terlalu banyak permintaan; coba lagi dalam {retryAfterSeconds} detik. (Too many requests from this caller for this kind of call; retry after {retryAfterSeconds} s, see Retry-After.)");
}
