using System.Net;
using System.Text.Json;

namespace Pulang.Cli;

/// <summary>
/// <c>pulang manifest &lt;file&gt;</c>: submits an embassy manifest (<c>POST /api/manifests</c>, the body the file as it
/// is: <c>text/csv</c> for <c>.csv</c>, <c>application/json</c> for <c>.json</c>), which answers 202 with the manifest's
/// <c>id</c>; then follows <c>GET /api/manifests/{id}</c> until it is finished, showing how many lines are done, and
/// prints each line's result. The contract is the systems branch's; fields read: <c>id</c> (or <c>manifestId</c>),
/// <c>status</c>, <c>total</c>, <c>processed</c>, <c>lines[]</c> (<c>line</c>, <c>externalReference</c>, <c>status</c>,
/// <c>caseId</c>, <c>error</c>/<c>code</c>).
/// </summary>
public static class Manifest
{
    static readonly string[] Finished = ["completed", "done", "finished", "failed", "succeeded"];

    /// <summary>Submits and follows a manifest. Returns the exit code (<see cref="ExitCodes.Refused"/> when any line failed).</summary>
    public static async Task<int> RunAsync(Api api, string file, Output output, TimeSpan poll, CancellationToken ct)
    {
        var type = Path.GetExtension(file).ToLowerInvariant() switch { ".csv" => "text/csv", ".json" => "application/json", _ => null };
        if (!File.Exists(file) || type is null || new FileInfo(file).Length == 0)
        {
            Output.Error($"{file}: harus berkas .csv atau .json yang ada dan tidak kosong (a non-empty .csv or .json manifest).");
            return ExitCodes.BadInput;
        }

        var bytes = await File.ReadAllBytesAsync(file, ct);
        using var posted = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/manifests")
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new(type) } },
        }, ct);
        var accepted = await Api.ReadAsync(posted, ct);
        var id = Text(accepted, "id") ?? Text(accepted, "manifestId")
            ?? throw new CliException(ExitCodes.Unavailable, "Jawaban POST /api/manifests tanpa id.");
        output.Line($"Manifes {id} diterima (HTTP {(int)posted.StatusCode}); memproses...");

        JsonElement state = default;
        await output.RunAsync($"Manifes {id}", 100, async (advance, describe, line) =>
        {
            double shown = 0;
            var seen = 0;
            while (true)
            {
                state = await api.GetJsonAsync($"api/manifests/{Uri.EscapeDataString(id)}", ct);
                var total = Number(state, "total") ?? Number(state, "lines") ?? 0;
                var processed = Number(state, "processed") ?? (state.TryGetProperty("lines", out var ls) && ls.ValueKind == JsonValueKind.Array ? ls.EnumerateArray().Count(l => Text(l, "status") is not (null or "pending")) : 0);
                var percent = total > 0 ? 100.0 * processed / total : 0;
                advance((long)(percent - shown));
                shown = (long)percent;
                describe($"Manifes {id}: {processed}/{total}");
                if (!output.Terminal && processed != seen)
                {
                    line($"{processed}/{total} baris diproses");
                    seen = (int)processed;
                }

                if (Text(state, "status") is { } s && Finished.Contains(s.ToLowerInvariant())) return;
                await Task.Delay(poll, ct);
            }
        });

        var failed = 0;
        if (state.TryGetProperty("lines", out var lines) && lines.ValueKind == JsonValueKind.Array)
        {
            foreach (var l in lines.EnumerateArray())
            {
                var status = Text(l, "status") ?? "?";
                var ok = status is "created" or "existing" or "ok" or "accepted" or "started";
                if (!ok) failed++;
                var problem = Text(l, "error") ?? Text(l, "code");
                var number = Number(l, "line")?.ToString() ?? "?";
                output.Line($"baris {number} {Text(l, "externalReference")}: {status} {Text(l, "caseId")}{(problem is null ? "" : " — " + problem)}");
            }
        }

        output.Line($"Manifes {id}: {Text(state, "status")}, {failed} baris gagal.");
        if (output.Json) Output.WriteJson(state);
        return failed > 0 || Text(state, "status") == "failed" ? ExitCodes.Refused : ExitCodes.Ok;
    }

    static string? Text(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static long? Number(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}
