namespace Pulang.Workflows.Retention;

/// <summary>
/// How long each kind of a finished case's data is kept after the case was Released or Withdrawn (configuration section
/// <c>Pulang:Retention</c>, e.g. <c>Pulang__Retention__Scans=365.00:00:00</c>). A zero or negative interval means "never purge
/// this kind". The audit trail (no personal data, the proof of who decided what) and the minimal release record are not
/// listed: they are kept. Defaults and the reasoning: docs/retention.md.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Pulang:Retention";

    /// <summary>Scans and their OCR analyses (<c>scans</c> container): the most personal data. Default 180 days.</summary>
    public TimeSpan Scans { get; set; } = TimeSpan.FromDays(180);

    /// <summary>The case view blob (names, NIK, documents' fields, history). Default 365 days.</summary>
    public TimeSpan CaseView { get; set; } = TimeSpan.FromDays(365);

    /// <summary>The case index row (reference, stage, intake). Default 365 days, with the view: lists never point at a purged case.</summary>
    public TimeSpan IndexRow { get; set; } = TimeSpan.FromDays(365);

    /// <summary>The task hub's history and instance rows of the case's orchestrations (the client's purge). Default 30 days.
    /// (Download links need no setting: they are signed URLs, never stored, valid for <c>Pulang:DownloadLinkLifetime</c>, and point at
    /// the scans.)</summary>
    public TimeSpan History { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Whether the durable purge schedule runs at all (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the schedule looks for cases due (default 1 hour; read when the schedule starts).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A pause between two cases' purges, to spread the storage load of a long list (default none).</summary>
    public TimeSpan PauseBetweenCases { get; set; } = TimeSpan.Zero;
}
