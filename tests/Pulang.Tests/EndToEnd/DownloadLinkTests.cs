using System.Net;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.EndToEnd;

/// <summary>Scans are served through short-lived signed links scoped to one document; the expiry is real.</summary>
public sealed class DownloadLinkTests(TestStorage storage)
{
    [Fact]
    public async Task A_signed_link_serves_the_scan_until_it_expires_and_a_tampered_link_never()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("dl"), new Dictionary<string, string>
        {
            ["Pulang__DownloadLinkLifetime"] = "00:00:04",
        });
        await host.StartAsync();
        var api = host.Client;
        var caseId = (await api.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"DL-{Guid.NewGuid():N}"), ct: ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        var file = TestPaths.Scan("ktp_300dpi.jpg");
        var documentId = (await api.UploadAsync(caseId, "ktp", file, host.Tokens.MintDemo("sentra-intake-officer"), ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        await api.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.Documents.Any(d => d.DocumentId == documentId), TimeSpan.FromMinutes(3), ct);

        var link = (await api.GetAsync($"/api/cases/{caseId}/documents/{documentId}/content", host.Tokens.MintDemo("bp3mi-reader"), ct)).EnsureSuccess().Json;
        var url = link.GetProperty("url").GetString()!;
        Assert.StartsWith($"/downloads/{caseId}/{documentId}?expires=", url);

        using var anonymous = new HttpClient { BaseAddress = api.Http.BaseAddress };
        var response = await anonymous.GetAsync(url, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(await File.ReadAllBytesAsync(file, ct), await response.Content.ReadAsByteArrayAsync(ct));

        var tampered = url[..^1] + (url[^1] == '0' ? '1' : '0');
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(tampered, ct)).StatusCode);
        var otherDocument = url.Replace(documentId, "DOC-000000000000", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(otherDocument, ct)).StatusCode);
        var longer = System.Text.RegularExpressions.Regex.Replace(url, @"expires=(\d+)", m => $"expires={long.Parse(m.Groups[1].Value) + 3600}");
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(longer, ct)).StatusCode);

        var expiresAt = link.GetProperty("expiresAt").GetDateTimeOffset();
        await Task.Delay(expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.5), ct);
        var expired = await anonymous.GetAsync(url, ct);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Contains("link.expired", await expired.Content.ReadAsStringAsync(ct));

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync($"/api/cases/{caseId}/documents/{documentId}/content", null, ct)).Status);
    }
}
