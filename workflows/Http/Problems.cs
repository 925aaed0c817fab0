using Azure;
using Microsoft.AspNetCore.Http;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Http;

/// <summary>RFC 9457 problem details with a stable <c>code</c> extension and type <c>urn:pulang:problem:{code}</c>.</summary>
public static class Problems
{
    /// <summary>A problem response.</summary>
    /// <param name="status">HTTP status (4xx/5xx).</param>
    /// <param name="code">Stable code, e.g. <c>case.not-found</c>.</param>
    /// <param name="title">Short summary of the problem type.</param>
    /// <param name="detail">What exactly went wrong and what to do.</param>
    public static IResult Of(int status, string code, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, type: $"urn:pulang:problem:{code}",
            extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>400 with per-field errors.</summary>
    public static IResult Invalid(IDictionary<string, string[]> errors, string detail = "The request has invalid fields.") =>
        Results.ValidationProblem(errors, detail: detail, title: "Invalid request", type: "urn:pulang:problem:request.invalid",
            extensions: new Dictionary<string, object?> { ["code"] = "request.invalid" });

    /// <summary>400 for a body that is not the expected JSON.</summary>
    public static IResult BadBody(string detail) => Of(400, "request.body", "Unreadable request body", detail);

    /// <summary>404 for an unknown case.</summary>
    public static IResult CaseNotFound(string caseId) => Of(404, "case.not-found", "No such case", $"There is no case '{Shorten(caseId)}'.");

    /// <summary>
    /// 409 <c>intake.conflict</c>: the external reference is known with other data. Extensions: <c>caseId</c> (the case the
    /// reference belongs to) and <c>fields</c> (the JSON names of the fields that differ; never their values).
    /// </summary>
    public static IResult IntakeConflict(string caseId, IReadOnlyList<string> fields) =>
        Results.Problem(
            detail: $"Referensi ini sudah dipakai untuk kasus {caseId} dengan data lain (The external reference is already case {caseId} with other data): {string.Join(", ", fields)} differ. Nothing was changed; send the same data, or a new reference for another person.",
            statusCode: 409, title: "External reference already used with other data", type: "urn:pulang:problem:intake.conflict",
            extensions: new Dictionary<string, object?> { ["code"] = "intake.conflict", ["caseId"] = caseId, ["fields"] = fields });

    /// <summary>401 for a missing or invalid bearer token.</summary>
    public static IResult Unauthenticated() => Of(401, "auth.required", "Authentication required", "Send a valid bearer token (Authorization: Bearer ...).");

    /// <summary>403 for a caller without any of <paramref name="roles"/>.</summary>
    public static IResult Forbidden(params string[] roles) =>
        Of(403, "role.required", "Not allowed", $"This needs one of the roles: {string.Join(", ", roles)}.");

    /// <summary>
    /// The problem for a decider refusal: 403, 404, 400, 422 or 409 by <see cref="Refusal.Kind"/>. A refusal with
    /// <see cref="Refusal.Errors"/> adds the extension <c>errors</c>: an array of <c>{code, field?, message, expected?, actual?}</c>.
    /// </summary>
    /// <remarks>
    /// Control characters that came into the message from the request (IDs in the path) are left out. A refusal of a
    /// command's fields (<see cref="Refusal.NamesFields"/>) is the 400 <c>request.invalid</c> of <see cref="Invalid"/>, its
    /// <c>errors</c> the messages by field name, as for intake.
    /// </remarks>
    public static IResult Refused(Refusal refusal)
    {
        var message = new string([.. refusal.Message.Where(c => !char.IsControl(c))]);
        if (refusal.NamesFields)
        {
            return Invalid(refusal.Errors!.GroupBy(e => e.Field!).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()), message);
        }

        var (status, title) = refusal.Kind switch
        {
            RefusalKind.Forbidden => (403, "Not allowed"),
            RefusalKind.NotFound => (404, "Not found"),
            RefusalKind.Invalid => (400, "Invalid command"),
            RefusalKind.Unprocessable => (422, "Command breaks a rule"),
            _ => (409, "Conflict with the case's state"),
        };
        var extensions = new Dictionary<string, object?> { ["code"] = refusal.Code };
        if (refusal.Errors is { Count: > 0 } errors)
        {
            extensions["errors"] = errors.Select(e => new Dictionary<string, string?>
            {
                ["code"] = e.Code,
                ["field"] = e.Field,
                ["message"] = e.Message,
                ["expected"] = e.Expected,
                ["actual"] = e.Actual,
            }.Where(p => p.Value is not null).ToDictionary()).ToList();
        }

        return Results.Problem(detail: message, statusCode: status, title: title, type: $"urn:pulang:problem:{refusal.Code}", extensions: extensions);
    }

    /// <summary>
    /// The answer to an unhandled error, for both hosts: 413 <c>request.too-large</c> for a form over the form limits
    /// (<see cref="IsFormOverLimits"/>), 503 <c>storage.unavailable</c> (with <c>Retry-After: 5</c>
    /// set on <paramref name="response"/>) while storage is unreachable (<see cref="IsStorageUnavailable"/>), else 500
    /// <c>server.error</c>; details only in the log.
    /// </summary>
    public static IResult Unhandled(Exception? error, HttpResponse response)
    {
        if (IsFormOverLimits(error))
        {
            return Of(413, "request.too-large", "Form too large",
                "Isian formulir terlalu panjang; tidak ada yang diubah. (A form field or the form is over the server's limits; nothing was changed.)");
        }

        if (!IsStorageUnavailable(error))
        {
            return Of(500, "server.error", "Unexpected error", "Pulang failed to handle the request; nothing was lost. The error is in the server log.");
        }

        response.Headers.RetryAfter = "5";
        return Of(503, "storage.unavailable", "Storage unavailable", "Pulang cannot reach its storage right now; nothing was changed. Try again shortly.");
    }

    /// <summary>
    /// True when a form could not be read because a value, a key or the count of fields is over ASP.NET Core's form limits
    /// (<c>FormOptions</c>: 4 MiB a value by default); the form reader throws <see cref="InvalidDataException"/> for those.
    /// </summary>
    public static bool IsFormOverLimits(Exception? error) => error switch
    {
        null => false,
        InvalidDataException e when e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) => true,
        _ => IsFormOverLimits(error.InnerException),
    };

    /// <summary>
    /// True when <paramref name="error"/> (or anything it wraps, e.g. the Azure SDK's "retry failed" aggregate or the
    /// Durable Task provider's storage exception) says storage could not be reached or answered with a server error:
    /// a <see cref="RequestFailedException"/> with status 0 (no answer), 408, 429 or 5xx, an
    /// <see cref="HttpRequestException"/>, a socket error or a timeout.
    /// </summary>
    public static bool IsStorageUnavailable(Exception? error) => error switch
    {
        null => false,
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        RequestFailedException => false,
        HttpRequestException or TimeoutException or System.Net.Sockets.SocketException => true,
        AggregateException a => a.InnerExceptions.Any(IsStorageUnavailable),
        _ => IsStorageUnavailable(error.InnerException),
    };

    /// <summary>Cuts user input echoed in a message to 64 printable characters (<see cref="InputText.Shorten"/>).</summary>
    public static string Shorten(string? value) => InputText.Shorten(value);
}
