using System.Diagnostics;
using Pulang.SelfHost.Hosting;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Cases;

namespace Pulang.SelfHost;

/// <summary>
/// The demo: carries the fictional sample person (SRI RAHAYU WULANDARI, all data made up) from intake to
/// release over the HTTP API of a running self-host, printing each stage and its time.
/// </summary>
public sealed class Demo(Uri service, LocalTokens tokens, DirectoryInfo samples, TextWriter output)
{
    /// <summary>The sample scans uploaded, by document kind.</summary>
    public static readonly (string Kind, string File)[] Scans =
    [
        ("passport", "passport_datapage_300dpi.jpg"),
        ("ktp", "ktp_300dpi.jpg"),
        ("splp", "splp_200dpi.jpg"),
        ("assessment-form", "assessment_form_300dpi.jpg"),
        ("other", "scans_multipage.pdf"),
    ];

    /// <summary>The sample scans folder: the option, <c>PULANG_SAMPLES</c>, or <c>shared/samples/scans</c> beside the repository.</summary>
    /// <exception cref="DirectoryNotFoundException">No samples folder was found.</exception>
    public static DirectoryInfo FindSamples(DirectoryInfo? given)
    {
        if (given is not null)
        {
            return given.Exists ? given : throw new DirectoryNotFoundException($"No samples folder at {given.FullName}.");
        }

        if (Environment.GetEnvironmentVariable("PULANG_SAMPLES") is { Length: > 0 } env)
        {
            return new DirectoryInfo(Path.Combine(env, "scans"));
        }

        for (var dir = new DirectoryInfo(Azurite.RepositoryRoot() ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = new DirectoryInfo(Path.Combine(dir.FullName, "shared", "samples", "scans"));
            if (candidate.Exists)
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("Could not find shared/samples/scans next to the repository; pass --samples.");
    }

    /// <summary>Runs the demo; 0 when the case ends Released with both ministries' sign-offs in the release record.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromMinutes(2) };
        var api = new PulangClient(http);
        string T(string user) => tokens.MintDemo(user);
        var total = Stopwatch.StartNew();
        var stage = Stopwatch.StartNew();
        void Say(string text) => output.WriteLine($"[{total.Elapsed.TotalSeconds,6:F1}s] {text}");
        void Lap(string name)
        {
            output.WriteLine($"         -- {name}: {stage.Elapsed.TotalSeconds:F1} s");
            stage.Restart();
        }

        Say($"Pulang demo against {service} with the fictional sample person (samples: {samples.FullName})");
        // The embassy's manifest: the sample person first, then four more fictional persons (ManifestSample), as CSV.
        var run = $"{DateTime.UtcNow:yyyyMMddHHmmss}";
        var intake = new Pulang.Workflows.Cases.IntakeRequest($"DEMO-KBRI-KL/2025/0457/{run}", "SRI RAHAYU WULANDARI", "F", "1992-08-14",
            "Kabupaten Malang, Jawa Timur", "Malaysia", "2025-10-02", null);
        var manifest = ManifestSample.ToCsv([intake, .. ManifestSample.Persons(4, seed: 1, $"DEMO-KBRI-KL/{run}", DateOnly.FromDateTime(DateTime.UtcNow))]);
        var posted = (await api.SendAsync(HttpMethod.Post, "/api/manifests", T("embassy-kl-manifest"), new StringContent(manifest, System.Text.Encoding.UTF8, "text/csv"), ct: ct)).EnsureSuccess();
        var manifestId = posted.Json.GetProperty("manifestId").GetString()!;
        System.Text.Json.JsonElement view;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((view = (await api.GetAsync($"/api/manifests/{manifestId}", T("bp3mi-reader"), ct)).EnsureSuccess().Json).GetProperty("status").GetString() == "running")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Manifest {manifestId} did not complete within 2 minutes.");
            await Task.Delay(250, ct);
        }

        var counts = view.GetProperty("counts");
        Say($"Manifest {manifestId}: {counts.GetProperty("lines").GetInt32()} persons, {counts.GetProperty("created").GetInt32()} cases created, {counts.GetProperty("refused").GetInt32()} refused");
        var caseId = view.GetProperty("results")[0].GetProperty("caseId").GetString()!;
        var state = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage != Stage.Registered, TimeSpan.FromSeconds(60), ct);
        Say($"Case {caseId} started by the embassy manifest: {state.Stage}");
        Lap("intake");

        var uploadedAt = new Dictionary<string, (string Kind, DateTime At)>();
        foreach (var (kind, file) in Scans)
        {
            var path = Path.Combine(samples.FullName, file);
            var up = (await api.UploadAsync(caseId, kind, path, T("sentra-intake-officer"), ct)).EnsureSuccess();
            var id = up.Json.GetProperty("documentId").GetString()!;
            uploadedAt[id] = (kind, DateTime.UtcNow);
            Say($"Uploaded {kind,-16} {file,-32} -> {id} sha256 {up.Json.GetProperty("sha256").GetString()![..12]}...");
        }

        var perPage = new List<double>();
        var seen = new HashSet<string>();
        var scanning = Stopwatch.StartNew();
        state = await api.WaitForAsync(caseId, T("bp3mi-reader"), s =>
        {
            foreach (var d in s.Documents.Where(d => seen.Add(d.DocumentId)))
            {
                var seconds = (DateTime.UtcNow - uploadedAt[d.DocumentId].At).TotalSeconds;
                Say($"Read {d.Kind.ToRoute(),-16} {d.Pages} page(s): {d.Status}" + (d.Findings.Count > 0 ? $" — {string.Join("; ", d.Findings.Select(f => f.Message))}" : "") +
                    (d.Fields.Count > 0 ? $" [{string.Join(", ", d.Fields.Keys.Take(8))}]" : ""));
                if (d.Pages > 0)
                {
                    perPage.Add(seconds / d.Pages);
                }
            }

            return s.Documents.Count == Scans.Length;
        }, TimeSpan.FromMinutes(10), ct);
        var pages = state.Documents.Sum(d => d.Pages);
        Say($"OCR: {pages} pages in {scanning.Elapsed.TotalSeconds:F1} s = {scanning.Elapsed.TotalSeconds / Math.Max(1, pages):F1} s per page (wall time, documents read in parallel)");
        Lap("document scanning");

        foreach (var d in state.Documents.Where(d => d.Status == DocumentStatus.NeedsReview))
        {
            state = await ConfirmAsync(api, caseId, d.DocumentId, T("sentra-verifier"), ct);
            Say($"Verifier confirmed {d.Kind.ToRoute()} {d.DocumentId} after looking at the findings");
        }

        state = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.AssessmentPending, TimeSpan.FromSeconds(30), ct);
        Say($"Checklist complete: {state.Stage}");
        Lap("verification");

        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", T("sentra-social-worker"), new
        {
            summary = "Unpaid wages for 3 years 2 months; passport withheld by employer; in good health, mild fatigue.",
            recommendation = "Refer to BP3MI Jawa Timur for wage-claim assistance; propose micro-business reintegration support.",
        }, ct: ct)).EnsureSuccess();
        Say("Social worker submitted the asesmen");
        var own = await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment/decision", T("sentra-social-worker"), new { approve = true }, ct: ct);
        Say($"The social worker tries to approve their own asesmen: {(int)own.Status} (refused, as it must be)");
        state = (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment/decision", T("sentra-supervisor"), new { approve = true }, ct: ct)).EnsureSuccess().Case;
        Say($"Supervisor approved the asesmen: {state.Stage}, dossier digest {state.DossierDigest![..16]}...");
        Lap("assessment approval");

        var hold = (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", T("police-liaison"), new { reason = "Witness statement pending (TPPO investigation)" }, ct: ct)).EnsureSuccess().Case;
        var holdId = hold.Holds.Last().HoldId;
        Say($"Investigator placed hold {holdId}: {hold.ShownStage}");
        var digest = state.DossierDigest;
        state = (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", T("p2mi-official"), new { approve = true, dossierDigest = digest }, ct: ct)).EnsureSuccess().Case;
        Say($"KemenP2MI signed off during the hold: {state.ShownStage}");
        state = (await api.SendAsync(HttpMethod.Delete, $"/api/cases/{caseId}/holds/{holdId}", T("police-liaison"), ct: ct)).EnsureSuccess().Case;
        Say($"Investigator lifted the hold: {state.Stage}");
        var both = await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", T("p2mi-official"), new { approve = true, dossierDigest = digest }, ct: ct);
        Say($"The KemenP2MI official tries to sign for Kemensos too: {(int)both.Status} (refused)");
        state = (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", T("kemensos-official"), new { approve = true, dossierDigest = digest }, ct: ct)).EnsureSuccess().Case;
        Say($"Kemensos signed off: {state.Stage}");
        Lap("sign-off by both ministries");

        var release = (await api.GetAsync($"/api/cases/{caseId}/release", T("bp3mi-reader"), ct)).EnsureSuccess().Json;
        var signoffs = release.GetProperty("signOffs").EnumerateArray().Select(s => $"{s.GetProperty("ministry").GetString()} by {s.GetProperty("signedBy").GetString()} ({(s.GetProperty("approve").GetBoolean() ? "approved" : "rejected")})").ToList();
        Say($"Release record releases/{caseId}.json: dossier {release.GetProperty("dossierDigest").GetString()![..16]}..., sign-offs: {string.Join("; ", signoffs)}");
        Lap("release");
        Say($"Done: case {caseId} is {state.Stage} in {total.Elapsed.TotalSeconds:F1} s; per document, upload to result: {(perPage.Count > 0 ? perPage.Average() : 0):F1} s per page on average.");
        return state.Stage == Stage.Released && signoffs.Count >= 2 ? 0 : 1;
    }

    /// <summary>
    /// The second demo case, for a person to finish in the browser: a generated fictional person (<see cref="DemoPerson"/>,
    /// passport index <paramref name="person"/> of seed 13) started by the embassy's intake call, their passport, KTP and assessment form
    /// uploaded and read, anything the reading flagged confirmed by the verifier, the asesmen submitted and approved; the case is left
    /// waiting for both ministries' sign-offs (<see cref="Stage.SignOffPending"/>).
    /// </summary>
    /// <returns>The case ID.</returns>
    /// <exception cref="HttpRequestException">The service refused a step (the message holds its problem details).</exception>
    /// <exception cref="TimeoutException">The case did not reach the next stage in time (OCR waits at most 10 minutes).</exception>
    public async Task<string> LeaveCaseForSignOffAsync(int person, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromMinutes(2) };
        var api = new PulangClient(http);
        string T(string user) => tokens.MintDemo(user);
        var total = Stopwatch.StartNew();
        void Say(string text) => output.WriteLine($"[{total.Elapsed.TotalSeconds,6:F1}s] {text}");

        var generated = DemoPerson.Generate(person, 13, DateOnly.FromDateTime(DateTime.UtcNow));
        var intake = new
        {
            externalReference = $"DEMO-KBRI-KL/2025/{person + 500:0000}/{DateTime.UtcNow:yyyyMMddHHmmss}",
            fullName = generated.FullName,
            sex = generated.Sex,
            birthDate = generated.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            originRegion = "Kabupaten Malang, Jawa Timur",
            placementCountry = "Malaysia",
            arrivalDate = DateTime.UtcNow.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        var caseId = (await api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), intake, ct: ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage != Stage.Registered, TimeSpan.FromSeconds(60), ct);
        Say($"Second case {caseId}: a generated fictional person (SPESIMEN), started by the embassy's intake call (POST /api/cases)");
        foreach (var (kind, bytes, file) in new[] { ("passport", generated.Passport, "passport.jpg"), ("ktp", generated.Ktp, "ktp.png"), ("assessment-form", generated.AssessmentForm, "assessment-form.png") })
        {
            (await api.UploadAsync(caseId, kind, bytes, file, T("sentra-intake-officer"), ct)).EnsureSuccess();
        }

        var state = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Count == 3, TimeSpan.FromMinutes(10), ct);
        Say($"Read: {string.Join(", ", state.Documents.Select(d => $"{d.Kind.ToRoute()} {d.Status}"))}");
        foreach (var d in state.Documents.Where(d => d.Status == DocumentStatus.NeedsReview))
        {
            state = await ConfirmAsync(api, caseId, d.DocumentId, T("sentra-verifier"), ct);
            Say($"Verifier confirmed {d.Kind.ToRoute()} after looking at the findings");
        }

        await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.AssessmentPending, TimeSpan.FromSeconds(60), ct);
        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", T("sentra-social-worker"), new
        {
            summary = "Gaji tidak dibayar 14 bulan; sehat; ingin kembali ke keluarga di Kabupaten Malang.",
            recommendation = "Reunifikasi keluarga; rujuk ke dinas sosial kabupaten untuk pelatihan kerja.",
        }, ct: ct)).EnsureSuccess();
        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment/decision", T("sentra-supervisor"), new { approve = true }, ct: ct)).EnsureSuccess();
        state = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.SignOffPending, TimeSpan.FromSeconds(60), ct);
        Say($"Second case {caseId}: asesmen approved, now {state.Stage}: waiting for KemenP2MI and Kemensos");
        return caseId;
    }

    /// <summary>
    /// The verifier confirms a flagged document with a note; when the service answers 409 <c>verification.conflict</c>, the
    /// findings it lists are acknowledged with the same note (the demo has the paper original at hand). Returns the case after.
    /// </summary>
    static async Task<CaseState> ConfirmAsync(PulangClient api, string caseId, string documentId, string token, CancellationToken ct)
    {
        const string Note = "Checked against the paper original at the sentra (demo).";
        var path = $"/api/cases/{caseId}/documents/{documentId}/verification";
        var answer = await api.JsonAsync(HttpMethod.Post, path, token, new { note = Note }, ct: ct);
        if (answer.Status == System.Net.HttpStatusCode.Conflict && answer.Json.TryGetProperty("errors", out var errors))
        {
            var codes = errors.EnumerateArray().Select(e => e.GetProperty("code").GetString()!).Distinct().ToList();
            answer = await api.JsonAsync(HttpMethod.Post, path, token, new { note = Note, acknowledge = codes }, ct: ct);
        }

        return answer.EnsureSuccess().Case;
    }
}
