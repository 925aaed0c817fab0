using System.Net;
using System.Net.Http.Headers;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.EndToEnd;

/// <summary>Scans larger than the web server's own default body limit (30 MB) up to MaxUploadBytes are accepted.</summary>
public sealed class LargeUploadTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_40_MB_scan_under_the_default_50_MiB_limit_is_accepted()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("large"), new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await host.StartAsync();
        var caseId = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"LARGE-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        var bytes = new byte[40 * 1024 * 1024];
        new Random(1).NextBytes(bytes);
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.CopyTo(bytes, 0);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var response = await host.Client.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/other", host.Tokens.MintDemo("sentra-intake-officer"), content, ct: Ct);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Body);
        Assert.Equal(bytes.Length, response.Json.GetProperty("length").GetInt64());
    }
}
