using System.Text.Json;
using Spectre.Console;

namespace Pulang.Cli;

/// <summary>
/// Where the CLI writes: progress bars (Spectre.Console) when standard output is a terminal, else one plain line per
/// step (Spectre's live progress would only print 0% there); with <c>--json</c>, the result as one JSON document on
/// standard output and the lines for people on standard error.
/// </summary>
public sealed class Output(bool json)
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>True with <c>--json</c>.</summary>
    public bool Json { get; } = json;

    /// <summary>True when progress bars are drawn.</summary>
    public bool Terminal { get; } = !json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>A line for people (standard error with <c>--json</c>).</summary>
    public void Line(string text)
    {
        if (Json) Console.Error.WriteLine(text);
        else Console.Out.WriteLine(text);
    }

    /// <summary>A problem line, on standard error.</summary>
    public static void Error(string text) => Console.Error.WriteLine(text);

    /// <summary>Writes <paramref name="value"/> as JSON on standard output.</summary>
    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));

    /// <summary>
    /// Runs <paramref name="body"/> with a progress display of <paramref name="total"/> units (bytes): the body gets a way to
    /// add done units, to name the current step, and to write a line (above the bar on a terminal; plain otherwise).
    /// </summary>
    public async Task RunAsync(string title, long total, Func<Action<long>, Action<string>, Action<string>, Task> body)
    {
        if (!Terminal)
        {
            await body(_ => { }, _ => { }, Line);
            return;
        }

        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                await body(n => task.Increment(n), d => task.Description = Markup.Escape(d), l => AnsiConsole.MarkupLine(Markup.Escape(l)));
                task.Value = task.MaxValue;
                task.Description = Markup.Escape(title);
            });
    }
}
