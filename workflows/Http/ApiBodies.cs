using System.Text.Json.Serialization;
using Pulang.Workflows.Audit;
using Pulang.Workflows.Events;

namespace Pulang.Workflows.Http;

// The response bodies of the API that are not domain records, named so that the OpenAPI document (ApiDocument) describes
// them from the same types the handlers write. JSON as PulangJson: camelCase, null properties left out unless marked.

/// <summary>Answer of <c>POST /api/cases</c>: the case, whether this call started it, and its URL.</summary>
public sealed record CaseCreated(string CaseId, bool Created, string Location);

/// <summary>202 of a command raised to the case but not decided within the wait: <c>status</c> is <c>pending</c>; poll <c>location</c>.</summary>
public sealed record CommandPending(string CommandId, string Status, string Location);

/// <summary>202 of <c>PUT /api/cases/{caseId}/documents/{kind}</c>: the scan is stored and being read (<c>status</c> <c>scanning</c>); <c>length</c> in bytes.</summary>
public sealed record DocumentAccepted(string DocumentId, string Kind, string Sha256, long Length, string ContentType, string Status);

/// <summary>Answer of <c>GET /api/cases/{caseId}/audit</c>: the entries and the result of verifying them.</summary>
public sealed record CaseAudit(string CaseId, IReadOnlyList<AuditEntry> Entries, AuditVerification Verification);

/// <summary>Answer of <c>POST /api/manifests</c>: 202 <c>created</c> true for a new file, 200 false for a file received before; <c>lines</c> is the number of person lines.</summary>
public sealed record ManifestAccepted(string ManifestId, bool Created, int Lines, string Location);

/// <summary>Answer of <c>GET /api/subscriptions</c>: every subscription, without secrets.</summary>
public sealed record SubscriptionList(IReadOnlyList<Subscription> Subscriptions);

/// <summary>Answer of <c>GET /api/subscriptions/{subscriptionId}/deliveries</c>: the delivery log, newest first.</summary>
public sealed record DeliveryLog(string SubscriptionId, IReadOnlyList<Delivery> Deliveries);

/// <summary>Answer of <c>GET /.well-known/pulang-release-key</c>: the release key's public half (ES256), as PEM and as a JWK.</summary>
public sealed record ReleaseKeyInfo(string KeyId, string Algorithm, string PublicKeyPem, IReadOnlyDictionary<string, string> Jwk);

/// <summary>
/// One page of the case list or the inbox (<see cref="ListPaging"/>): <c>continuationToken</c> and <c>next</c> (this request
/// with the token) are null, and written as null, on the last page.
/// </summary>
public sealed record CasePage<T>(
    IReadOnlyList<T> Cases,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ContinuationToken,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
