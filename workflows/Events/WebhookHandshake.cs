using Microsoft.Extensions.Options;

namespace Pulang.Workflows.Events;

/// <summary>
/// The CloudEvents HTTP webhook validation handshake (abuse protection): <c>OPTIONS {url}</c> with
/// <c>WebHook-Request-Origin: {origin}</c>; the receiver agrees by answering 2xx with <c>WebHook-Allowed-Origin</c> equal to
/// the origin or <c>*</c>.
/// </summary>
public sealed class WebhookHandshake(IHttpClientFactory http, IOptions<PulangOptions> options)
{
    /// <summary>Null when <paramref name="url"/> agreed to receive Pulang's events; else why not (for the problem's detail).</summary>
    public async Task<string?> ValidateAsync(Uri url, CancellationToken ct)
    {
        var origin = options.Value.Webhooks.Origin;
        using var request = new HttpRequestMessage(HttpMethod.Options, url);
        request.Headers.Add("WebHook-Request-Origin", origin);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.Webhooks.Timeout);
            using var response = await http.CreateClient(DeliverWebhookActivity.HttpClientName).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return $"The receiver answered the validation request (OPTIONS) with HTTP {(int)response.StatusCode}.";
            }

            var allowed = response.Headers.TryGetValues("WebHook-Allowed-Origin", out var values) ? values.ToList() : [];
            return allowed.Any(a => a == "*" || string.Equals(a, origin, StringComparison.OrdinalIgnoreCase))
                ? null
                : $"The receiver's answer to the validation request has no WebHook-Allowed-Origin: {origin} (or *).";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return e is OperationCanceledException ? "The receiver did not answer the validation request in time." : "The receiver could not be reached for the validation request.";
        }
    }
}
