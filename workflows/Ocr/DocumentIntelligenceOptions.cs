namespace Pulang.Workflows.Ocr;

/// <summary>
/// Settings of <see cref="DocumentIntelligenceOcrEngine"/> (configuration section <c>Pulang:Ocr:DocumentIntelligence</c>).
/// Authentication: <see cref="Key"/> when set (header <c>Ocp-Apim-Subscription-Key</c>), else Entra ID (managed identity or the
/// developer's sign-in, scope <c>https://cognitiveservices.azure.com/.default</c>).
/// </summary>
public sealed class DocumentIntelligenceOptions
{
    /// <summary>The REST API version this client speaks.</summary>
    public const string ApiVersion = "2024-11-30";

    /// <summary>The resource endpoint, e.g. <c>https://my-di.cognitiveservices.azure.com/</c>. Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The resource key; null or empty to use Entra ID. Keep it in Key Vault or user secrets, never in files.</summary>
    public string? Key { get; set; }

    /// <summary>
    /// Client ID of a user-assigned managed identity for Entra ID authentication; null for the system-assigned identity
    /// (or the developer credential chain outside Azure). Ignored when <see cref="Key"/> is set.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Model per document kind, keyed by route name (<c>passport</c>, <c>ktp</c>, <c>splp</c>, ...). Defaults:
    /// <c>prebuilt-idDocument</c> for passport, KTP and SPLP; kinds not listed use <see cref="DefaultModelId"/>.
    /// </summary>
    public Dictionary<string, string> ModelIds { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["passport"] = "prebuilt-idDocument",
        ["ktp"] = "prebuilt-idDocument",
        ["splp"] = "prebuilt-idDocument",
    };

    /// <summary>Model for kinds without an entry in <see cref="ModelIds"/>. Default <c>prebuilt-read</c>.</summary>
    public string DefaultModelId { get; set; } = "prebuilt-read";

    /// <summary>Wait between polls of the analyze operation when the service sends no <c>Retry-After</c>. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest total time for one analysis (submit plus polling); beyond it a transient <see cref="OcrException"/>. Default 2 minutes.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries of one HTTP request on 408, 429 and 5xx (exponential backoff, <c>Retry-After</c> honoured). Default 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay of the exponential backoff. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay. Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP request (upload of a large PDF included). Default 100 seconds.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
