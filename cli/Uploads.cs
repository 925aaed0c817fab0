using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Pulang.Cli;

/// <summary>What happened to one file.</summary>
/// <param name="Reference">External reference (batch) or null.</param>
/// <param name="CaseId">The case.</param>
/// <param name="File">The file's path.</param>
/// <param name="Kind">Document kind.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file.</param>
/// <param name="Status"><c>uploaded</c>, <c>skipped</c> (already on the case) or <c>failed</c>.</param>
/// <param name="DocumentId">The service's document ID when uploaded.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Bytes">File size.</param>
/// <param name="Seconds">Upload time.</param>
public sealed record UploadResult(string? Reference, string CaseId, string File, string Kind, string Sha256, string Status, string? DocumentId, string? Error, long Bytes, double Seconds);

/// <summary>
/// <c>pulang upload</c> and <c>pulang upload-batch</c>: scans to cases over <c>PUT /api/cases/{id}/documents/{kind}</c>,
/// one at a time, with progress. Resumable: before uploading, each case's view (<c>GET /api/cases/{id}</c>) is read and
/// a file whose SHA-256 the case already lists is skipped, so running the same batch again after an interruption sends
/// only what is missing (a scan sent just before the interruption that the case has not listed yet is sent again; the
/// case keeps one document per content and kind).
/// </summary>
public static class Uploads
{
    /// <summary>A case as the upload needs it.</summary>
    sealed record Target(string CaseId, string Stage, HashSet<string> Hashes);

    /// <summary>Uploads a batch folder (<see cref="BatchPlan"/>). Returns the exit code.</summary>
    public static async Task<int> BatchAsync(Api api, string folder, Output output, CancellationToken ct)
    {
        var (people, problems) = BatchPlan.Read(folder);
        var targets = new Dictionary<string, Target>(StringComparer.Ordinal);
        var missing = new List<string>();
        // References are looked up even when files have problems, so one run lists everything to fix.
        {
            foreach (var person in people)
            {
                var found = await api.GetJsonAsync($"api/cases?reference={Uri.EscapeDataString(person.Reference)}&max=1", ct);
                var rows = found.GetProperty("cases");
                if (rows.GetArrayLength() == 0)
                {
                    missing.Add($"{person.Reference}/: tidak ada kasus dengan referensi eksternal ini (unknown reference).");
                    continue;
                }

                var target = await TargetAsync(api, rows[0].GetProperty("caseId").GetString()!, ct);
                if (target.Stage is "Released" or "Withdrawn" && person.Files.Any(f => !target.Hashes.Contains(Sha256Of(f.Path))))
                {
                    missing.Add($"{person.Reference}/: kasus {target.CaseId} sudah {target.Stage}; tidak menerima dokumen lagi (case finished).");
                    continue;
                }

                targets[person.Reference] = target;
            }
        }

        if (problems.Count > 0 || missing.Count > 0)
        {
            var all = problems.Concat(missing).ToList();
            foreach (var p in all) Output.Error(p);
            Output.Error($"{all.Count} masalah; tidak ada yang diunggah (nothing uploaded).");
            if (output.Json) Output.WriteJson(new { folder, uploaded = 0, problems = all });
            return problems.Count > 0 ? ExitCodes.BadInput : ExitCodes.NotFound;
        }

        var work = people.SelectMany(p => p.Files.Select(f => (p.Reference, File: f, targets[p.Reference]))).ToList();
        output.Line($"{people.Count} orang, {work.Count} pindaian ({Size(work.Sum(w => w.File.Length))}) dari {folder} ke {api.Server}");
        return await RunAsync(api, work.Select(w => ((string?)w.Reference, w.File, w.Item3.CaseId, w.Item3.Hashes)).ToList(), output, folder, ct);
    }

    /// <summary>Uploads files to one case; <paramref name="kind"/> for all of them, else from each file name. Returns the exit code.</summary>
    public static async Task<int> FilesAsync(Api api, string caseId, IReadOnlyList<string> files, string? kind, Output output, CancellationToken ct)
    {
        var problems = new List<string>();
        var scans = new List<ScanFile>();
        foreach (var file in files)
        {
            var type = BatchPlan.ContentTypeOf(file);
            var k = kind ?? BatchPlan.KindOf(Path.GetFileName(file), null);
            if (!File.Exists(file)) problems.Add($"{file}: tidak ada (no such file).");
            else if (type is null) problems.Add($"{file}: jenis berkas tidak didukung (unsupported file); JPEG, PNG, TIFF atau PDF.");
            else if (LengthOf(file) == 0) problems.Add($"{file}: berkas kosong (empty file).");
            else if (k is null) problems.Add($"{file}: jenis dokumen tidak dikenali dari nama berkas; beri --kind.");
            else scans.Add(new ScanFile(file, k, type, LengthOf(file)));
        }

        if (problems.Count > 0)
        {
            foreach (var p in problems) Output.Error(p);
            Output.Error("Tidak ada yang diunggah (nothing uploaded).");
            if (output.Json) Output.WriteJson(new { caseId, uploaded = 0, problems });
            return ExitCodes.BadInput;
        }

        var target = await TargetAsync(api, caseId, ct);
        return await RunAsync(api, [.. scans.Select(s => ((string?)null, s, target.CaseId, target.Hashes))], output, caseId, ct);
    }

    static async Task<int> RunAsync(Api api, List<(string? Reference, ScanFile File, string CaseId, HashSet<string> Hashes)> work, Output output, string what, CancellationToken ct)
    {
        var results = new List<UploadResult>();
        var total = work.Sum(w => w.File.Length);
        var watch = Stopwatch.StartNew();
        CliException? abort = null;
        await output.RunAsync($"Unggah {what}", total, async (advance, describe, line) =>
        {
            for (var i = 0; i < work.Count; i++)
            {
                var (reference, file, caseId, hashes) = work[i];
                var label = $"[{i + 1}/{work.Count}] {(reference is null ? "" : reference + "/")}{Path.GetFileName(file.Path)} → {file.Kind}";
                var sha = Sha256Of(file.Path);
                if (!hashes.Add(sha))
                {
                    results.Add(new(reference, caseId, file.Path, file.Kind, sha, "skipped", null, null, file.Length, 0));
                    advance(file.Length);
                    line($"{label}: dilewati, sudah ada di kasus {caseId} (skipped)");
                    continue;
                }

                describe(label);
                var started = Stopwatch.GetTimestamp();
                long sent = 0;
                try
                {
                    using var response = await api.SendAsync(() =>
                    {
                        // A retried attempt starts the file again: take back what the failed one counted.
                        advance(-sent);
                        sent = 0;
                        return new HttpRequestMessage(HttpMethod.Put, $"api/cases/{Uri.EscapeDataString(caseId)}/documents/{file.Kind}")
                        {
                            Content = new ProgressContent(file.Path, file.ContentType, n => { sent += n; advance(n); }),
                        };
                    }, ct);
                    var body = await Api.ReadAsync(response, ct);
                    var id = body.GetProperty("documentId").GetString();
                    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    results.Add(new(reference, caseId, file.Path, file.Kind, sha, "uploaded", id, null, file.Length, seconds));
                    line($"{label}: diunggah {id} ({Size(file.Length)}, {seconds:F1} s)");
                }
                catch (CliException e) when (e.ExitCode is ExitCodes.Refused or ExitCodes.NotFound)
                {
                    hashes.Remove(sha);
                    advance(file.Length - sent);
                    results.Add(new(reference, caseId, file.Path, file.Kind, sha, "failed", null, e.Message, file.Length, Stopwatch.GetElapsedTime(started).TotalSeconds));
                    line($"{label}: GAGAL {e.Message}");
                }
                catch (CliException e)
                {
                    // Not signed in, not allowed, or the service is gone: the rest would fail the same way.
                    abort = e;
                    results.Add(new(reference, caseId, file.Path, file.Kind, sha, "failed", null, e.Message, file.Length, Stopwatch.GetElapsedTime(started).TotalSeconds));
                    line($"{label}: GAGAL {e.Message}");
                    return;
                }
            }
        });

        var uploaded = results.Count(r => r.Status == "uploaded");
        var skipped = results.Count(r => r.Status == "skipped");
        var failed = results.Count(r => r.Status == "failed");
        var notTried = work.Count - results.Count;
        output.Line($"Selesai dalam {watch.Elapsed.TotalSeconds:F1} s: {uploaded} diunggah, {skipped} dilewati (sudah ada), {failed} gagal{(notTried > 0 ? $", {notTried} tidak dicoba" : "")}.");
        if (output.Json)
        {
            Output.WriteJson(new { what, uploaded, skipped, failed, notTried, seconds = Math.Round(watch.Elapsed.TotalSeconds, 1), files = results });
        }

        return abort?.ExitCode ?? (failed > 0 ? ExitCodes.Refused : ExitCodes.Ok);
    }

    static async Task<Target> TargetAsync(Api api, string caseId, CancellationToken ct)
    {
        var view = await api.GetJsonAsync($"api/cases/{Uri.EscapeDataString(caseId)}", ct);
        var hashes = view.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("sha256").GetString()!).ToHashSet(StringComparer.Ordinal);
        return new Target(view.GetProperty("caseId").GetString()!, view.GetProperty("stage").GetString()!, hashes);
    }

    /// <summary>A file's length in bytes, following symbolic links (<see cref="FileInfo.Length"/> gives a link's own size).</summary>
    public static long LengthOf(string path)
    {
        using var handle = File.OpenHandle(path);
        return RandomAccess.GetLength(handle);
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>A size for people: <c>1.2 MB</c>.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F0} KB",
        _ => $"{bytes / 1024.0 / 1024:F1} MB",
    };
}
