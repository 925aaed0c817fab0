using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>
/// A local stand-in for Azure AI Document Intelligence (REST 2024-11-30) on 127.0.0.1: it records every request and answers the
/// analyze POST and the operation GETs from scripted queues; when a queue is empty the analyze answers 202 and the operation
/// answers <see cref="FinalResult"/>.
/// </summary>
internal sealed class FakeDocumentIntelligence : IAsyncDisposable
{
    readonly WebApplication app;
    public ConcurrentQueue<Func<HttpContext, Task>> AnalyzeScript { get; } = new();
    public ConcurrentQueue<Func<HttpContext, Task>> PollScript { get; } = new();
    public ConcurrentQueue<(string Method, string PathAndQuery, string? Key, string? ContentType, long Length, DateTime At, string? Authorization)> Requests { get; } = new();
    public JsonObject FinalResult { get; set; } = Operation("succeeded", ReadResult());
    public Uri Endpoint { get; private set; } = null!;

    FakeDocumentIntelligence(WebApplication app) => this.app = app;

    /// <summary>Starts the fake on a free loopback port: HTTP, or HTTPS with <paramref name="httpsCertificate"/>.</summary>
    public static async Task<FakeDocumentIntelligence> StartAsync(X509Certificate2? httpsCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (httpsCertificate is null) builder.WebHost.UseUrls("http://127.0.0.1:0");
        else builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(httpsCertificate)));
        var app = builder.Build();
        var fake = new FakeDocumentIntelligence(app);
        app.Use(async (ctx, next) =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            fake.Requests.Enqueue((ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, ctx.Request.Headers["Ocp-Apim-Subscription-Key"].FirstOrDefault(),
                ctx.Request.ContentType, body.Length, DateTime.UtcNow, ctx.Request.Headers.Authorization.FirstOrDefault()));
            await next(ctx);
        });
        app.MapPost("/documentintelligence/documentModels/{model}", async ctx =>
        {
            if (fake.AnalyzeScript.TryDequeue(out var step)) { await step(ctx); return; }
            Accept(ctx, fake);
        });
        app.MapGet("/documentintelligence/documentModels/{model}/analyzeResults/{id}", async ctx =>
        {
            if (fake.PollScript.TryDequeue(out var step)) { await step(ctx); return; }
            await Json(ctx, 200, fake.FinalResult);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Endpoint = new Uri(address + "/");
        return fake;
    }

    public static void Accept(HttpContext ctx, FakeDocumentIntelligence fake)
    {
        var model = (string)ctx.Request.RouteValues["model"]!;
        model = model[..model.IndexOf(':')];
        ctx.Response.StatusCode = 202;
        ctx.Response.Headers["Operation-Location"] = $"{fake.Endpoint}documentintelligence/documentModels/{model}/analyzeResults/{Guid.NewGuid()}?api-version=2024-11-30";
    }

    public static Task Json(HttpContext ctx, int status, JsonNode body, string? retryAfter = null)
    {
        ctx.Response.StatusCode = status;
        if (retryAfter is not null) ctx.Response.Headers["Retry-After"] = retryAfter;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(body.ToJsonString());
    }

    public static JsonObject Operation(string status, JsonObject? analyzeResult = null, JsonObject? error = null)
    {
        var o = new JsonObject { ["status"] = status, ["createdDateTime"] = "2026-11-30T10:00:00Z", ["lastUpdatedDateTime"] = "2026-11-30T10:00:02Z" };
        if (analyzeResult is not null) o["analyzeResult"] = analyzeResult;
        if (error is not null) o["error"] = error;
        return o;
    }

    /// <summary>A documented-shape <c>analyzeResult</c>: rows of words (one line each) laid out on a 2000-pixel-wide page.</summary>
    public static JsonObject ReadResult(string modelId = "prebuilt-read", string[]? rows = null, JsonArray? documents = null)
    {
        rows ??= ["FORMULIR", "SPESIMEN"];
        var words = new JsonArray();
        var lines = new JsonArray();
        var offset = 0;
        for (var r = 0; r < rows.Length; r++)
        {
            double top = 100 + r * 50, bottom = top + 30, x = 50;
            foreach (var t in rows[r].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var w = t.Length * 18.0;
                words.Add(new JsonObject
                {
                    ["content"] = t,
                    ["polygon"] = new JsonArray(x, top, x + w, top, x + w, bottom, x, bottom),
                    ["confidence"] = 0.99,
                    ["span"] = new JsonObject { ["offset"] = offset, ["length"] = t.Length },
                });
                offset += t.Length + 1;
                x += w + 15;
            }
            lines.Add(new JsonObject
            {
                ["content"] = rows[r],
                ["polygon"] = new JsonArray(50.0, top, x, top, x, bottom, 50.0, bottom),
                ["spans"] = new JsonArray(new JsonObject { ["offset"] = 0, ["length"] = rows[r].Length }),
            });
        }
        return new JsonObject
        {
            ["apiVersion"] = "2024-11-30",
            ["modelId"] = modelId,
            ["stringIndexType"] = "textElements",
            ["content"] = string.Join('\n', rows),
            ["pages"] = new JsonArray(new JsonObject
            {
                ["pageNumber"] = 1, ["angle"] = 0, ["width"] = 2000, ["height"] = 100 + rows.Length * 50, ["unit"] = "pixel",
                ["words"] = words, ["lines"] = lines,
            }),
            ["documents"] = documents ?? [],
        };
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary><see cref="DocumentIntelligenceOcrEngine"/> against <see cref="FakeDocumentIntelligence"/> (fictional data only).</summary>
public class DocumentIntelligenceOcrEngineTests
{
    const string Key = "test-key-not-a-secret";
    static readonly Subject Sri = new("SRI RAHAYU WULANDARI", 'F', new DateOnly(1992, 8, 14), "3507125408920003");
    const string Line1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string Line2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";

    static DocumentIntelligenceOcrEngine Engine(FakeDocumentIntelligence fake, Action<DocumentIntelligenceOptions>? configure = null)
    {
        var o = new DocumentIntelligenceOptions
        {
            Endpoint = fake.Endpoint, Key = Key, PollInterval = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromSeconds(2), MaxWait = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(o);
        return new DocumentIntelligenceOcrEngine(o);
    }

    static MemoryStream Jpeg() => new([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4]);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The passport data page's visual zone rows and its MRZ, as Document Intelligence's prebuilt-idDocument gives them.</summary>
    static readonly string[] PassportRows =
    [
        "REPUBLIK INDONESIA PASPOR PASSPORT",
        "Nama / Name WULANDARI SRI RAHAYU",
        "Tgl. Lahir / Date of Birth 14 AUG 1992",
        "Jenis Kelamin / Sex P/F",
        Line1, Line2,
    ];

    static JsonObject PassportResult(string mrzContent) => FakeDocumentIntelligence.ReadResult("prebuilt-idDocument", PassportRows, new JsonArray(new JsonObject
    {
        ["docType"] = "idDocument.passport",
        ["confidence"] = 0.99,
        ["fields"] = new JsonObject
        {
            ["DocumentNumber"] = new JsonObject { ["type"] = "string", ["valueString"] = "C4821937", ["content"] = "C4821937", ["confidence"] = 0.99 },
            ["DateOfBirth"] = new JsonObject { ["type"] = "date", ["valueDate"] = "1992-08-14", ["content"] = "14 AUG 1992", ["confidence"] = 0.98 },
            ["MachineReadableZone"] = new JsonObject
            {
                ["type"] = "object",
                ["content"] = mrzContent,
                ["confidence"] = 0.97,
                ["valueObject"] = new JsonObject
                {
                    ["DocumentNumber"] = new JsonObject { ["type"] = "string", ["valueString"] = "C4821937", ["content"] = "C4821937", ["confidence"] = 0.99 },
                    ["LastName"] = new JsonObject { ["type"] = "string", ["valueString"] = "WULANDARI", ["content"] = "WULANDARI", ["confidence"] = 0.99 },
                },
            },
        },
    }));

    [Fact]
    public async Task Analyzes_with_polling_and_maps_the_documented_shape()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.FinalResult = FakeDocumentIntelligence.Operation("succeeded", PassportResult(Line1 + "\n" + Line2));
        fake.PollScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 200, FakeDocumentIntelligence.Operation("notStarted")));
        fake.PollScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 200, FakeDocumentIntelligence.Operation("running")));
        var engine = Engine(fake);

        var result = await engine.AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Passport.ToOcrHint(), Ct);

        var requests = fake.Requests.ToList();
        Assert.Equal(4, requests.Count);
        Assert.Equal("POST", requests[0].Method);
        Assert.Equal("/documentintelligence/documentModels/prebuilt-idDocument:analyze?api-version=2024-11-30", requests[0].PathAndQuery);
        Assert.Equal("image/jpeg", requests[0].ContentType);
        Assert.Equal(8, requests[0].Length);
        Assert.All(requests.Skip(1), r => Assert.Equal("GET", r.Method));
        Assert.All(requests, r => Assert.Equal(Key, r.Key));

        Assert.Equal("2024-11-30", result.ApiVersion);
        Assert.Equal("prebuilt-idDocument", result.ModelId);
        var page = Assert.Single(result.Pages);
        Assert.Equal("pixel", page.Unit);
        Assert.Equal(PassportRows.Length, page.Lines.Count);
        Assert.Equal(8, page.Words[0].Polygon.Count);
        Assert.Equal(0.99, page.Words[0].Confidence);
        var doc = Assert.Single(result.Documents);
        Assert.Equal("idDocument.passport", doc.DocType);
        Assert.Equal(Line1 + "\n" + Line2, doc.Fields["MachineReadableZone"].Content);
        Assert.Equal("object", doc.Fields["MachineReadableZone"].Type);
        Assert.Equal("C4821937", doc.Fields["MachineReadableZone.DocumentNumber"].Content);
        Assert.Equal("14 AUG 1992", doc.Fields["DateOfBirth"].Content);
    }

    [Theory]
    [InlineData("ktp", "prebuilt-idDocument")]
    [InlineData("splp", "prebuilt-idDocument")]
    [InlineData("assessment-form", "prebuilt-read")]
    [InlineData("health-screening", "prebuilt-read")]
    public async Task Chooses_the_model_by_document_kind(string route, string model)
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        Assert.True(DocumentKinds.TryParse(route, out var kind));
        await Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", kind.ToOcrHint(), Ct);
        Assert.StartsWith($"/documentintelligence/documentModels/{model}:analyze?", fake.Requests.First().PathAndQuery);
    }

    [Fact]
    public async Task Throttled_analyze_waits_for_Retry_After_then_succeeds()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.AnalyzeScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 429,
            new JsonObject { ["error"] = new JsonObject { ["code"] = "429", ["message"] = "Rate limit is exceeded." } }, retryAfter: "1"));
        var result = await Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Other.ToOcrHint(), Ct);

        Assert.Equal("prebuilt-read", result.ModelId);
        var posts = fake.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal(2, posts.Count);
        // The retry policy's own first delay is 20 ms: a gap near a second is the Retry-After.
        Assert.True(posts[1].At - posts[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(posts[1].At - posts[0].At).TotalMilliseconds} ms");
        Assert.All(posts, p => Assert.Equal(8, p.Length));
    }

    [Fact]
    public async Task Throttled_poll_waits_for_Retry_After_then_succeeds()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.PollScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 429,
            new JsonObject { ["error"] = new JsonObject { ["code"] = "429", ["message"] = "Rate limit is exceeded." } }, retryAfter: "1"));
        var result = await Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Other.ToOcrHint(), Ct);

        Assert.Equal("FORMULIR\nSPESIMEN", result.Content);
        Assert.Single(fake.Requests, r => r.Method == "POST");
        var gets = fake.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(2, gets.Count);
        Assert.Equal(gets[0].PathAndQuery, gets[1].PathAndQuery);
        // The retry policy's own first delay is 20 ms and the poll interval 20 ms: a gap near a second is the Retry-After.
        Assert.True(gets[1].At - gets[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(gets[1].At - gets[0].At).TotalMilliseconds} ms");
    }

    /// <summary>A <see cref="TokenCredential"/> that hands out a fixed fictional token and records the scopes asked for.</summary>
    sealed class RecordingCredential : TokenCredential
    {
        public ConcurrentQueue<string[]> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.Enqueue(requestContext.Scopes);
            return new AccessToken("test-token-not-a-secret", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>A self-signed certificate for 127.0.0.1, made for this test run only.</summary>
    static X509Certificate2 LoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Through PKCS#12 so that the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    [Fact]
    public async Task Entra_ID_sends_a_bearer_token_for_the_cognitive_services_scope_and_no_key()
    {
        // Azure.Core's BearerTokenAuthenticationPolicy sends tokens over HTTPS only: the fake listens on HTTPS with a certificate made
        // here, and the engine's transport trusts exactly that certificate (chain and name checked, not bypassed).
        using var certificate = LoopbackCertificate();
        await using var fake = await FakeDocumentIntelligence.StartAsync(certificate);
        Assert.Equal("https", fake.Endpoint.Scheme);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            CustomTrustStore = { certificate },
        };
        var credential = new RecordingCredential();
        var options = new DocumentIntelligenceOptions
        {
            Endpoint = fake.Endpoint, PollInterval = TimeSpan.FromMilliseconds(20), RetryDelay = TimeSpan.FromMilliseconds(20), MaxWait = TimeSpan.FromSeconds(20),
        };
        fake.PollScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 200, FakeDocumentIntelligence.Operation("running")));
        var engine = new DocumentIntelligenceOcrEngine(options, credential, null, new HttpClientTransport(handler));

        var result = await engine.AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Other.ToOcrHint(), Ct);

        Assert.Equal("FORMULIR\nSPESIMEN", result.Content);
        var requests = fake.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal("Bearer test-token-not-a-secret", r.Authorization));
        Assert.All(requests, r => Assert.Null(r.Key));
        Assert.NotEmpty(credential.Scopes);
        Assert.All(credential.Scopes, s => Assert.Equal(["https://cognitiveservices.azure.com/.default"], s));
        Assert.Equal("https://cognitiveservices.azure.com/.default", DocumentIntelligenceOcrEngine.Scope);
    }

    [Fact]
    public async Task Server_error_is_retried_then_succeeds()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.AnalyzeScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 500, new JsonObject { ["error"] = new JsonObject { ["code"] = "InternalServerError", ["message"] = "x" } }));
        fake.PollScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 503, new JsonObject { ["error"] = new JsonObject { ["code"] = "ServiceUnavailable", ["message"] = "x" } }));
        var result = await Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Other.ToOcrHint(), Ct);
        Assert.Equal("FORMULIR\nSPESIMEN", result.Content);
        Assert.Equal(2, fake.Requests.Count(r => r.Method == "POST"));
        Assert.Equal(2, fake.Requests.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task Poll_honours_Retry_After()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.PollScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 200, FakeDocumentIntelligence.Operation("running"), retryAfter: "1"));
        await Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Other.ToOcrHint(), Ct);
        var gets = fake.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(2, gets.Count);
        Assert.True(gets[1].At - gets[0].At >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task Persistent_server_errors_are_transient_failures()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        for (var i = 0; i < 10; i++)
            fake.AnalyzeScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 500, new JsonObject { ["error"] = new JsonObject { ["code"] = "InternalServerError", ["message"] = "x" } }));
        var e = await Assert.ThrowsAsync<OcrException>(() => Engine(fake, o => o.MaxRetries = 2).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Other.ToOcrHint(), Ct));
        Assert.False(e.IsPermanent);
        Assert.Equal(3, fake.Requests.Count);
    }

    [Fact]
    public async Task Failed_analysis_with_invalid_content_is_permanent()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.FinalResult = FakeDocumentIntelligence.Operation("failed", error: new JsonObject
        {
            ["code"] = "InvalidRequest",
            ["message"] = "Invalid request.",
            ["innererror"] = new JsonObject { ["code"] = "InvalidContent", ["message"] = "The file is corrupted or format is unsupported." },
        });
        var e = await Assert.ThrowsAsync<OcrException>(() => Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Passport.ToOcrHint(), Ct));
        Assert.True(e.IsPermanent);
        Assert.Contains("InvalidContent", e.Message);
    }

    [Fact]
    public async Task Failed_analysis_with_a_server_error_is_transient()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.FinalResult = FakeDocumentIntelligence.Operation("failed", error: new JsonObject { ["code"] = "InternalServerError", ["message"] = "An unexpected error occurred." });
        var e = await Assert.ThrowsAsync<OcrException>(() => Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Passport.ToOcrHint(), Ct));
        Assert.False(e.IsPermanent);
    }

    [Fact]
    public async Task Rejected_upload_is_permanent_and_not_retried()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.AnalyzeScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 400, new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = "InvalidRequest", ["message"] = "x", ["innererror"] = new JsonObject { ["code"] = "InvalidContent", ["message"] = "x" } },
        }));
        var e = await Assert.ThrowsAsync<OcrException>(() => Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Passport.ToOcrHint(), Ct));
        Assert.True(e.IsPermanent);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task Wrong_key_is_transient_and_the_key_is_sent_in_the_documented_header()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.AnalyzeScript.Enqueue(ctx => FakeDocumentIntelligence.Json(ctx, 401, new JsonObject { ["error"] = new JsonObject { ["code"] = "401", ["message"] = "Access denied." } }));
        var e = await Assert.ThrowsAsync<OcrException>(() => Engine(fake, o => o.Key = "another-test-key").AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Other.ToOcrHint(), Ct));
        Assert.False(e.IsPermanent);
        Assert.Equal("another-test-key", Assert.Single(fake.Requests).Key);
        Assert.DoesNotContain("another-test-key", e.Message);
    }

    [Fact]
    public async Task Never_finishing_analysis_stops_at_MaxWait()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        fake.FinalResult = FakeDocumentIntelligence.Operation("running");
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<OcrException>(() => Engine(fake, o => o.MaxWait = TimeSpan.FromMilliseconds(500)).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Other.ToOcrHint(), Ct));
        Assert.False(e.IsPermanent);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Unsupported_media_type_is_refused_before_any_request()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        var e = await Assert.ThrowsAsync<OcrException>(() => Engine(fake).AnalyzeAsync(Jpeg(), "image/gif", DocumentKind.Other.ToOcrHint(), Ct));
        Assert.True(e.IsPermanent);
        Assert.Empty(fake.Requests);
    }

    [Theory]
    [InlineData(Line1 + "\n" + Line2)]
    [InlineData(Line1 + " " + Line2)]
    [InlineData(Line1 + Line2)]
    public void Mrz_content_is_normalized_to_two_lines(string content) =>
        Assert.Equal(Line1 + "\n" + Line2, DocumentIntelligenceOcrEngine.NormalizeMrz(content));

    [Fact]
    public async Task A_passport_reads_the_same_fields_as_from_tesseracts_mrz_pass()
    {
        await using var fake = await FakeDocumentIntelligence.StartAsync();
        // Document Intelligence may give the two MRZ lines separated by a space.
        fake.FinalResult = FakeDocumentIntelligence.Operation("succeeded", PassportResult(Line1 + " " + Line2));
        var di = await Engine(fake).AnalyzeAsync(Jpeg(), "image/jpeg", DocumentKind.Passport.ToOcrHint(), Ct);

        // The Tesseract engine's shape: the same page, the MRZ as an mrz.td3 document.
        var page = DocumentReaderShape(PassportRows);
        var tesseract = page with
        {
            Documents = [new AnalyzedDocument("mrz.td3", new Dictionary<string, DocumentField> { ["MachineReadableZone"] = new("mrz", Line1 + "\n" + Line2, 1) }, 1)],
        };

        var today = new DateOnly(2026, 11, 30);
        var fromDi = DocumentReader.Read(DocumentKind.Passport, di, Sri, today);
        var fromTesseract = DocumentReader.Read(DocumentKind.Passport, tesseract, Sri, today);
        Assert.Empty(fromDi.Findings);
        Assert.Empty(fromTesseract.Findings);
        Assert.Equal(fromTesseract.Fields.OrderBy(x => x.Key), fromDi.Fields.OrderBy(x => x.Key));
        Assert.Equal("C4821937", fromDi.Fields[FieldNames.PassportNumber]);
        Assert.Equal("1992-08-14", fromDi.Fields[FieldNames.BirthDate]);
        Assert.Equal("2031-03-03", fromDi.Fields[FieldNames.ExpiryDate]);
    }

    static AnalyzeResult DocumentReaderShape(string[] rows) =>
        DocumentIntelligenceOcrEngine.Map(JsonDocument.Parse(FakeDocumentIntelligence.ReadResult("tesseract", rows).ToJsonString()).RootElement) with { ApiVersion = "tesseract 5" };

    [Fact]
    public void Configuration_selects_document_intelligence()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pulang:Ocr:Engine"] = "documentintelligence",
            ["Pulang:Ocr:DocumentIntelligence:Endpoint"] = "https://example.invalid/",
            ["Pulang:Ocr:DocumentIntelligence:Key"] = Key,
            ["Pulang:Ocr:DocumentIntelligence:ModelIds:assessment-form"] = "custom-asesmen",
        }).Build();
        var engine = Assert.IsType<DocumentIntelligenceOcrEngine>(Assert.IsType<ConcurrencyLimitedOcrEngine>(PulangServices.CreateOcrEngine(config)).Inner);
        Assert.Equal("prebuilt-idDocument", engine.ModelFor(DocumentKind.Passport.ToOcrHint()));
        Assert.Equal("custom-asesmen", engine.ModelFor(DocumentKind.AssessmentForm.ToOcrHint()));
        Assert.Equal("prebuilt-read", engine.ModelFor(DocumentKind.Kk.ToOcrHint()));

        var managed = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pulang:Ocr:Engine"] = "documentintelligence",
            ["Pulang:Ocr:DocumentIntelligence:Endpoint"] = "https://example.invalid/",
        }).Build();
        Assert.IsType<DocumentIntelligenceOcrEngine>(Assert.IsType<ConcurrencyLimitedOcrEngine>(PulangServices.CreateOcrEngine(managed)).Inner);

        var missing = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pulang:Ocr:Engine"] = "documentintelligence" }).Build();
        Assert.Throws<InvalidOperationException>(() => PulangServices.CreateOcrEngine(missing));
    }
}
