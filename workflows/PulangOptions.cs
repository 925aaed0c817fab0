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

    /// <summary>Reminder intervals per stage (a stage without an entry has no reminder) and after how many reminders a case is overdue; checked at start.</summary>
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
/// How long a case may wait in a stage before a <c>case.reminder</c> event goes out, and how many reminders make it overdue
/// (section <c>Pulang:Reminders</c>). The clock runs from when the case entered the stage, not from its last command: the
/// n-th reminder is due at stage entered + interval x n (<see cref="Domain.ReminderSchedule"/>), so a refused or repeated
/// command, or an accepted one that leaves the stage as it is, moves nothing. After <see cref="OverdueAfter"/> reminders in
/// one stage the case is overdue (<c>case.overdue</c>, once per stage). A case keeps the settings it opened with.
/// </summary>
/// <remarks>
/// A case with an open hold is reminded on its working stage's interval: a hold stops only the release, and the stage's work
/// (documents, asesmen, sign-offs) goes on meanwhile, so its people are reminded as without a hold. <see cref="OnHold"/> runs
/// only when the hold is all the case waits for: both ministries approved the current dossier and the release waits for the
/// hold to be lifted (<see cref="Domain.CaseState.ReminderStage"/>).
/// </remarks>
public sealed record ReminderOptions
{
    /// <summary>Configuration section of the reminders.</summary>
    public const string Section = "Pulang:Reminders";

    /// <summary>DocumentsPending (default 2 days).</summary>
    public TimeSpan? DocumentsPending { get; init; } = TimeSpan.FromDays(2);
    /// <summary>AssessmentPending (default 3 days).</summary>
    public TimeSpan? AssessmentPending { get; init; } = TimeSpan.FromDays(3);
    /// <summary>SignOffPending (default 2 days).</summary>
    public TimeSpan? SignOffPending { get; init; } = TimeSpan.FromDays(2);
    /// <summary>Waiting only for an investigation hold to be lifted, after both ministries approved (default 14 days).</summary>
    public TimeSpan? OnHold { get; init; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How many reminders in one stage make the case overdue (default 2: overdue once it has waited two intervals). At least 1.
    /// </summary>
    public int OverdueAfter { get; init; } = 2;

    /// <summary>The interval for <paramref name="stage"/>, or null when it has none.</summary>
    public TimeSpan? For(Domain.Stage stage) => stage switch
    {
        Domain.Stage.DocumentsPending => DocumentsPending,
        Domain.Stage.AssessmentPending => AssessmentPending,
        Domain.Stage.SignOffPending => SignOffPending,
        Domain.Stage.OnHold => OnHold,
        _ => null,
    };

    /// <summary>These settings if they can work: every interval set is positive, <see cref="OverdueAfter"/> is at least 1.</summary>
    /// <exception cref="InvalidOperationException">Names each bad setting (as <c>Pulang:Reminders:...</c>), its value and what it must be.</exception>
    public ReminderOptions Checked()
    {
        var errors = new List<string>();
        foreach (var (name, interval) in new[] { (nameof(DocumentsPending), DocumentsPending), (nameof(AssessmentPending), AssessmentPending), (nameof(SignOffPending), SignOffPending), (nameof(OnHold), OnHold) })
        {
            if (interval is { } i && i <= TimeSpan.Zero)
            {
                errors.Add($"{Section}:{name} is {i}; a reminder interval must be positive (e.g. 2.00:00:00 for two days, 00:00:30 for 30 seconds).");
            }
        }

        if (OverdueAfter < 1)
        {
            errors.Add($"{Section}:{nameof(OverdueAfter)} is {OverdueAfter}; it must be at least 1 (the number of reminders in one stage after which a case is overdue).");
        }

        return errors.Count == 0 ? this : throw new InvalidOperationException(string.Join(" ", errors));
    }
}
