using System.Net;
using System.Net.Http.Headers;
using Pulang.SelfHost;
using Pulang.SelfHost.Hosting;
using Pulang.Tests.EndToEnd;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using SkiaSharp;

namespace Pulang.Tests.Resilience;

/// <summary>
/// An idempotent client that carries cases through the whole workflow over HTTP, the way a careful real client
/// would while the service crashes, restarts or loses its storage: every call has a timeout; every step first looks
/// at the case and only acts when its goal is not reached yet; commands carry stable idempotency keys, so a command
/// re-sent after a timeout takes effect once; an upload that never shows up in the case is sent again (the same
/// bytes are recognized as a duplicate by the case).
/// </summary>
/// <param name="api">The current client (the process behind it may be restarted with a new client).</param>
/// <param name="tokens">Mints tokens the service accepts.</param>
public sealed class CaseDriver(Func<PulangClient> api, LocalTokens tokens)
{
    /// <summary>The documents every case needs, as route kinds.</summary>
    public static readonly IReadOnlyList<string> RequiredKinds = ["passport", "ktp", "assessment-form"];

    /// <summary>How long one HTTP call may take before the driver gives up on it and tries again.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an accepted upload may take to show up in the case before it is sent again (default 10 min). A 202 means
    /// the scan is stored and its orchestration scheduled, so this is only a safety net: in the first 200-case crash run
    /// it was 2 min, scans queued longer than that, and every re-upload added another scan to the queue.
    /// </summary>
    public TimeSpan UploadRetryAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Pause between two rounds on one case (default 1 s, plus up to 1 s at random so many drivers do not poll in step).
    /// In the first 200-case crash run the driver polled every 300 ms: 200 cases read their state several hundred times a
    /// second, Azurite (one Node.js process) ran at full CPU, and activities fell 15 minutes behind.
    /// </summary>
    public TimeSpan RoundDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The scan uploaded for every kind (default <see cref="BlankPng"/>: Tesseract reads it fast and finds nothing, so it goes to review).</summary>
    public byte[] Scan { get; init; } = BlankPng();

    /// <summary>HTTP calls that failed (no answer, timeout, or 5xx) and were tried again.</summary>
    public int FailedCalls => failedCalls;

    int failedCalls;

    /// <summary>Answers seen per status (for the test's report).</summary>
    public Dictionary<int, int> Statuses { get; } = [];

    /// <summary>Per reference: what the driver last saw of its case, or "done" (for reports on cases that did not finish).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> LastSeen { get; } = new();

    /// <summary>Per reference: its case ID, once intake answered.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> CaseIds { get; } = new();

    /// <summary>The case IDs of cases not driven to their goal yet (for <see cref="Infrastructure.TaskHubForensics"/>).</summary>
    public IEnumerable<string> UnfinishedCaseIds => LastSeen.Where(p => p.Value != "done" && CaseIds.ContainsKey(p.Key)).Select(p => CaseIds[p.Key]);

    /// <summary>Per case ID: the last command sent and its answer (time, path tail, status, problem code), for reports on stuck cases.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> LastAnswer { get; } = new();

    /// <summary>One line per case not driven to its goal yet, with what was last seen of it and when, and the last command's answer.</summary>
    public string DescribeUnfinished() =>
        string.Join('\n', LastSeen.Where(p => p.Value != "done").OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}: {p.Value}" + (CaseIds.TryGetValue(p.Key, out var id) && LastAnswer.TryGetValue(id, out var a) ? $"\n  last command: {a}" : "")));

    static string Describe(string caseId, CaseState s) =>
        $"{DateTime.UtcNow:HH:mm:ss} {caseId} {s.Stage} docs=[{string.Join(' ', s.Documents.Select(d => $"{d.Kind}:{d.Status}"))}] " +
        $"assessment={s.Assessment?.Status.ToString() ?? "-"} signoffs={s.SignOffs.Count} revision={s.DossierRevision}";

    /// <summary>Starts (or finds) the case for <paramref name="reference"/>: retried until intake answers 200 or 201.</summary>
    public async Task<string> IntakeAsync(string reference, CancellationToken ct)
    {
        while (true)
        {
            var r = await CallAsync(c => api().JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake(reference), ct: c), ct);
            if (r is { Status: HttpStatusCode.OK or HttpStatusCode.Created })
            {
                return r.Json.GetProperty("caseId").GetString()!;
            }

            await Task.Delay(500, ct);
        }
    }

    /// <summary>Reads the case, retried until it answers 200.</summary>
    public async Task<CaseState> ReadAsync(string caseId, CancellationToken ct)
    {
        while (true)
        {
            var r = await CallAsync(c => api().GetAsync($"/api/cases/{caseId}", T("bp3mi-reader"), c), ct);
            if (r is { Status: HttpStatusCode.OK })
            {
                return r.Case;
            }

            await Task.Delay(500, ct);
        }
    }

    /// <summary>
    /// Starts the case for <paramref name="reference"/> and drives it until <paramref name="until"/> holds (default:
    /// Released), checked before every step. Returns the case ID and the state that satisfied it.
    /// </summary>
    public async Task<(string CaseId, CaseState State)> DriveAsync(string reference, CancellationToken ct, Func<CaseState, bool>? until = null)
    {
        until ??= s => s.Stage == Stage.Released;
        LastSeen[reference] = $"{DateTime.UtcNow:HH:mm:ss} intake";
        var caseId = await IntakeAsync(reference, ct);
        CaseIds[reference] = caseId;
        var uploads = new Dictionary<string, DateTime>();
        while (true)
        {
            var state = await ReadAsync(caseId, ct);
            if (until(state))
            {
                LastSeen[reference] = "done";
                return (caseId, state);
            }

            LastSeen[reference] = Describe(caseId, state);

            if (state.IsFinished)
            {
                throw new InvalidOperationException($"Case {caseId} ended {state.Stage} instead of reaching the goal.");
            }

            await StepAsync(caseId, state, uploads, ct);
            await Task.Delay(RoundDelay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000)), ct);
        }
    }

    /// <summary>One round of whatever the case needs next; each call may fail (it is looked at again next round).</summary>
    async Task StepAsync(string caseId, CaseState state, Dictionary<string, DateTime> uploads, CancellationToken ct)
    {
        if (state.Stage == Stage.Registered)
        {
            // Not started yet as far as the reader can tell: intake again (idempotent; completes an interrupted start).
            await IntakeAsync(state.Intake.ExternalReference, ct);
            return;
        }

        foreach (var kind in RequiredKinds)
        {
            if (state.Documents.Any(d => d.Kind.ToRoute() == kind) || (uploads.TryGetValue(kind, out var at) && DateTime.UtcNow - at < UploadRetryAfter))
            {
                continue;
            }

            var r = await CallAsync(c =>
            {
                var content = new ByteArrayContent(Scan);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                return api().SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/{kind}", T("sentra-intake-officer"), content, ct: c);
            }, ct);
            if (r is { Status: HttpStatusCode.Accepted })
            {
                uploads[kind] = DateTime.UtcNow;
            }
        }

        foreach (var d in state.Documents.Where(d => d.Status == DocumentStatus.NeedsReview))
        {
            await CommandAsync($"/api/cases/{caseId}/documents/{d.DocumentId}/verification", "sentra-verifier", new { note = "checked by hand" }, $"verify-{d.DocumentId}", ct);
        }

        if (state.Stage == Stage.AssessmentPending && state.Assessment is null or { Status: AssessmentStatus.SentBack })
        {
            await CommandAsync($"/api/cases/{caseId}/assessment", "sentra-social-worker", new { summary = "Sehat, siap pulang.", recommendation = "Pulang ke keluarga." }, $"assess-{state.DossierRevision}", ct);
        }
        else if (state.Stage == Stage.AssessmentPending && state.Assessment is { Status: AssessmentStatus.Submitted })
        {
            await CommandAsync($"/api/cases/{caseId}/assessment/decision", "sentra-supervisor", new { approve = true }, $"decide-{state.DossierRevision}", ct);
        }
        else if (state.Stage == Stage.SignOffPending)
        {
            foreach (var (ministry, user) in new[] { (Ministry.KemenP2MI, "p2mi-official"), (Ministry.Kemensos, "kemensos-official") })
            {
                if (!state.SignOffs.Any(s => s.Ministry == ministry && s.DossierDigest == state.DossierDigest))
                {
                    await CommandAsync($"/api/cases/{caseId}/signoffs/{ministry.ToString().ToLowerInvariant()}", user,
                        new { approve = true, dossierDigest = state.DossierDigest }, $"sign-{ministry}-{state.DossierDigest![..16]}", ct);
                }
            }
        }
    }

    /// <summary>Sends one command once (the next round looks at the case and sends it again if it did not take effect).</summary>
    public async Task<ApiResponse?> CommandAsync(string path, string user, object body, string idempotencyKey, CancellationToken ct)
    {
        var r = await CallAsync(c => api().JsonAsync(HttpMethod.Post, path, T(user), body, idempotencyKey, c), ct);
        if (path.Split('/') is [_, "api", "cases", var caseId, ..])
        {
            var code = r?.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true ? TryCode(r.Body) : null;
            LastAnswer[caseId] = $"{DateTime.UtcNow:HH:mm:ss.fff} {path[(path.IndexOf(caseId, StringComparison.Ordinal) + caseId.Length)..]} key {idempotencyKey}: {(r is null ? "no answer" : ((int)r.Status).ToString(System.Globalization.CultureInfo.InvariantCulture))} {code}";
        }

        return r;
    }

    static string? TryCode(string body)
    {
        try
        {
            return System.Text.Json.JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c) ? c.ToString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>One HTTP call with <see cref="CallTimeout"/>: the answer, or null when there was none in time (or a 5xx).</summary>
    public async Task<ApiResponse?> CallAsync(Func<CancellationToken, Task<ApiResponse>> call, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CallTimeout);
        try
        {
            var r = await call(timeout.Token);
            lock (Statuses)
            {
                Statuses[(int)r.Status] = Statuses.GetValueOrDefault((int)r.Status) + 1;
            }

            if ((int)r.Status >= 500)
            {
                Interlocked.Increment(ref failedCalls);
                return null;
            }

            return r;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or OperationCanceledException or IOException)
        {
            Interlocked.Increment(ref failedCalls);
            return null;
        }
    }

    string T(string user) => tokens.MintDemo(user);

    /// <summary>A small blank page as PNG.</summary>
    public static byte[] BlankPng(int width = 240, int height = 160)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.White);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
