using System.Net;
using System.Text.Json;

namespace Pulang.Cli;

/// <summary>
/// <c>pulang manifest &lt;file&gt;</c>: submits an embassy manifest (<c>POST /api/manifests</c>, the body the file as it
/// is: <c>text/csv</c> for <c>.csv</c>, <c>application/json</c> for <c>.json</c>), which answers 202
/// <c>{manifestId, created: true, lines, location}</c> (200 with <c>created: false</c> for a file received before); then follows <c>GET /api/manifests/{id}</c> until it is finished, showing how many lines are done, and
/// prints each line's result (docs/manifests.md): <c>manifestId</c>, <c>status</c> (<c>running</c> until <c>completed</c>,
/// <c>failed</c> or <c>rejected</c>), <c>counts</c> (<c>lines</c>, <c>created</c>, <c>existing</c>, <c>conflict</c>,
/// <c>refused</c>), <c>processed</c>, <c>rejection</c>, <c>results[]</c> (<c>line</c>, <c>externalReference</c>,
/// <c>status</c> created/existing/conflict/refused, <c>caseId</c>, <c>errors</c>, <c>fields</c>).
/// </summary>
public static class Manifest
{
    static readonly string[] Finished = ["completed", "failed", "rejected"];

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
        var id = Text(accepted, "manifestId") ?? Text(accepted, "id")
            ?? throw new CliException(ExitCodes.Unavailable, "Jawaban POST /api/manifests tanpa manifestId.");
        var sent = Number(accepted, "lines") is { } n ? $", {n} baris" : "";
        output.Line(accepted.ValueKind == JsonValueKind.Object && accepted.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.False
            ? $"Manifes {id} sudah diterima sebelumnya (HTTP {(int)posted.StatusCode}{sent}; already received, nothing is started again): hasilnya..."
            : $"Manifes {id} diterima (HTTP {(int)posted.StatusCode}{sent}); memproses...");

        JsonElement state = default;
        await output.RunAsync($"Manifes {id}", 100, async (advance, describe, line) =>
        {
            double shown = 0;
            var seen = 0;
            while (true)
            {
                state = await api.GetJsonAsync($"api/manifests/{Uri.EscapeDataString(id)}", ct);
                var total = state.TryGetProperty("counts", out var counts) ? Number(counts, "lines") ?? 0 : 0;
                var processed = Number(state, "processed")
                    ?? (state.TryGetProperty("results", out var rs) && rs.ValueKind == JsonValueKind.Array ? rs.GetArrayLength() : 0);
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
        if (state.TryGetProperty("results", out var lines) && lines.ValueKind == JsonValueKind.Array)
        {
            foreach (var l in lines.EnumerateArray())
            {
                var status = Text(l, "status") ?? "?";
                var ok = status is "created" or "existing";
                if (!ok) failed++;
                var problem = l.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                    ? string.Join("; ", errors.EnumerateArray().Select(e => $"{Text(e, "code")}: {Text(e, "message")}"))
                    : l.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array ? "berbeda: " + string.Join(", ", fields.EnumerateArray().Select(f => f.ToString())) : null;
                var number = Number(l, "line")?.ToString() ?? "?";
                var caseId = Text(l, "caseId") is { } listed ? " " + listed : "";
                output.Line($"baris {number} {Text(l, "externalReference")}: {status}{caseId}{(problem is null ? "" : " — " + problem)}");
            }
        }

        var tally = state.TryGetProperty("counts", out var c) && c.ValueKind == JsonValueKind.Object
            ? $" ({Number(c, "created") ?? 0} dibuat, {Number(c, "existing") ?? 0} sudah ada, {Number(c, "conflict") ?? 0} konflik, {Number(c, "refused") ?? 0} ditolak)"
            : "";
        if (state.TryGetProperty("rejection", out var rejection) && rejection.ValueKind == JsonValueKind.Object)
        {
            output.Line($"Manifes ditolak seluruhnya (rejected as a whole): {Text(rejection, "code")}: {Text(rejection, "message")}");
        }

        output.Line($"Manifes {id}: {Text(state, "status")}{tally}, {failed} baris gagal.");
        if (output.Json) Output.WriteJson(state);
        return failed > 0 || Text(state, "status") is "failed" or "rejected" ? ExitCodes.Refused : ExitCodes.Ok;
    }

    static string? Text(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static long? Number(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}
