using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Pulang.Workflows.Http;

namespace Pulang.Functions.Hosting;

/// <summary>
/// The self-host's rate limits in the Function App's worker (<see cref="RateLimits"/>: the same limiter, the same 429
/// answer with <c>Retry-After</c>), after <see cref="CallerAuthenticationMiddleware"/> so callers are told apart by their
/// token. The limiter is one singleton (<see cref="FunctionsServices.AddPulangFunctions"/>), per worker instance: a scaled-out app multiplies the limits by its instance count.
/// </summary>
public sealed class RateLimitMiddleware(PartitionedRateLimiter<HttpContext> limiter) : IFunctionsWorkerMiddleware
{
    /// <inheritdoc/>
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        using var lease = limiter.AttemptAcquire(http);
        if (!lease.IsAcquired)
        {
            await RateLimits.WriteRejectedAsync(http, lease);
            return;
        }

        await next(context);
    }
}
