namespace Pulang.Workflows;

/// <summary>
/// Pulang's settings (configuration section <c>Pulang</c>; environment variables <c>Pulang__...</c>).
/// </summary>
public sealed class PulangOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Pulang";

    /// <summary>
    /// Azure Storage connection string. Empty in the self-host means: start Azurite on 127.0.0.1 and use it.
    /// </summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Task hub name (letters and digits, 3-45 chars; Azure Storage queue/table names derive from it).</summary>
    public string TaskHub { get; set; } = "pulang";

    /// <summary>Queue for outgoing events (default <c>case-events</c>); lets several deployments share one account.</summary>
    public string EventsQueue { get; set; } = Storage.PulangStorage.EventsQueue;

    /// <summary>Outgoing events: CloudEvents <c>source</c>, Event Grid (section <c>Pulang:Events</c>).</summary>
    public Events.EventOptions Events { get; set; } = new();

    /// <summary>Webhook subscriptions: handshake origin, retries, tables (section <c>Pulang:Webhooks</c>).</summary>
    public Events.WebhookOptions Webhooks { get; set; } = new();

    /// <summary>Largest accepted scan, bytes (default 50 MiB). Larger uploads get 413.</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// Most pages of one scan (PDF pages, TIFF images; default 20). An upload with more is refused with 422
    /// <c>upload.too-many-pages</c> before it is stored; the OCR engine refuses more too.
    /// </summary>
    public int MaxPagesPerDocument { get; set; } = 20;

    /// <summary>
    /// Most pixels (width x height) of one page (default 100,000,000: an A3 page at 600 dpi is 70 million). Checked from the
    /// image header before any decoding (PDF pages at 300 dpi); larger gets 422 <c>upload.too-many-pixels</c>. This is
    /// what stops a decompression bomb: a small file that declares a huge image.
    /// </summary>
    public long MaxImagePixels { get; set; } = 100_000_000;

    /// <summary>
    /// Most OCR jobs at once in one host process (default: the processor count): documents being analyzed, and for
    /// Tesseract also the external processes (tesseract, pdftoppm, pdfinfo) running at once. Others wait their turn.
    /// </summary>
    public int MaxConcurrentOcrJobs { get; set; } = Environment.ProcessorCount;

    /// <summary>How long an HTTP command waits for its case to process it before answering 202 (default 15 s).</summary>
    public TimeSpan CommandWaitTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Reminder intervals per stage; a stage without an entry has no reminder.</summary>
    public ReminderOptions Reminders { get; set; } = new();

    /// <summary>How long a signed download link stays valid (default 5 minutes, at most 1 hour).</summary>
    public TimeSpan DownloadLinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Base64 key (at least 32 bytes) that signs download links. Empty: the self-host's key in its data directory
    /// (<c>keys/download-link-key</c>, created owner-only), so links work on replicas sharing that directory; set it
    /// when replicas run on several machines.
    /// </summary>
    public string? DownloadLinkKey { get; set; }

    /// <summary>
    /// The checklist of this deployment: each item a document kind's route name, or several joined with <c>-or-</c> (any one
    /// satisfies it), e.g. <c>["passport-or-splp", "ktp", "assessment-form", "health-screening"]</c> (setting
    /// <c>Pulang__RequiredDocuments__0</c>, <c>__1</c>, ...). Empty: today's list (<see cref="Domain.DocumentRequirement.DefaultNames"/>).
    /// A KK counts where a KTP is asked for. A case keeps the list it opened with.
    /// </summary>
    public List<string> RequiredDocuments { get; set; } = [];

    /// <summary>The checklist items to open a case with: <see cref="RequiredDocuments"/> checked, or the default list when it is empty.</summary>
    /// <exception cref="InvalidOperationException">An item is not kinds joined with <c>-or-</c> (unknown, restricted or repeated kind).</exception>
    public IReadOnlyList<string> CheckedRequiredDocuments()
    {
        if (RequiredDocuments.Count == 0)
        {
            return Domain.DocumentRequirement.DefaultNames;
        }

        var bad = RequiredDocuments.Where(n => Domain.DocumentRequirement.Parse(n) is null).ToList();
        return bad.Count == 0
            ? [.. RequiredDocuments.Select(n => n.Trim()).Distinct()]
            : throw new InvalidOperationException($"Pulang:RequiredDocuments: {string.Join(", ", bad.Select(b => $"'{b}'"))} is not a document kind or kinds joined with -or- "
                + $"(kinds: {string.Join(", ", Documents.DocumentKinds.RouteNames.Where(k => k != "investigation"))}).");
    }
}

/// <summary>
/// How long a case may sit in a stage before a <c>case.reminder</c> event goes out (and again after each interval).
/// </summary>
public sealed record ReminderOptions
{
    /// <summary>DocumentsPending (default 2 days).</summary>
    public TimeSpan? DocumentsPending { get; init; } = TimeSpan.FromDays(2);
    /// <summary>AssessmentPending (default 3 days).</summary>
    public TimeSpan? AssessmentPending { get; init; } = TimeSpan.FromDays(3);
    /// <summary>SignOffPending (default 2 days).</summary>
    public TimeSpan? SignOffPending { get; init; } = TimeSpan.FromDays(2);
    /// <summary>OnHold (default 14 days).</summary>
    public TimeSpan? OnHold { get; init; } = TimeSpan.FromDays(14);

    /// <summary>The interval for <paramref name="stage"/>, or null when it has none.</summary>
    public TimeSpan? For(Domain.Stage stage) => stage switch
    {
        Domain.Stage.DocumentsPending => DocumentsPending,
        Domain.Stage.AssessmentPending => AssessmentPending,
        Domain.Stage.SignOffPending => SignOffPending,
        Domain.Stage.OnHold => OnHold,
        _ => null,
    };
}
