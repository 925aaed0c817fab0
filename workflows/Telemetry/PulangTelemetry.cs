using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pulang.Workflows.Telemetry;

/// <summary>
/// Pulang's own OpenTelemetry instruments: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>. Spans and metrics carry IDs and names of things (case ID, command name, document kind, stage,
/// outcome), never personal data: no names, NIKs, document numbers, dates of birth or free text.
/// </summary>
public static class PulangTelemetry
{
    /// <summary>Name of the activity source and the meter: <c>Pulang</c>.</summary>
    public const string Name = "Pulang";

    /// <summary>Tag: the case ID (<c>PLG-…</c>, = the orchestration's instance ID).</summary>
    public const string CaseId = "pulang.case_id";

    /// <summary>Tag: the command's name (<c>signOff</c>, <c>assessmentSubmitted</c>, …).</summary>
    public const string Command = "pulang.command";

    /// <summary>Tag: how something ended (<c>accepted</c>, <c>refused</c>, <c>pending</c>, <c>not-found</c>; for a scan <c>accepted</c>, <c>to-review</c>, <c>unreadable</c>).</summary>
    public const string Outcome = "pulang.outcome";

    /// <summary>Tag: a refusal's stable code (<c>signoff.stale-digest</c>, …).</summary>
    public const string RefusalCode = "pulang.refusal_code";

    /// <summary>Tag: the document kind's route name (<c>passport</c>, <c>ktp</c>, …).</summary>
    public const string DocumentKind = Ocr.OcrTelemetry.HintTag;

    /// <summary>Tag: a case stage (<c>SignOffPending</c>, …).</summary>
    public const string Stage = "pulang.stage";

    /// <summary>Tag: the stage a decision moved the case to (<c>Released</c>, …).</summary>
    public const string StageAfter = "pulang.stage_after";

    /// <summary>Tag: a Durable Task activity's name (<c>CommitDecision</c>, …).</summary>
    public const string Activity = "pulang.activity";

    /// <summary>The activity source for Pulang's spans.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The meter for Pulang's metrics.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Seconds from a person's or system's command to its answer (tags: command, outcome).</summary>
    public static readonly Histogram<double> CommandDuration =
        Meter.CreateHistogram<double>("pulang.command.duration", "s", "Time from a command's arrival to its answer (decided, refused or still pending).");

    /// <summary>OCR seconds per page of one scan (tags: document kind, outcome).</summary>
    public static readonly Histogram<double> OcrSecondsPerPage =
        Meter.CreateHistogram<double>("pulang.ocr.page.duration", "s", "OCR and reading time of one scan divided by its pages.");

    /// <summary>Scans read, by outcome (tags: document kind, outcome: accepted, to-review, unreadable).</summary>
    public static readonly Counter<long> ScansRead =
        Meter.CreateCounter<long>("pulang.scans.read", "{scan}", "Scans read, by document kind and outcome.");

    /// <summary>Seconds a case spent in a stage, recorded when it leaves the stage (tags: stage left, stage entered).</summary>
    public static readonly Histogram<double> TimeInStage =
        Meter.CreateHistogram<double>("pulang.case.stage.duration", "s", "Time a case spent in a stage, recorded when it left the stage.");

    /// <summary>Records that a case left <paramref name="left"/> for <paramref name="entered"/> after <paramref name="spent"/> (<see cref="TimeInStage"/>).</summary>
    public static void RecordStageLeft(Domain.Stage left, Domain.Stage entered, TimeSpan spent) =>
        TimeInStage.Record(Math.Max(0, spent.TotalSeconds), new(Stage, left.ToString()), new(StageAfter, entered.ToString()));

    /// <summary>Failed tries of Durable Task activities, retried ones included (tags: activity name, <c>error.type</c>).</summary>
    public static readonly Counter<long> ActivityFailures =
        Meter.CreateCounter<long>("pulang.activity.failures", "{try}", "Activity tries that threw (each retry counts).");

    /// <summary>Failed webhook delivery tries (tags: outcome <c>failed</c> or <c>dead-lettered</c>, <c>http.response.status_code</c> when one came).</summary>
    public static readonly Counter<long> WebhookFailures =
        Meter.CreateCounter<long>("pulang.webhook.delivery.failures", "{try}", "Webhook delivery tries that got no 2xx answer.");

    /// <summary>Records one webhook try that failed (<paramref name="outcome"/>: <c>failed</c> or <c>dead-lettered</c>), with the receiver's status code if it answered.</summary>
    public static void RecordWebhookFailure(string outcome, int? status)
    {
        if (status is { } code)
        {
            WebhookFailures.Add(1, new(Outcome, outcome), new("http.response.status_code", code));
        }
        else
        {
            WebhookFailures.Add(1, new KeyValuePair<string, object?>(Outcome, outcome));
        }
    }

    /// <summary>Records one scan read: <see cref="ScansRead"/> (accepted or to-review) and <see cref="OcrSecondsPerPage"/>.</summary>
    /// <param name="kind">The document kind.</param>
    /// <param name="pages">Pages read (at least 1 counted).</param>
    /// <param name="accepted">True when the reading had no findings.</param>
    /// <param name="elapsed">Wall time of download, OCR and reading.</param>
    public static void RecordScan(Documents.DocumentKind kind, int pages, bool accepted, TimeSpan elapsed)
    {
        KeyValuePair<string, object?> kindTag = new(DocumentKind, Documents.DocumentKinds.ToRoute(kind));
        KeyValuePair<string, object?> outcome = new(Outcome, accepted ? "accepted" : "to-review");
        ScansRead.Add(1, kindTag, outcome);
        OcrSecondsPerPage.Record(elapsed.TotalSeconds / Math.Max(1, pages), kindTag, outcome);
    }
}
