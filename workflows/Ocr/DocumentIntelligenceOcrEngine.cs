using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Pulang.Workflows.Ocr;

/// <summary>
/// Production OCR with Azure AI Document Intelligence, REST API <c>2024-11-30</c> (v4), on <c>Azure.Core</c>'s <see cref="HttpPipeline"/>
/// (the Document Intelligence .NET SDK is not used).
/// <list type="number">
/// <item>Analyze: <c>POST {endpoint}/documentintelligence/documentModels/{modelId}:analyze?api-version=2024-11-30</c> with the scan's
/// bytes as the body and its media type as <c>Content-Type</c>; the service answers <c>202 Accepted</c> with an
/// <c>Operation-Location</c> header.</item>
/// <item>Poll: <c>GET</c> the <c>Operation-Location</c> until <c>status</c> is <c>succeeded</c> or <c>failed</c> (or <c>canceled</c>),
/// waiting <c>Retry-After</c> seconds when the service sends it, else <see cref="DocumentIntelligenceOptions.PollInterval"/>; the whole
/// analysis is bounded by <see cref="DocumentIntelligenceOptions.MaxWait"/>.</item>
/// <item>Every request is retried on 408, 429 and 5xx by the pipeline's retry policy (exponential backoff, <c>Retry-After</c> /
/// <c>retry-after-ms</c> honoured, at most <see cref="DocumentIntelligenceOptions.MaxRetries"/> times).</item>
/// </list>
/// The model is <c>prebuilt-idDocument</c> for passports, KTP and SPLP and <c>prebuilt-read</c> otherwise
/// (<see cref="DocumentIntelligenceOptions.ModelIds"/>). The operation's <c>analyzeResult</c> (content, pages[].lines/words with
/// polygons and confidences, documents[].fields) maps into Pulang's <see cref="AnalyzeResult"/>. An object field's
/// <c>valueObject</c> members are added flattened as <c>Parent.Child</c> (e.g. <c>MachineReadableZone.DocumentNumber</c>), and the
/// <c>MachineReadableZone</c> content is normalized to <c>line1\nline2</c> (TD3: two lines of 44) as the Tesseract engine gives it.
/// <para>Errors (<see cref="OcrException"/>): a 4xx answer to the analyze request other than 401/403/408/429 (e.g. <c>InvalidContent</c>,
/// unsupported media type, too large) and a <c>failed</c> operation whose error is about the input (<c>InvalidRequest</c>,
/// <c>InvalidArgument</c>, <c>InvalidContent</c>, ...) are permanent; 401/403, 5xx after retries, a <c>failed</c> operation with a
/// server-side error, a missing <c>Operation-Location</c> and exceeding <see cref="DocumentIntelligenceOptions.MaxWait"/> are transient.
/// Messages carry the service's error code only, never document content.</para>
/// </summary>
public sealed class DocumentIntelligenceOcrEngine : IOcrEngine
{
    /// <summary>Entra ID scope of Azure AI services.</summary>
    public const string Scope = "https://cognitiveservices.azure.com/.default";

    readonly DocumentIntelligenceOptions options;
    readonly HttpPipeline pipeline;
    readonly Uri endpoint;
    readonly TimeProvider time;

    sealed class PipelineOptions : ClientOptions
    {
    }

    /// <summary>Sets <c>Ocp-Apim-Subscription-Key</c> from the (rotatable) credential on every request, retries included.</summary>
    internal sealed class KeyPolicy(AzureKeyCredential credential) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            message.Request.Headers.SetValue("Ocp-Apim-Subscription-Key", credential.Key);
    }

    /// <summary>Creates the engine with key authentication (<see cref="DocumentIntelligenceOptions.Key"/>).</summary>
    /// <exception cref="ArgumentException">No endpoint or no key.</exception>
    public DocumentIntelligenceOcrEngine(DocumentIntelligenceOptions options, TimeProvider? timeProvider = null)
        : this(options, string.IsNullOrEmpty(options?.Key) ? throw new ArgumentException("A key is required; or pass a TokenCredential.", nameof(options))
            : new KeyPolicy(new AzureKeyCredential(options.Key)), timeProvider, null)
    {
    }

    /// <summary>Creates the engine with Entra ID authentication (bearer tokens for <see cref="Scope"/>; the endpoint must be HTTPS).</summary>
    /// <exception cref="ArgumentException">No endpoint.</exception>
    public DocumentIntelligenceOcrEngine(DocumentIntelligenceOptions options, TokenCredential credential, TimeProvider? timeProvider = null)
        : this(options, credential, timeProvider, transport: null)
    {
    }

    /// <summary>Entra ID authentication as the public constructor sets it up, over a caller-supplied transport (tests: a local HTTPS
    /// server's certificate).</summary>
    internal DocumentIntelligenceOcrEngine(DocumentIntelligenceOptions options, TokenCredential credential, TimeProvider? timeProvider, HttpPipelineTransport? transport)
        : this(options, new BearerTokenAuthenticationPolicy(credential ?? throw new ArgumentNullException(nameof(credential)), Scope), timeProvider, transport)
    {
    }

    /// <summary>Creates the engine with a caller-supplied authentication policy and, for tests, transport.</summary>
    internal DocumentIntelligenceOcrEngine(DocumentIntelligenceOptions options, HttpPipelinePolicy authentication, TimeProvider? timeProvider, HttpPipelineTransport? transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        endpoint = options.Endpoint ?? throw new ArgumentException("Pulang:Ocr:DocumentIntelligence:Endpoint is required.", nameof(options));
        time = timeProvider ?? TimeProvider.System;
        var clientOptions = new PipelineOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Diagnostics.ApplicationId = "pulang";
        // Bodies are scans and personal data: never logged.
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        if (transport is not null) clientOptions.Transport = transport;
        pipeline = HttpPipelineBuilder.Build(clientOptions, authentication);
    }

    /// <summary>The model used for a scan with <paramref name="hint"/> (by <see cref="OcrHint.Name"/>).</summary>
    public string ModelFor(OcrHint hint) =>
        options.ModelIds.TryGetValue(hint.Name, out var model) && !string.IsNullOrWhiteSpace(model) ? model : options.DefaultModelId;

    /// <inheritdoc />
    public async Task<AnalyzeResult> AnalyzeAsync(Stream content, string contentType, OcrHint hint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var mediaType = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("image/jpeg" or "image/png" or "image/tiff" or "application/pdf" or "image/bmp" or "image/heif"))
            throw new OcrException($"Unsupported media type '{mediaType}'; expected JPEG, PNG, TIFF or PDF.", isPermanent: true);

        // The body is buffered so that the retry policy can send it again.
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0) throw new OcrException("The scan is empty.", isPermanent: true);
        var bytes = buffer.ToArray();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.MaxWait);
        try
        {
            var operation = await SubmitAsync(ModelFor(hint), bytes, mediaType, deadline.Token);
            return await PollAsync(operation, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OcrException($"Document Intelligence did not finish the analysis within {options.MaxWait}.", isPermanent: false);
        }
    }

    async Task<Uri> SubmitAsync(string modelId, byte[] bytes, string mediaType, CancellationToken ct)
    {
        using var message = pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        var baseUri = endpoint.AbsoluteUri.TrimEnd('/');
        request.Uri.Reset(new Uri($"{baseUri}/documentintelligence/documentModels/{Uri.EscapeDataString(modelId)}:analyze?api-version={DocumentIntelligenceOptions.ApiVersion}"));
        request.Headers.SetValue("Content-Type", mediaType);
        request.Headers.SetValue("Accept", "application/json");
        request.Content = RequestContent.Create(bytes);
        await pipeline.SendAsync(message, ct);
        var response = message.Response;
        if (response.Status == 202)
        {
            if (response.Headers.TryGetValue("Operation-Location", out var location) && Uri.TryCreate(location, UriKind.Absolute, out var uri))
                return uri;
            throw new OcrException("Document Intelligence accepted the analysis but sent no Operation-Location.", isPermanent: false);
        }
        throw Failure(response, "analyze");
    }

    async Task<AnalyzeResult> PollAsync(Uri operation, CancellationToken ct)
    {
        while (true)
        {
            using var message = pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Get;
            message.Request.Uri.Reset(operation);
            message.Request.Headers.SetValue("Accept", "application/json");
            await pipeline.SendAsync(message, ct);
            var response = message.Response;
            if (response.Status != 200) throw Failure(response, "poll");

            using var json = Parse(response);
            var root = json.RootElement;
            var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
            switch (status)
            {
                case "succeeded":
                    if (!root.TryGetProperty("analyzeResult", out var result) || result.ValueKind != JsonValueKind.Object)
                        throw new OcrException("Document Intelligence reported success without an analyzeResult.", isPermanent: false);
                    return Map(result);
                case "failed":
                case "canceled":
                    throw OperationFailure(root, status);
                case "notStarted":
                case "running":
                    break;
                default:
                    throw new OcrException($"Document Intelligence reported an unknown operation status '{status}'.", isPermanent: false);
            }
            await Task.Delay(RetryAfter(response) ?? options.PollInterval, time, ct);
        }
    }

    /// <summary>The <c>Retry-After</c> of a response: <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c>, or <c>Retry-After</c> (seconds or an HTTP date).</summary>
    internal TimeSpan? RetryAfter(Response response)
    {
        foreach (var header in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
            if (response.Headers.TryGetValue(header, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m >= 0)
                return TimeSpan.FromMilliseconds(m);
        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value)) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    static JsonDocument Parse(Response response)
    {
        try
        {
            return JsonDocument.Parse(response.Content.ToMemory());
        }
        catch (JsonException e)
        {
            throw new OcrException("Document Intelligence sent a response that is not JSON.", isPermanent: false, e);
        }
    }

    /// <summary>Error codes of the service's <c>error</c> / <c>innererror</c> that mean the input is at fault.</summary>
    static readonly HashSet<string> InputErrorCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "InvalidRequest", "InvalidArgument", "InvalidContent", "InvalidContentLength", "InvalidContentSourceFormat",
        "InvalidParameter", "InvalidPassword", "UnsupportedContent", "ContentSourceNotAccessible", "InvalidImage", "InvalidPdf",
        "InvalidContentDimensions", "InvalidFileFormat", "FileTooLarge", "PageCountExceeded",
    };

    static (string? Code, string? Inner) ErrorCodes(JsonElement error)
    {
        string? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        string? inner = null;
        if (error.TryGetProperty("innererror", out var ie) && ie.ValueKind == JsonValueKind.Object)
        {
            // The most specific code is the innermost one.
            var current = ie;
            while (true)
            {
                if (current.TryGetProperty("code", out var ic) && ic.ValueKind == JsonValueKind.String) inner = ic.GetString();
                if (current.TryGetProperty("innererror", out var next) && next.ValueKind == JsonValueKind.Object) current = next;
                else break;
            }
        }
        return (code, inner);
    }

    static OcrException OperationFailure(JsonElement root, string status)
    {
        if (status == "canceled") return new OcrException("The Document Intelligence analysis was canceled.", isPermanent: false);
        if (!root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            return new OcrException("The Document Intelligence analysis failed without an error.", isPermanent: false);
        var (code, inner) = ErrorCodes(error);
        var permanent = (inner is not null && InputErrorCodes.Contains(inner)) || (inner is null && code is not null && InputErrorCodes.Contains(code));
        return new OcrException($"The Document Intelligence analysis failed: {code}{(inner is null ? "" : "/" + inner)}.", permanent);
    }

    static OcrException Failure(Response response, string step)
    {
        string? code = null, inner = null;
        try
        {
            using var json = JsonDocument.Parse(response.Content.ToMemory());
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                (code, inner) = ErrorCodes(error);
        }
        catch (JsonException)
        {
        }
        var status = response.Status;
        // 4xx is about the request (the scan) except authentication, throttling and timeouts, which a later attempt may pass.
        var permanent = status is >= 400 and < 500 and not (401 or 403 or 408 or 429);
        var detail = code is null ? "" : $" ({code}{(inner is null ? "" : "/" + inner)})";
        return new OcrException($"Document Intelligence {step} request failed with HTTP {status}{detail}.", permanent);
    }

    // ---------- mapping ----------

    /// <summary>
    /// Maps a <c>2024-11-30</c> <c>analyzeResult</c> object into Pulang's <see cref="AnalyzeResult"/>: pages with their <c>angle</c>
    /// (for deskewing rows), words and lines without the handwritten ones (<c>styles</c> with <c>isHandwritten</c> true and confidence
    /// at least 0.5: a signature is not a printed field), documents' fields with their typed values (<see cref="DocumentField.Value"/>)
    /// and content, MRZ sub-fields with the MRZ field's confidence when they carry none.
    /// </summary>
    internal static AnalyzeResult Map(JsonElement result)
    {
        var handwritten = Array(result, "styles")
            .Where(st => st.TryGetProperty("isHandwritten", out var h) && h.ValueKind == JsonValueKind.True && (Num(st, "confidence") ?? 1) >= 0.5)
            .SelectMany(st => Array(st, "spans")).Select(sp => (Offset: (int)(Num(sp, "offset") ?? 0), Length: (int)(Num(sp, "length") ?? 0)))
            .Where(sp => sp.Length > 0).ToList();
        bool Handwritten(JsonElement e)
        {
            var spans = e.TryGetProperty("span", out var one) && one.ValueKind == JsonValueKind.Object ? [one] : Array(e, "spans").ToList();
            return spans.Count > 0 && spans.All(sp =>
            {
                int o = (int)(Num(sp, "offset") ?? -1), l = (int)(Num(sp, "length") ?? 0);
                return handwritten.Any(h => o >= h.Offset && o + l <= h.Offset + h.Length);
            });
        }

        var pages = new List<AnalyzedPage>();
        if (result.TryGetProperty("pages", out var ps) && ps.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in ps.EnumerateArray())
            {
                var lines = Array(p, "lines").Where(l => !Handwritten(l)).Select(l => new AnalyzedLine(Str(l, "content") ?? "", Polygon(l))).ToList();
                var words = Array(p, "words").Where(w => !Handwritten(w)).Select(w => new AnalyzedWord(Str(w, "content") ?? "", Polygon(w), Num(w, "confidence") ?? 0)).ToList();
                pages.Add(new AnalyzedPage((int)(Num(p, "pageNumber") ?? pages.Count + 1), Num(p, "width") ?? 0, Num(p, "height") ?? 0,
                    Str(p, "unit") ?? "pixel", lines, words, Num(p, "angle")));
            }
        }

        var documents = new List<AnalyzedDocument>();
        foreach (var d in Array(result, "documents"))
        {
            var fields = new Dictionary<string, DocumentField>(StringComparer.Ordinal);
            if (d.TryGetProperty("fields", out var fs) && fs.ValueKind == JsonValueKind.Object)
                foreach (var f in fs.EnumerateObject())
                    AddField(fields, f.Name, f.Value, null);
            documents.Add(new AnalyzedDocument(Str(d, "docType") ?? "", fields, Num(d, "confidence") ?? 0));
        }

        return new AnalyzeResult(Str(result, "apiVersion") ?? DocumentIntelligenceOptions.ApiVersion, Str(result, "modelId") ?? "",
            Str(result, "content") ?? "", pages, documents);
    }

    static void AddField(Dictionary<string, DocumentField> fields, string name, JsonElement f, double? parentConfidence)
    {
        if (f.ValueKind != JsonValueKind.Object) return;
        var type = Str(f, "type") ?? "string";
        var value = Value(f, type);
        var content = Str(f, "content") ?? value;
        if (name == "MachineReadableZone" || name.EndsWith(".MachineReadableZone", StringComparison.Ordinal))
            content = NormalizeMrz(content);
        var confidence = Num(f, "confidence") ?? parentConfidence ?? 0;
        fields[name] = new DocumentField(type, content, confidence, value);
        if (f.TryGetProperty("valueObject", out var obj) && obj.ValueKind == JsonValueKind.Object)
            foreach (var child in obj.EnumerateObject())
                AddField(fields, name + "." + child.Name, child.Value, confidence);
    }

    /// <summary>The typed value of a field as text (<c>valueString</c>, <c>valueDate</c> yyyy-MM-dd, <c>valueCountryRegion</c>, <c>valueNumber</c>, ...); null when none.</summary>
    static string? Value(JsonElement f, string type)
    {
        var property = "value" + char.ToUpperInvariant(type[0]) + type[1..];
        if (!f.TryGetProperty(property, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    /// <summary>
    /// MRZ text as <c>line1\nline2[\nline3]</c>. Split on line breaks first and drop the spaces inside each line (the service puts spaces
    /// inside lines); when that gives lines of MRZ length (28-46 characters), they are the lines. Otherwise (one run, or lines split
    /// elsewhere) the characters without whitespace are cut into lines when they total 88 (TD3), 72 (TD2) or 90 (TD1); else the
    /// space-free lines as they came (and the MRZ's own checks then fail: <c>mrz.invalid</c>).
    /// </summary>
    internal static string? NormalizeMrz(string? content)
    {
        if (string.IsNullOrWhiteSpace(content)) return content;
        var lines = content.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Concat(l.Where(c => !char.IsWhiteSpace(c)))).Where(l => l.Length > 0).ToList();
        if (lines.Count >= 2 && lines.All(l => l.Length is >= 28 and <= 46)) return string.Join('\n', lines);
        var joined = string.Concat(lines);
        var lineLength = joined.Length switch { 88 => 44, 72 => 36, 90 => 30, _ => 0 };
        if (lineLength == 0) return string.Join('\n', lines);
        return string.Join('\n', Enumerable.Range(0, joined.Length / lineLength).Select(i => joined.Substring(i * lineLength, lineLength)));
    }

    static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static double? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    static IReadOnlyList<double> Polygon(JsonElement e) =>
        Array(e, "polygon").Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetDouble()).ToList();
}
