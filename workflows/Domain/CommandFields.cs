using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>
/// The decider's field checks: what a command must carry whatever the case's state (a reason where one is required, a
/// yes or no, a digest of the right length). Pure and state-free, so the HTTP API and the web app run them before the
/// case is even read (a bad command for an unknown case is still a 400), and the decider runs them again on every command.
/// </summary>
public static class CommandFields
{
    /// <summary>
    /// The code callers see for a refusal of fields (<see cref="Refusal.NamesFields"/>): the API answers it as 400
    /// <c>request.invalid</c> with the messages by field, and the audit trail records this code.
    /// </summary>
    public const string InvalidCode = "request.invalid";

    /// <summary>Longest note or reason accepted (characters).</summary>
    public const int MaxTextLength = 2000;

    /// <summary>
    /// Null when <paramref name="command"/>'s fields are complete, else a <see cref="RefusalKind.Invalid"/> refusal whose
    /// <see cref="Refusal.Errors"/> name each field (the request body's JSON name, e.g. <c>reason</c>, <c>dossierDigest</c>)
    /// with a stable code (<c>field.required</c>, <c>field.length</c>, <c>field.value</c>) and a message. The refusal's own code
    /// says what is missing for the command as a whole: <c>assessment.empty</c>, <c>reason.required</c>, <c>text.invalid</c>
    /// (a reason, summary or recommendation too long or with markup, <see cref="FreeText"/>),
    /// <c>approve.required</c>, <c>signoff.digest-invalid</c>, <c>rejection.reason-invalid</c>, <c>classification.kind-invalid</c>.
    /// </summary>
    public static Refusal? Check(CaseCommand command)
    {
        var errors = new List<RefusalError>();
        string? code = null;
        void Required(bool missing, string field, string message, string refusalCode)
        {
            if (missing)
            {
                errors.Add(new("field.required", field, message));
                code ??= refusalCode;
            }
        }

        void Value(bool bad, string field, string message, string refusalCode)
        {
            if (bad)
            {
                errors.Add(new("field.value", field, message));
                code ??= refusalCode;
            }
        }

        void Text(string? value, string field)
        {
            if (FreeText.Check(value, field) is { } error)
            {
                errors.Add(error);
                code ??= "text.invalid";
            }
        }

        switch (command)
        {
            case SubmitAssessment c:
                Required(string.IsNullOrWhiteSpace(c.Summary), "summary", "summary is required.", "assessment.empty");
                Required(string.IsNullOrWhiteSpace(c.Recommendation), "recommendation", "recommendation is required.", "assessment.empty");
                Text(c.Summary, "summary");
                Text(c.Recommendation, "recommendation");
                break;
            case DecideAssessment c:
                Required(c.Approve is null, "approve", "approve (true or false) is required.", "approve.required");
                Required(c.Approve == false && string.IsNullOrWhiteSpace(c.Reason), "reason", "A reason is required to send the asesmen back.", "reason.required");
                Text(c.Reason, "reason");
                break;
            case SignOff c:
                Required(c.Approve is null, "approve", "approve (true or false) is required.", "approve.required");
                Value(string.IsNullOrWhiteSpace(c.DossierDigest) || c.DossierDigest.Length != 64, "dossierDigest",
                    "dossierDigest (64 hex characters, from GET /api/cases/{id}) is required.", "signoff.digest-invalid");
                Required(c.Approve == false && string.IsNullOrWhiteSpace(c.Reason), "reason", "A reason is required to reject.", "reason.required");
                Text(c.Reason, "reason");
                break;
            case PlaceHold c:
                Required(string.IsNullOrWhiteSpace(c.Reason), "reason", "reason is required.", "reason.required");
                Required(string.IsNullOrWhiteSpace(c.HoldId), "holdId", "A hold needs an ID.", "reason.required");
                Text(c.Reason, "reason");
                break;
            case LiftHold c:
                Text(c.Reason, "reason");
                break;
            case RejectDocument c:
                Required(c.Reason is null, "reason", $"reason is required: one of {string.Join(", ", RejectionReasons.Names)}.", "rejection.reason-invalid");
                Value(c.Note?.Length > MaxTextLength, "note", $"note is longer than {MaxTextLength} characters.", "rejection.note-too-long");
                break;
            case ClassifyDocument c:
                Required(c.Kind is null, "kind", $"kind is required: one of {string.Join(", ", DocumentKinds.RouteNames.Where(k => k != "investigation"))}.", "classification.kind-invalid");
                Value(c.Kind is { } k && k.IsRestricted(), "kind", "A document cannot be re-classified as an investigation paper; upload it as one.", "classification.kind-invalid");
                Value(c.Note?.Length > MaxTextLength, "note", $"note is longer than {MaxTextLength} characters.", "classification.note-too-long");
                break;
            case Withdraw c:
                Required(string.IsNullOrWhiteSpace(c.Reason), "reason", "reason is required.", "reason.required");
                Text(c.Reason, "reason");
                break;
        }

        return errors.Count == 0 ? null : new Refusal(RefusalKind.Invalid, code!, string.Join(" ", errors.Select(e => e.Message)), errors);
    }
}
