using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace Pulang.Cli;

/// <summary>
/// Pulang's HTTP API as the CLI uses it: the session's bearer token on every call, RFC 9457 problems turned into
/// <see cref="CliException"/>s with the right exit code (401/403 → <see cref="ExitCodes.Auth"/>, 404 →
/// <see cref="ExitCodes.NotFound"/>, other 4xx → <see cref="ExitCodes.Refused"/>, 5xx or no answer →
/// <see cref="ExitCodes.Unavailable"/>), and calls retried (Polly: 4 attempts, exponential back-off from 1 s, honouring
/// <c>Retry-After</c>) when the service does not answer or answers 5xx/429. Every call is safe to repeat: reads, and uploads
/// (the case keeps one document per content hash and kind).
/// </summary>
public sealed class Api : IDisposable
{
    readonly HttpClient http;
    readonly ResiliencePipeline<HttpResponseMessage> retry;

    /// <summary>A client for <paramref name="server"/> with <paramref name="token"/> (null: anonymous calls only).</summary>
    public Api(string server, string? token, TimeSpan? timeout = null)
    {
        http = new HttpClient { BaseAddress = new Uri(server.TrimEnd('/') + "/"), Timeout = timeout ?? TimeSpan.FromMinutes(5) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        retry = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 3,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TaskCanceledException>(e => e.InnerException is TimeoutException)
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.TooManyRequests),
                DelayGenerator = a => ValueTask.FromResult(a.Outcome.Result?.Headers.RetryAfter?.Delta),
            })
            .Build();
    }

    /// <summary>The client for the signed-in session: its server (or <paramref name="serverOverride"/>) and its token.</summary>
    /// <exception cref="CliException">Not signed in, or the token has expired (<see cref="ExitCodes.Auth"/>).</exception>
    public static Api ForSession(Session session, string? serverOverride = null)
    {
        if (session.Token is null)
        {
            throw new CliException(ExitCodes.Auth, "Belum masuk (not signed in): jalankan `pulang login`.");
        }

        if (session.ExpiresAt is { } expires && expires < DateTimeOffset.UtcNow)
        {
            throw new CliException(ExitCodes.Auth, $"Token kedaluwarsa sejak {expires:yyyy-MM-dd HH:mm} UTC (token expired): jalankan `pulang login` lagi.");
        }

        return new Api(serverOverride ?? session.Server, session.Token);
    }

    /// <summary>The base address.</summary>
    public Uri Server => http.BaseAddress!;

    /// <summary>GET <paramref name="path"/> as JSON; problems throw.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), ct);
        return await ReadAsync(response, ct);
    }

    /// <summary>GET <paramref name="path"/> as bytes; problems throw.</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), ct);
        if (!response.IsSuccessStatusCode) await ReadAsync(response, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    /// <summary>Sends a request (built again for each attempt), retrying when the service does not answer or fails.</summary>
    /// <exception cref="CliException">No answer after the retries (<see cref="ExitCodes.Unavailable"/>).</exception>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken ct)
    {
        try
        {
            return await retry.ExecuteAsync(async token => await http.SendAsync(request(), token), ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unavailable, $"Layanan tidak dapat dihubungi di {Server} (service unreachable): {e.Message}");
        }
    }

    /// <summary>The JSON of a successful answer; a problem answer throws with its exit code.</summary>
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement json = default;
        try
        {
            if (text.Length > 0) json = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
        }

        if (response.IsSuccessStatusCode)
        {
            return json;
        }

        throw ProblemOf(response.StatusCode, json, text);
    }

    /// <summary>The exception for a problem answer: <c>HTTP 409 case.finished: detail</c>.</summary>
    public static CliException ProblemOf(HttpStatusCode status, JsonElement problem, string? text = null)
    {
        var code = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        var detail = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var d) ? d.GetString()
            : string.IsNullOrWhiteSpace(text) ? status.ToString() : text.Length > 200 ? text[..200] : text;
        var exit = (int)status switch
        {
            401 or 403 => ExitCodes.Auth,
            404 => ExitCodes.NotFound,
            >= 500 => ExitCodes.Unavailable,
            _ => ExitCodes.Refused,
        };
        var hint = (int)status == 401 ? " Jalankan `pulang login` lagi." : "";
        return new CliException(exit, $"HTTP {(int)status}{(code is null ? "" : " " + code)}: {detail}{hint}") { Data = { ["code"] = code, ["status"] = (int)status } };
    }

    /// <inheritdoc/>
    public void Dispose() => http.Dispose();
}
