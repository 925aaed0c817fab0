using Microsoft.DurableTask;

namespace Pulang.Workflows.Telemetry;

/// <summary>
/// An activity whose failures are counted (<see cref="PulangTelemetry.ActivityFailures"/>, tags: activity name, exception type):
/// every failed try, including the ones the orchestration retries. The self-host wraps each activity it registers in one;
/// the Function App's activity triggers count through <see cref="RunAsync{T}"/>.
/// </summary>
/// <param name="name">The activity's registered name.</param>
/// <param name="inner">The activity.</param>
public sealed class CountedActivity(string name, ITaskActivity inner) : ITaskActivity
{
    /// <inheritdoc/>
    public Type InputType => inner.InputType;

    /// <inheritdoc/>
    public Type OutputType => inner.OutputType;

    /// <inheritdoc/>
    public Task<object?> RunAsync(TaskActivityContext context, object? input) => RunAsync(name, inner.RunAsync(context, input));

    /// <summary>Awaits <paramref name="run"/>; when it throws, counts one failure of <paramref name="activity"/> and throws it on.</summary>
    public static async Task<T> RunAsync<T>(string activity, Task<T> run)
    {
        try
        {
            return await run;
        }
        catch (Exception e)
        {
            PulangTelemetry.ActivityFailures.Add(1, new(PulangTelemetry.Activity, activity), new("error.type", e.GetType().FullName));
            throw;
        }
    }
}
