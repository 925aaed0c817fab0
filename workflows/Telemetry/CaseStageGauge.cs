using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Workflows.Telemetry;

/// <summary>
/// The observable gauge <c>pulang.cases</c>: open and finished cases per stage (tag <c>pulang.stage</c>), counted from the case
/// index (<c>PulangCases</c>, the <c>Stage</c> column only) once every <see cref="Interval"/> in the background, so a metrics
/// collection never waits on storage. Before the first count the gauge reports nothing.
/// </summary>
public sealed class CaseStageGauge : BackgroundService
{
    /// <summary>How often the index is counted: 60 s.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    readonly PulangStorage storage;
    readonly ILogger<CaseStageGauge> logger;
    volatile IReadOnlyDictionary<Stage, long> counts = new Dictionary<Stage, long>();

    /// <summary>Creates the gauge on <see cref="PulangTelemetry.Meter"/>.</summary>
    public CaseStageGauge(PulangStorage storage, ILogger<CaseStageGauge> logger)
    {
        this.storage = storage;
        this.logger = logger;
        PulangTelemetry.Meter.CreateObservableGauge("pulang.cases", Observe, "{case}", "Cases per stage, from the case index.");
    }

    IEnumerable<Measurement<long>> Observe() =>
        counts.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>(PulangTelemetry.Stage, p.Key.ToString())));

    /// <summary>Counts the index's rows per stage (one query, the Stage column only).</summary>
    public async Task<IReadOnlyDictionary<Stage, long>> CountAsync(CancellationToken ct)
    {
        var result = Enum.GetValues<Stage>().ToDictionary(s => s, _ => 0L);
        await foreach (var row in storage.Cases.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {CaseIndex.Partition}"), select: ["Stage"], cancellationToken: ct))
        {
            if (Enum.TryParse<Stage>(row.GetString("Stage"), out var stage))
            {
                result[stage]++;
            }
        }

        return result;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                counts = await CountAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Counting cases per stage failed: {Error}", e.Message);
            }

            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
