using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Pulang.SelfHost;
using Pulang.SelfHost.Hosting;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Bench;

/// <summary>What happened to one case of a batch, in seconds since the batch started (NaN: not reached).</summary>
public sealed class CaseRun(GeneratedCase generated, int replica)
{
    /// <summary>The generated person and scans.</summary>
    public GeneratedCase Case { get; } = generated;
    /// <summary>Which replica takes this case's intake, uploads and commands.</summary>
    public int Replica { get; } = replica;
    /// <summary>Pulang's case ID.</summary>
    public string? CaseId { get; set; }
    /// <summary>Intake POST sent.</summary>
    public double Start { get; set; } = double.NaN;
    /// <summary>Intake answered.</summary>
    public double Created { get; set; } = double.NaN;
    /// <summary>All four scans uploaded (202).</summary>
    public double Uploaded { get; set; } = double.NaN;
    /// <summary>First seen in the assessor's inbox (every document read).</summary>
    public double AssessReady { get; set; } = double.NaN;
    /// <summary>Asesmen submitted and approved (both answers in).</summary>
    public double Assessed { get; set; } = double.NaN;
    /// <summary>First seen in a signer's inbox.</summary>
    public double SignReady { get; set; } = double.NaN;
    /// <summary>Both sign-offs answered.</summary>
    public double Signed { get; set; } = double.NaN;
    /// <summary>Seen Released.</summary>
    public double Released { get; set; } = double.NaN;
    /// <summary>Documents a verifier had to confirm.</summary>
    public int Verifications;
    /// <summary>The first error, if any.</summary>
    public string? Error { get; set; }
    internal int SignOffsDone;
}

/// <summary>One person's command of a batch: what, when it was first sent and when the API answered it decided (200), in seconds since the batch started.</summary>
/// <param name="Command">asesmen, asesmen-decision, sign-off or verification.</param>
/// <param name="Sent">First sent.</param>
/// <param name="Decided">Answered 200 (decided; a 202 is sent again with the same Idempotency-Key until it is).</param>
public sealed record CommandTiming(string Command, double Sent, double Decided)
{
    /// <summary>Sent to decided, seconds.</summary>
    public double Latency => Decided - Sent;
}

/// <summary>
/// Drives a batch of generated cases through running self-host replicas over HTTP, as the people would: intake by the
/// embassy manifest, four uploads per case, then every approval as soon as the case shows up in that role's inbox
/// (<c>GET /api/inbox</c>, polled every 250 ms): verifier (documents that need review), assessor then supervisor,
/// both ministries' signers. Cases are spread over the replicas round-robin.
/// </summary>
public sealed class BatchDriver(IReadOnlyList<PulangClient> replicas, LocalTokens tokens, TextWriter log)
{
    readonly ConcurrentDictionary<string, string> tokenCache = new();
    readonly ConcurrentBag<Task> work = [];
    readonly Stopwatch clock = new();
    readonly ConcurrentBag<CommandTiming> commands = [];

    /// <summary>Every person's command that was decided, with its timing (filled by <see cref="RunAsync"/>).</summary>
    public IReadOnlyCollection<CommandTiming> Commands => commands;

    /// <summary>How many cases are in intake/upload at once (default 8).</summary>
    public int UploadConcurrency { get; init; } = 8;

    /// <summary>False: stop when every case waits for sign-off (to prepare the approvers benchmark).</summary>
    public bool SignOff { get; init; } = true;

    string T(string user) => tokenCache.GetOrAdd(user, u => tokens.MintDemo(u, TimeSpan.FromHours(2)));

    double Now => clock.Elapsed.TotalSeconds;

    /// <summary>Runs the batch; returns every case's times (Error set for the ones that failed or timed out).</summary>
    public async Task<IReadOnlyList<CaseRun>> RunAsync(IReadOnlyList<GeneratedCase> cases, string referencePrefix, TimeSpan timeout)
    {
        var runs = cases.Select((c, i) => new CaseRun(c, i % replicas.Count)).ToList();
        var byId = new ConcurrentDictionary<string, CaseRun>();
        using var cts = new CancellationTokenSource(timeout);
        clock.Restart();

        var gate = new SemaphoreSlim(UploadConcurrency);
        var intake = runs.Select(async run =>
        {
            await gate.WaitAsync(cts.Token);
            try
            {
                await IntakeAndUploadAsync(run, referencePrefix, byId, cts.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                run.Error ??= "intake/upload: " + e.Message;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        bool Done() => runs.All(r => r.Error is not null || (SignOff ? !double.IsNaN(r.Released) : !double.IsNaN(r.SignReady) && r.SignOffsDone == 0));
        var poll = 0;
        try
        {
            while (!Done())
            {
                cts.Token.ThrowIfCancellationRequested();
                var api = replicas[poll++ % replicas.Count];
                var polls = new List<Task> { PollVerifierAsync(api, byId, cts.Token), PollAssessorAsync(byId, api, cts.Token) };
                if (SignOff)
                {
                    polls.Add(PollSignerAsync(api, "p2mi-official", Ministry.KemenP2MI, byId, cts.Token));
                    polls.Add(PollSignerAsync(api, "kemensos-official", Ministry.Kemensos, byId, cts.Token));
                    if (poll % 4 == 0) polls.Add(PollReleasedAsync(api, byId, cts.Token));
                }
                else
                {
                    polls.Add(PollSignReadyAsync(api, byId, cts.Token));
                }

                await Task.WhenAll(polls);
                await Task.Delay(250, cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            foreach (var r in runs.Where(r => r.Error is null && !Done()))
            {
                r.Error = $"timed out after {timeout.TotalSeconds:F0} s";
            }
        }

        await Task.WhenAll(intake.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        await Task.WhenAll(work.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return runs;
    }

    async Task IntakeAndUploadAsync(CaseRun run, string prefix, ConcurrentDictionary<string, CaseRun> byId, CancellationToken ct)
    {
        var api = replicas[run.Replica];
        var p = run.Case.Person;
        run.Start = Now;
        var created = (await api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), new
        {
            externalReference = $"{prefix}-{p.Index:000}",
            fullName = p.FullName,
            sex = p.Sex.ToString(),
            birthDate = p.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            originRegion = $"Kabupaten {p.BirthPlace}",
            placementCountry = "Malaysia",
            arrivalDate = "2025-10-02",
            nik = p.Nik,
        }, ct: ct)).EnsureSuccess();
        run.CaseId = created.Json.GetProperty("caseId").GetString()!;
        byId[run.CaseId] = run;
        run.Created = Now;
        foreach (var scan in run.Case.Scans)
        {
            (await api.UploadAsync(run.CaseId, scan.Kind, scan.File, T("sentra-intake-officer"), ct)).EnsureSuccess();
        }

        run.Uploaded = Now;
    }

    async Task<List<(CaseRun Run, JsonElement Entry)>> InboxAsync(PulangClient api, string user, ConcurrentDictionary<string, CaseRun> byId, CancellationToken ct)
    {
        var json = (await api.GetAsync("/api/inbox?max=1000", T(user), ct)).EnsureSuccess().Json;
        return [.. json.GetProperty("cases").EnumerateArray()
            .Select(e => (Id: e.GetProperty("caseId").GetString()!, Entry: e))
            .Where(x => byId.ContainsKey(x.Id))
            .Select(x => (byId[x.Id], x.Entry))];
    }

    readonly ConcurrentDictionary<string, bool> verifying = new();

    async Task PollVerifierAsync(PulangClient api, ConcurrentDictionary<string, CaseRun> byId, CancellationToken ct)
    {
        foreach (var (run, _) in await InboxAsync(api, "sentra-verifier", byId, ct))
        {
            if (!verifying.TryAdd(run.CaseId!, true)) continue;
            Spawn(run, async () =>
            {
                try
                {
                    var mine = replicas[run.Replica];
                    var state = (await mine.GetAsync($"/api/cases/{run.CaseId}", T("sentra-verifier"), ct)).EnsureSuccess().Case;
                    foreach (var d in state.Documents.Where(d => d.Status == DocumentStatus.NeedsReview))
                    {
                        log.WriteLine($"  verifier: {run.CaseId} {d.Kind.ToRoute()} needs review: {string.Join("; ", d.Findings.Select(f => f.Code))}");
                        await CommandAsync("verification", mine, $"/api/cases/{run.CaseId}/documents/{d.DocumentId}/verification", "sentra-verifier", new { note = "Checked against the paper (benchmark)." }, ct);
                        Interlocked.Increment(ref run.Verifications);
                    }
                }
                finally
                {
                    verifying.TryRemove(run.CaseId!, out _);
                }
            });
        }
    }

    readonly ConcurrentDictionary<string, bool> assessing = new();

    async Task PollAssessorAsync(ConcurrentDictionary<string, CaseRun> byId, PulangClient api, CancellationToken ct)
    {
        foreach (var (run, _) in await InboxAsync(api, "sentra-social-worker", byId, ct))
        {
            if (!assessing.TryAdd(run.CaseId!, true)) continue;
            run.AssessReady = Now;
            Spawn(run, async () =>
            {
                var mine = replicas[run.Replica];
                await CommandAsync("asesmen", mine, $"/api/cases/{run.CaseId}/assessment", "sentra-social-worker", new
                {
                    summary = "Unpaid wages; passport withheld by the employer; in good health (fictional benchmark case).",
                    recommendation = "Refer to BP3MI for reintegration support.",
                }, ct);
                await CommandAsync("asesmen-decision", mine, $"/api/cases/{run.CaseId}/assessment/decision", "sentra-supervisor", new { approve = true }, ct);
                run.Assessed = Now;
            });
        }
    }

    readonly ConcurrentDictionary<string, bool> signing = new();

    async Task PollSignerAsync(PulangClient api, string user, Ministry ministry, ConcurrentDictionary<string, CaseRun> byId, CancellationToken ct)
    {
        foreach (var (run, entry) in await InboxAsync(api, user, byId, ct))
        {
            if (!signing.TryAdd($"{run.CaseId}:{ministry}", true)) continue;
            if (double.IsNaN(run.SignReady)) run.SignReady = Now;
            var digest = entry.GetProperty("dossierDigest").GetString()!;
            Spawn(run, async () =>
            {
                var mine = replicas[run.Replica];
                CaseState? after;
                try
                {
                    after = await CommandAsync("sign-off", mine, $"/api/cases/{run.CaseId}/signoffs/{(ministry == Ministry.KemenP2MI ? "kemenp2mi" : "kemensos")}", user, new { approve = true, dossierDigest = digest }, ct);
                }
                catch (StaleDossierException)
                {
                    // A document read after the asesmen was approved changed the dossier: sign the new one, as a person would
                    // once the inbox shows it (the next poll takes the new digest).
                    signing.TryRemove($"{run.CaseId}:{ministry}", out _);
                    return;
                }

                if (Interlocked.Increment(ref run.SignOffsDone) == 2)
                {
                    run.Signed = Now;
                    if (after?.Stage == Stage.Released) run.Released = Now;
                }
            });
        }
    }

    async Task PollSignReadyAsync(PulangClient api, ConcurrentDictionary<string, CaseRun> byId, CancellationToken ct)
    {
        foreach (var (run, _) in await InboxAsync(api, "p2mi-official", byId, ct))
        {
            if (double.IsNaN(run.SignReady)) run.SignReady = Now;
        }
    }

    async Task PollReleasedAsync(PulangClient api, ConcurrentDictionary<string, CaseRun> byId, CancellationToken ct)
    {
        var json = (await api.GetAsync("/api/cases?stage=Released&max=1000", T("bp3mi-reader"), ct)).EnsureSuccess().Json;
        foreach (var e in json.GetProperty("cases").EnumerateArray())
        {
            if (byId.TryGetValue(e.GetProperty("caseId").GetString()!, out var run) && double.IsNaN(run.Released) && run.SignOffsDone == 2)
            {
                run.Released = Now;
            }
        }
    }

    void Spawn(CaseRun run, Func<Task> action) => work.Add(Task.Run(async () =>
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Error ??= e.Message;
            log.WriteLine($"  error on {run.CaseId}: {e.Message}");
        }
    }));

    /// <summary>
    /// Sends a command and waits for its decision, as a person at the web app would; retries a refusal that only means "not yet"
    /// (409: the case has not processed the previous command) for up to 5 minutes, and sends a 202 (still pending after the
    /// service's wait) again with the same Idempotency-Key until it is answered decided. Records the sent-to-decided time.
    /// </summary>
    async Task<CaseState?> CommandAsync(string name, PulangClient api, string path, string user, object body, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        var key = Guid.NewGuid().ToString("N");
        var sent = Now;
        while (true)
        {
            var r = await api.JsonAsync(HttpMethod.Post, path, T(user), body, key, ct: ct);
            if (r.Status == HttpStatusCode.OK)
            {
                commands.Add(new CommandTiming(name, sent, Now));
                return r.Case;
            }

            if (r.Status == HttpStatusCode.Accepted && DateTime.UtcNow < deadline) continue;
            if (r.Status == HttpStatusCode.Conflict && r.Body.Contains("\"signoff.stale-digest\"", StringComparison.Ordinal)) throw new StaleDossierException();
            if (r.Status != HttpStatusCode.Conflict || DateTime.UtcNow > deadline) throw new HttpRequestException($"{path}: {(int)r.Status} {r.Body}");
            key = Guid.NewGuid().ToString("N");
            await Task.Delay(1000, ct);
        }
    }
}

/// <summary>A sign-off named a dossier that is no longer the current one (<c>signoff.stale-digest</c>): read the inbox again.</summary>
sealed class StaleDossierException : Exception;
