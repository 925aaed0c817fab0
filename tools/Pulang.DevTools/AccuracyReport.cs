using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;

namespace Pulang.DevTools;

/// <summary>Exact rate of one extracted field over the documents whose ground truth has it.</summary>
/// <param name="Exact">Documents where the field was read exactly (names compared after <see cref="PersonNames.Normalize"/>).</param>
/// <param name="Total">Documents whose ground truth has the field.</param>
public sealed record FieldRate(int Exact, int Total)
{
    /// <summary>Exact / Total in 0..1 (0 when Total is 0).</summary>
    public double Rate => Total == 0 ? 0 : (double)Exact / Total;
}

/// <summary>Accuracy of one document kind.</summary>
/// <param name="Kind">Route name of the kind (<c>passport</c>, <c>ktp</c>, <c>splp</c>, <c>assessment-form</c>).</param>
/// <param name="Documents">Scans measured.</param>
/// <param name="Accepted">Scans read without findings (the decider would accept them without a person).</param>
/// <param name="Fields">Exact rate per field (<see cref="FieldNames"/> names).</param>
/// <param name="MrzExact">Passports only: scans whose two MRZ lines equal the truth exactly; null for other kinds.</param>
/// <param name="FalseAccepts">Scans accepted without findings that were altered (a generated paper with a printed field that disagrees
/// with its NIK or the case) or whose MRZ, NIK, name, birth date or sex differs from the truth. Must be 0.</param>
/// <param name="AcceptedWithWrongField">Scans accepted without findings with any measured field different from the truth.</param>
/// <param name="Altered">Scans marked <c>altered</c> in the ground truth (they must all go to review); the clean ones are the rest.</param>
/// <param name="CleanAccepted">Scans not altered that were accepted without findings.</param>
public sealed record KindAccuracy(string Kind, int Documents, int Accepted, IReadOnlyDictionary<string, FieldRate> Fields, FieldRate? MrzExact,
    int FalseAccepts, int AcceptedWithWrongField, int Altered = 0, int CleanAccepted = 0);

/// <summary>One scan's outcome (file path relative to the ground-truth folder; no personal data).</summary>
/// <param name="File">Relative path as listed in the ground truth.</param>
/// <param name="Kind">Route name of the kind.</param>
/// <param name="Accepted">No findings.</param>
/// <param name="WrongFields">Measured fields not read exactly (names only, never values).</param>
/// <param name="FindingCodes">Codes of the findings.</param>
/// <param name="Pages">Pages the engine returned.</param>
/// <param name="Seconds">OCR plus reading wall time, seconds.</param>
/// <param name="Error">The <see cref="OcrException"/> message when the engine failed, else null.</param>
public sealed record ScanOutcome(string File, string Kind, bool Accepted, IReadOnlyList<string> WrongFields, IReadOnlyList<string> FindingCodes,
    int Pages, double Seconds, string? Error);

/// <summary>The result of <see cref="AccuracyReport.MeasureAsync"/>.</summary>
/// <param name="Engine">Engine and model as reported by the first result (e.g. <c>tesseract 5.3.0</c>).</param>
/// <param name="Kinds">Per kind.</param>
/// <param name="FalseAccepts">Sum over kinds; must be 0.</param>
/// <param name="Pages">Pages OCR'd.</param>
/// <param name="SecondsPerPage">Mean wall time per page, seconds (scans measured one after another).</param>
/// <param name="Scans">Per scan.</param>
public sealed record AccuracyResult(string Engine, IReadOnlyList<KindAccuracy> Kinds, int FalseAccepts, int Pages, double SecondsPerPage,
    IReadOnlyList<ScanOutcome> Scans);

/// <summary>
/// Measures OCR + <see cref="DocumentReader"/> against a ground-truth file in the format of <c>shared/samples/ground_truth.json</c>:
/// top-level groups (<c>passport_datapage</c>, <c>ktp</c>, <c>splp</c>, <c>assessment_form</c>: the kind from the group name) with
/// <c>files</c> (paths relative to the ground truth's folder), <c>fields</c> as printed, and for passports <c>mrz</c> (two lines);
/// and arrays of passports (<c>mrz_set</c>) whose entries have <c>file</c>, <c>mrz</c>, <c>fields</c>. Keys starting with '_' are ignored.
/// <para>Truth per kind: passport from the truth MRZ (number, name, birth date, sex, expiry); KTP <c>NIK</c>, <c>Nama</c>,
/// <c>Tempat/Tgl Lahir</c>, <c>Jenis Kelamin</c>; SPLP <c>Nomor</c>, <c>Nama Lengkap</c>, birth date, sex, <c>NIK</c>,
/// <c>Nomor Paspor Terakhir</c>; assessment form <c>Nama Lengkap</c>, <c>NIK</c>, birth date, <c>No. Reg</c>,
/// <c>Tanggal Asesmen</c>, <c>Petugas</c>; KK (groups starting with <c>kk</c>) <c>No. KK</c>, <c>Kepala Keluarga</c> and the case's person's
/// <c>NIK</c>, <c>Nama Lengkap</c>, <c>Tanggal Lahir</c>, <c>Jenis Kelamin</c>. Each scan is read against a case <see cref="Subject"/> built from its own truth (as the
/// manifest would give it), or against the entry's <c>case</c> (name, sex, birth_date, nik) when it has one; an entry with
/// <c>altered</c> set must go to review (accepted, it is a false accept).</para>
/// </summary>
/// <param name="engine">The OCR engine to measure.</param>
/// <param name="parallelism">Scans read at once (default 1: one after another, so seconds per page is the per-page latency).</param>
/// <param name="timeProvider">Clock for the two-digit-year century rules.</param>
public sealed class AccuracyReport(IOcrEngine engine, int parallelism = 1, TimeProvider? timeProvider = null)
{
    readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// A folder where each scan's OCR result is kept as JSON (<c>&lt;relative path&gt;.ocr.json</c>) and read back on the next run
    /// instead of running the engine again, so a change to the readers is measured in seconds; null (the default): always OCR.
    /// Delete the folder when the engine, its settings or the scans change. Seconds per page of a cached run time the reading only.
    /// </summary>
    public string? OcrCache { get; init; }

    sealed record Truth(string File, DocumentKind Kind, Dictionary<string, string> Fields, string? Mrz, Subject Subject, string? Altered);

    /// <summary>
    /// Reads every scan listed in <paramref name="groundTruthFile"/> (relative to <paramref name="folder"/>). Seconds per page is the
    /// run's wall-clock time divided by the pages read.
    /// </summary>
    /// <exception cref="FileNotFoundException">A listed scan is missing.</exception>
    /// <exception cref="JsonException">The ground truth is not in the expected format.</exception>
    public async Task<AccuracyResult> MeasureAsync(string folder, string groundTruthFile, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var truths = LoadTruth(groundTruthFile, today);
        var slots = new (Truth Truth, ScanOutcome Outcome, bool FalseAccept)[truths.Count];
        var names = new string?[truths.Count];
        foreach (var truth in truths)
            if (!File.Exists(Path.Combine(folder, truth.File))) throw new FileNotFoundException("A scan listed in the ground truth is missing.", truth.File);
        var run = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, truths.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (i, ct) => (slots[i], names[i]) = await MeasureOneAsync(truths[i], folder, today, ct));
        var elapsed = run.Elapsed.TotalSeconds;
        var outcomes = slots.ToList();
        var engineName = names.FirstOrDefault(n => n is not null) ?? "";
        var kinds = outcomes.GroupBy(o => o.Truth.Kind).OrderBy(g => g.Key).Select(g =>
        {
            var fields = g.SelectMany(o => o.Truth.Fields.Keys).Distinct()
                .ToDictionary(f => f, f => new FieldRate(g.Count(o => o.Truth.Fields.ContainsKey(f) && !o.Outcome.WrongFields.Contains(f)), g.Count(o => o.Truth.Fields.ContainsKey(f))));
            FieldRate? mrz = g.Key == DocumentKind.Passport ? new FieldRate(g.Count(o => !o.Outcome.WrongFields.Contains("mrz")), g.Count()) : null;
            return new KindAccuracy(g.Key.ToRoute(), g.Count(), g.Count(o => o.Outcome.Accepted), fields, mrz,
                g.Count(o => o.FalseAccept), g.Count(o => o.Outcome.Accepted && o.Outcome.WrongFields.Count > 0),
                g.Count(o => o.Truth.Altered is not null), g.Count(o => o.Truth.Altered is null && o.Outcome.Accepted));
        }).ToList();
        var totalPages = outcomes.Sum(o => o.Outcome.Pages);
        return new AccuracyResult(engineName, kinds, kinds.Sum(k => k.FalseAccepts), totalPages,
            totalPages == 0 ? 0 : Math.Round(elapsed / totalPages, 2), outcomes.Select(o => o.Outcome).ToList());
    }

    async Task<((Truth, ScanOutcome, bool), string?)> MeasureOneAsync(Truth truth, string folder, DateOnly today, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, truth.File);
        var sw = Stopwatch.StartNew();
        DocumentReading reading;
        int pages;
        string engineName;
        try
        {
            var result = await AnalyzeAsync(truth, path, cancellationToken);
            engineName = $"{result.ApiVersion} ({result.ModelId})";
            reading = DocumentReader.Read(truth.Kind, result, truth.Subject, today);
            pages = result.Pages.Count;
        }
        catch (OcrException e)
        {
            return ((truth, new ScanOutcome(truth.File, truth.Kind.ToRoute(), false, [.. truth.Fields.Keys], [], 0, sw.Elapsed.TotalSeconds, e.Message), false), null);
        }
        var wrong = truth.Fields.Where(f => !Same(f.Key, f.Value, reading.Fields.GetValueOrDefault(f.Key))).Select(f => f.Key).ToList();
        var mrzRead = reading.Fields.TryGetValue(FieldNames.MrzLine1, out var l1) && reading.Fields.TryGetValue(FieldNames.MrzLine2, out var l2) ? l1 + "\n" + l2 : null;
        if (truth.Mrz is not null && mrzRead != truth.Mrz) wrong.Add("mrz");
        var falseAccept = reading.Clean && (truth.Altered is not null || wrong.Intersect(IdentityFields).Any());
        return ((truth, new ScanOutcome(truth.File, truth.Kind.ToRoute(), reading.Clean, wrong, reading.Findings.Select(f => f.Code).Distinct().ToList(),
            pages, sw.Elapsed.TotalSeconds, null), falseAccept), engineName);
    }

    async Task<AnalyzeResult> AnalyzeAsync(Truth truth, string path, CancellationToken cancellationToken)
    {
        var cached = OcrCache is null ? null : Path.Combine(OcrCache, truth.File + ".ocr.json");
        if (cached is not null && File.Exists(cached))
            return JsonSerializer.Deserialize<AnalyzeResult>(await File.ReadAllTextAsync(cached, cancellationToken), Json)
                ?? throw new JsonException($"The cached OCR result {cached} is empty.");
        AnalyzeResult result;
        await using (var stream = File.OpenRead(path))
            result = await engine.AnalyzeAsync(stream, ContentType(path), truth.Kind.ToOcrHint(), cancellationToken);
        if (cached is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            await File.WriteAllTextAsync(cached, JsonSerializer.Serialize(result, Json), cancellationToken);
        }
        return result;
    }

    /// <summary>The fields whose wrong reading in an accepted scan is a false accept (besides an altered paper accepted at all).</summary>
    static readonly string[] IdentityFields = ["mrz", FieldNames.Nik, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex];

    static bool Same(string field, string truth, string? read) => read is not null && field switch
    {
        FieldNames.FullName or FieldNames.Assessor => PersonNames.Normalize(truth) == PersonNames.Normalize(read),
        _ => string.Equals(truth, read, StringComparison.Ordinal),
    };

    static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".tif" or ".tiff" => "image/tiff",
        ".pdf" => "application/pdf",
        _ => "application/octet-stream",
    };

    static List<Truth> LoadTruth(string groundTruthFile, DateOnly today)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(groundTruthFile));
        var list = new List<Truth>();
        foreach (var group in doc.RootElement.EnumerateObject())
        {
            if (group.Name.StartsWith('_')) continue;
            if (group.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in group.Value.EnumerateArray())
                {
                    var file = entry.GetProperty("file").GetString()!;
                    list.Add(Make(file, KindOf(group.Name, entry), entry, today));
                }
            }
            else if (group.Value.ValueKind == JsonValueKind.Object && group.Value.TryGetProperty("files", out var files))
            {
                foreach (var f in files.EnumerateArray())
                    list.Add(Make(f.GetString()!, KindOf(group.Name, group.Value), group.Value, today));
            }
        }
        return list;
    }

    static DocumentKind KindOf(string name, JsonElement entry)
    {
        var n = name.ToLowerInvariant();
        if (n.Contains("passport") || n.Contains("mrz") || entry.TryGetProperty("mrz", out _)) return DocumentKind.Passport;
        if (n.Contains("ktp")) return DocumentKind.Ktp;
        if (n.Contains("splp")) return DocumentKind.Splp;
        if (n.Contains("assessment") || n.Contains("asesmen")) return DocumentKind.AssessmentForm;
        if (n.StartsWith("kk", StringComparison.Ordinal)) return DocumentKind.Kk;
        throw new JsonException($"Ground-truth group '{name}' is of no known document kind.");
    }

    static Truth Make(string file, DocumentKind kind, JsonElement entry, DateOnly today)
    {
        var printed = entry.TryGetProperty("fields", out var fs) && fs.ValueKind == JsonValueKind.Object
            ? fs.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? mrzText = null;
        void Put(string field, string? value) { if (!string.IsNullOrWhiteSpace(value)) fields[field] = value.Trim(); }
        string? Date(string label) => printed.TryGetValue(label, out var v) && DocumentDates.TryFind(v, out var d) ? DocumentDates.ToIso(d) : null;
        string? Sex(string label) => printed.TryGetValue(label, out var v)
            ? (v.ToUpperInvariant() switch { var s when s.Contains("PEREMPUAN") || s.EndsWith("F") => "F", var s when s.Contains("LAKI") || s.EndsWith("M") => "M", _ => null })
            : null;

        switch (kind)
        {
            case DocumentKind.Passport:
                var lines = entry.GetProperty("mrz").EnumerateArray().Select(x => x.GetString()!).ToList();
                mrzText = string.Join('\n', lines);
                var mrz = Mrz.ParseTd3(lines[0], lines[1], today) ?? throw new JsonException($"The truth MRZ of {file} is not TD3.");
                Put(FieldNames.PassportNumber, mrz.DocumentNumber);
                Put(FieldNames.FullName, mrz.FullName);
                if (mrz.BirthDate is { } b) Put(FieldNames.BirthDate, DocumentDates.ToIso(b));
                Put(FieldNames.Sex, mrz.Sex.ToString());
                if (mrz.ExpiryDate is { } e) Put(FieldNames.ExpiryDate, DocumentDates.ToIso(e));
                break;
            case DocumentKind.Ktp:
                Put(FieldNames.Nik, printed.GetValueOrDefault("NIK"));
                Put(FieldNames.FullName, printed.GetValueOrDefault("Nama"));
                Put(FieldNames.BirthDate, Date("Tempat/Tgl Lahir"));
                Put(FieldNames.Sex, Sex("Jenis Kelamin"));
                break;
            case DocumentKind.Splp:
                Put(FieldNames.SplpNumber, printed.GetValueOrDefault("Nomor"));
                Put(FieldNames.FullName, printed.GetValueOrDefault("Nama Lengkap"));
                Put(FieldNames.BirthDate, Date("Tempat/Tanggal Lahir"));
                Put(FieldNames.Sex, Sex("Jenis Kelamin"));
                Put(FieldNames.Nik, printed.GetValueOrDefault("NIK"));
                Put(FieldNames.PassportNumber, printed.GetValueOrDefault("Nomor Paspor Terakhir"));
                break;
            case DocumentKind.Kk:
                Put(FieldNames.KkNumber, printed.GetValueOrDefault("No. KK"));
                Put(FieldNames.HeadOfFamily, printed.GetValueOrDefault("Kepala Keluarga"));
                Put(FieldNames.Nik, printed.GetValueOrDefault("NIK"));
                Put(FieldNames.FullName, printed.GetValueOrDefault("Nama Lengkap"));
                Put(FieldNames.BirthDate, Date("Tanggal Lahir"));
                Put(FieldNames.Sex, Sex("Jenis Kelamin"));
                break;
            case DocumentKind.AssessmentForm:
                Put(FieldNames.FullName, printed.GetValueOrDefault("Nama Lengkap"));
                Put(FieldNames.Nik, printed.GetValueOrDefault("NIK"));
                Put(FieldNames.BirthDate, Date("Tempat/Tgl Lahir"));
                Put(FieldNames.AssessmentNumber, printed.GetValueOrDefault("No. Reg"));
                Put(FieldNames.AssessmentDate, Date("Tanggal Asesmen"));
                Put(FieldNames.Assessor, printed.GetValueOrDefault("Petugas"));
                break;
        }

        var birth = fields.TryGetValue(FieldNames.BirthDate, out var bd) ? DateOnly.ParseExact(bd, "yyyy-MM-dd", CultureInfo.InvariantCulture) : default;
        var sex = fields.TryGetValue(FieldNames.Sex, out var sx) ? sx[0] : Sex("Jenis Kelamin")?[0] ?? 'F';
        var subject = new Subject(fields.GetValueOrDefault(FieldNames.FullName) ?? "", sex, birth, fields.GetValueOrDefault(FieldNames.Nik));
        // A generated paper names the case's person apart from what is printed (an altered paper disagrees with it).
        if (entry.TryGetProperty("case", out var c) && c.ValueKind == JsonValueKind.Object)
            subject = new Subject(c.GetProperty("name").GetString()!, c.GetProperty("sex").GetString()![0],
                DateOnly.ParseExact(c.GetProperty("birth_date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                c.TryGetProperty("nik", out var n) ? n.GetString() : null);
        var altered = entry.TryGetProperty("altered", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        return new Truth(file, kind, fields, mrzText, subject, altered);
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>The result as indented JSON (camelCase).</summary>
    public static string ToJson(AccuracyResult result) => JsonSerializer.Serialize(result, Json);

    /// <summary>The result as a plain-text table: per kind, per field exact rates, MRZ exact rate, false accepts, seconds per page.</summary>
    public static string ToText(AccuracyResult result)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine(ci, $"engine: {result.Engine}");
        foreach (var k in result.Kinds)
        {
            sb.AppendLine(ci, $"{k.Kind}: {k.Documents} scans, {k.Accepted} accepted without findings, {k.Documents - k.Accepted} to review, false accepts {k.FalseAccepts}, accepted with a wrong field {k.AcceptedWithWrongField}");
            if (k.Altered > 0) sb.AppendLine(ci, $"  clean scans accepted {k.CleanAccepted}/{k.Documents - k.Altered}; altered scans {k.Altered}");
            if (k.MrzExact is { } m) sb.AppendLine(ci, $"  {"mrz (both lines)",-18} {m.Exact,3}/{m.Total,-3} {m.Rate,7:P1}");
            foreach (var (field, rate) in k.Fields)
                sb.AppendLine(ci, $"  {field,-18} {rate.Exact,3}/{rate.Total,-3} {rate.Rate,7:P1}");
        }
        sb.AppendLine(ci, $"false accepts: {result.FalseAccepts}");
        sb.AppendLine(ci, $"pages: {result.Pages}, seconds per page: {result.SecondsPerPage:0.00}");
        foreach (var s in result.Scans.Where(s => !s.Accepted || s.WrongFields.Count > 0))
            sb.AppendLine(ci, $"  {s.File}: {(s.Accepted ? "accepted" : "review")}; wrong: {string.Join(",", s.WrongFields)}; findings: {string.Join(",", s.FindingCodes)}{(s.Error is null ? "" : "; error: " + s.Error)}");
        return sb.ToString();
    }
}
