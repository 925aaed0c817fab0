using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pulang.Workflows;
using Pulang.Workflows.Domain;

namespace Pulang.SelfHost;

/// <summary>An HTTP response from Pulang: status, body text, and the case state when the body is one.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, string? ContentType)
{
    /// <summary>The body as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The body as a case state.</summary>
    public CaseState Case => JsonSerializer.Deserialize<CaseState>(Body, PulangJson.Options)!;

    /// <summary>The response headers (name, comma-joined values; names compared ignoring case).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Throws unless the status is 2xx, with the problem details in the message.</summary>
    public ApiResponse EnsureSuccess() => (int)Status is >= 200 and < 300 ? this : throw new HttpRequestException($"{(int)Status} {Status}: {Body}");
}

/// <summary>A small client for Pulang's HTTP API, used by the demo and the end-to-end tests.</summary>
public sealed class PulangClient(HttpClient http)
{
    /// <summary>The underlying client (base address = the service).</summary>
    public HttpClient Http { get; } = http;

    /// <summary>
    /// Sends a request with an optional bearer token, body, <c>Idempotency-Key</c> and RFC 7240 <c>Prefer</c>
    /// header (e.g. <c>respond-async</c>: a command answers 202 as soon as the case has it).
    /// </summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null, string? idempotencyKey = null, CancellationToken ct = default, string? prefer = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (prefer is not null)
        {
            request.Headers.Add("Prefer", prefer);
        }

        using var response = await Http.SendAsync(request, ct);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(ct), response.Content.Headers.ContentType?.MediaType)
        {
            Headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>POST/PUT/DELETE with a JSON body.</summary>
    public Task<ApiResponse> JsonAsync(HttpMethod method, string path, string? token, object body, string? idempotencyKey = null, CancellationToken ct = default, string? prefer = null) =>
        SendAsync(method, path, token, JsonContent.Create(body, options: PulangJson.Options), idempotencyKey, ct, prefer);

    /// <summary>GET.</summary>
    public Task<ApiResponse> GetAsync(string path, string? token, CancellationToken ct = default) => SendAsync(HttpMethod.Get, path, token, null, null, ct);

    /// <summary>Uploads a scan file as <paramref name="kind"/> (Content-Type from the file's extension).</summary>
    public Task<ApiResponse> UploadAsync(string caseId, string kind, string file, string? token, CancellationToken ct = default) =>
        UploadAsync(caseId, kind, new StreamContent(File.OpenRead(file)), ContentTypeOf(file), token, ct);

    /// <summary>Uploads scan bytes (e.g. a generated page) as <paramref name="kind"/>; <paramref name="fileName"/> gives the Content-Type.</summary>
    public Task<ApiResponse> UploadAsync(string caseId, string kind, byte[] scan, string fileName, string? token, CancellationToken ct = default) =>
        UploadAsync(caseId, kind, new ByteArrayContent(scan), ContentTypeOf(fileName), token, ct);

    Task<ApiResponse> UploadAsync(string caseId, string kind, HttpContent content, string contentType, string? token, CancellationToken ct)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/{kind}", token, content, null, ct);
    }

    static string ContentTypeOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".tif" or ".tiff" => "image/tiff",
        ".pdf" => "application/pdf",
        _ => "application/octet-stream",
    };

    /// <summary>Polls the case until <paramref name="done"/> holds, or throws after <paramref name="timeout"/>.</summary>
    public async Task<CaseState> WaitForAsync(string caseId, string token, Func<CaseState, bool> done, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = (await GetAsync($"/api/cases/{caseId}", token, ct)).EnsureSuccess().Case;
            if (done(state))
            {
                return state;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Case {caseId} did not reach the expected state within {timeout.TotalSeconds:F0} s; it is {state.Stage}.");
            }

            await Task.Delay(250, ct);
        }
    }
}
