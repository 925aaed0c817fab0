namespace Pulang.Workflows.Http;

/// <summary>One problem type: the stable <c>code</c> (type <c>urn:pulang:problem:{code}</c>), its HTTP status and what it means.</summary>
public sealed record ProblemType(string Code, int Status, string Meaning);

/// <summary>
/// Every problem type the API answers (<see cref="Problems"/>, the decider's refusals, uploads, manifests, links, the host's own
/// answers), for the OpenAPI document (<see cref="ApiDocument"/>: the <c>code</c> enum of the <c>PulangProblem</c> schema and
/// the table in its description). OpenApiDocumentTests fails when a code written in the source is missing here.
/// </summary>
public static class ProblemCatalog
{
    /// <summary>The problem types, by code.</summary>
    public static IReadOnlyList<ProblemType> All { get; } =
    [
        new("request.invalid", 400, "Fields of the request are invalid; `errors` names each field (an object of messages by field)."),
        new("request.body", 400, "The body is not the JSON this route takes (empty, null, not JSON, wrong shape)."),
        new("request.malformed", 400, "A route or query value has the wrong form (e.g. max not a whole number)."),
        new("document.kind", 400, "Unknown document kind in the upload route."),
        new("command.id-reused", 400, "The Idempotency-Key was already used for a different command."),
        new("command.unknown", 400, "The case does not know the command."),
        new("upload.empty", 400, "The scan is empty."),
        new("manifest.encoding", 400, "The manifest is not UTF-8."),
        new("manifest.csv", 400, "The CSV manifest cannot be read."),
        new("manifest.json", 400, "The JSON manifest cannot be read."),
        new("manifest.columns", 400, "The manifest lacks required columns."),
        new("manifest.empty", 400, "The manifest has no person lines."),
        new("auth.required", 401, "No valid bearer token."),
        new("role.required", 403, "The caller has none of the roles the route or command needs."),
        new("duty.verify-own-upload", 403, "Separation of duties: a verifier cannot verify their own upload."),
        new("duty.approve-own-assessment", 403, "Separation of duties: the assessor cannot approve their own asesmen."),
        new("duty.both-ministries", 403, "One person cannot sign off for both ministries."),
        new("link.expired", 403, "The download link has expired."),
        new("link.invalid", 403, "The download link's signature does not hold."),
        new("case.not-found", 404, "No such case."),
        new("document.unknown", 404, "The case has no such document (or the caller may not see it)."),
        new("hold.unknown", 404, "The case has no such hold."),
        new("ministry.unknown", 404, "Not a ministry: use kemenp2mi or kemensos."),
        new("release.not-found", 404, "The case is not released (yet)."),
        new("manifest.not-found", 404, "No such manifest."),
        new("subscription.not-found", 404, "No such subscription."),
        new("route.unknown", 404, "No route matches the path."),
        new("method.not-allowed", 405, "The route does not take this method."),
        new("intake.conflict", 409, "The external reference is already a case with other data; `caseId` and `fields` (names only) say which."),
        new("case.finished", 409, "The case is released or withdrawn; it takes no more commands or documents."),
        new("stage.not-assessment", 409, "The case is not waiting for its asesmen."),
        new("stage.not-signoff", 409, "The case is not waiting for sign-offs."),
        new("assessment.awaiting-decision", 409, "An asesmen is already waiting for its decision."),
        new("assessment.not-submitted", 409, "No asesmen has been submitted."),
        new("signoff.stale-digest", 409, "The dossier changed since the digest the signer saw."),
        new("signoff.already-decided", 409, "The ministry already decided on this digest."),
        new("document.not-in-review", 409, "The document does not need review."),
        new("document.rejected", 409, "The document is already rejected."),
        new("classification.same-kind", 409, "The document already has that kind."),
        new("hold.exists", 409, "A hold with that ID exists."),
        new("hold.lifted", 409, "The hold is already lifted."),
        new("verification.conflict", 409, "Findings must be acknowledged; `errors` lists them."),
        new("release.no-audit-head", 409, "The release record has no audit head, so no letter can be proven."),
        new("release.purged", 410, "Retention removed the person's data, so the release letter cannot be made again; the minimal release record stays."),
        new("request.too-large", 413, "The JSON body is larger than the route accepts."),
        new("upload.too-large", 413, "The scan is larger than the configured limit."),
        new("manifest.too-large", 413, "The manifest file is too large."),
        new("manifest.too-many-lines", 413, "The manifest has too many lines."),
        new("request.media-type", 415, "The Content-Type is not accepted here."),
        new("upload.media-type", 415, "The scan is not JPEG, PNG, TIFF or PDF."),
        new("upload.content-mismatch", 415, "The scan's bytes are not of its Content-Type."),
        new("manifest.media-type", 415, "A dropped manifest is neither CSV nor JSON."),
        new("verification.invalid-correction", 422, "A verifier's correction is not a valid value; `errors` by field."),
        new("verification.acknowledgement-invalid", 422, "An acknowledgement names no finding of the document."),
        new("verification.note-required", 422, "Acknowledging findings needs a note."),
        new("upload.too-many-pages", 422, "The scan has more pages than allowed."),
        new("upload.too-many-pixels", 422, "A page of the scan has more pixels than allowed."),
        new("subscription.handshake-failed", 422, "The webhook receiver did not agree to the abuse-protection handshake."),
        new("rate.limited", 429, "Too many requests from this caller; wait Retry-After seconds."),
        new("server.error", 500, "Pulang failed to handle the request; nothing was lost."),
        new("storage.unavailable", 503, "Storage cannot be reached; nothing was changed; retry after Retry-After seconds."),
    ];
}
