using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;

namespace Pulang.Bench;

/// <summary>The decider on the hot paths: a scanned document and the sign-off that releases a case.</summary>
[MemoryDiagnoser]
public class DeciderBenchmarks
{
    static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    static readonly CaseIntake Intake = new("BENCH-1", "TESTA CONTOH WATI", 'F', new DateOnly(1995, 4, 17), "Kabupaten Contoh", "Malaysia", new DateOnly(2026, 2, 27));
    CaseState opened = null!, signOffPending = null!;
    DocumentScanned scanned = null!;
    SignOff kemensos = null!;

    /// <summary>Builds a fresh case and one in SignOffPending with KemenP2MI signed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var t = T0;
        CaseState Apply(CaseState s, CaseCommand c) => Decider.Decide(s, c, t = t.AddMinutes(1)) is { Refusal: null } d ? d.State : throw new InvalidOperationException(c.Name);
        DocumentScanned Scan(DocumentKind kind, string id) => new(id, kind, $"c/{id}", new string('a', 63) + id.Length % 10, "image/png", 1234, 1, "user:uploader",
            new Dictionary<string, string> { [FieldNames.FullName] = "TESTA CONTOH WATI" }, [], $"c/{id}.analysis.json") { CommandId = "scan-" + id, Actor = Actor.System };
        opened = Decider.Open("PLG-BENCH00001", Intake, T0).State;
        scanned = Scan(DocumentKind.Passport, "doc-p");
        var s = Apply(Apply(Apply(opened, scanned), Scan(DocumentKind.Ktp, "doc-k")), Scan(DocumentKind.AssessmentForm, "doc-f"));
        s = Apply(s, new SubmitAssessment("Fictional summary.", "Fictional recommendation.") { CommandId = "sub", Actor = new("user:assessor", [Roles.Assessor]) });
        s = Apply(s, new DecideAssessment(true, null) { CommandId = "dec", Actor = new("user:supervisor", [Roles.AssessmentApprover]) });
        s = Apply(s, new SignOff(Ministry.KemenP2MI, true, s.DossierDigest!, null) { CommandId = "p2mi", Actor = new("user:p2mi", [Roles.P2miSigner]) });
        signOffPending = s;
        kemensos = new SignOff(Ministry.Kemensos, true, s.DossierDigest!, null) { CommandId = "kemensos", Actor = new("user:kemensos", [Roles.KemensosSigner]) };
    }

    /// <summary>A scanned passport on a fresh case.</summary>
    [Benchmark]
    public Decision DocumentScanned() => Decider.Decide(opened, scanned, T0.AddHours(1));

    /// <summary>The second ministry's sign-off: release, release record, events.</summary>
    [Benchmark]
    public Decision SignOffReleases() => Decider.Decide(signOffPending, kemensos, T0.AddHours(2));
}

/// <summary>MRZ parsing, repair and check digits; NIK decoding.</summary>
[MemoryDiagnoser]
public class DocumentBenchmarks
{
    const string Line1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string Line2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";
    const string Misread = "C4821937<2IDN92O8142F3103038<<<<<<<<<<<<<<<4"; // an O for a 0, repaired by the check digits
    static readonly DateOnly Today = new(2026, 11, 30);

    /// <summary>Parse a valid TD3 MRZ.</summary>
    [Benchmark]
    public MrzTd3? MrzParse() => Mrz.ParseTd3(Line1, Line2, Today);

    /// <summary>Repair an MRZ with one OCR look-alike.</summary>
    [Benchmark]
    public MrzRepairResult MrzRepair() => Mrz.TryRepair(Line1, Misread, Today);

    /// <summary>One ICAO 9303 check digit (the document number).</summary>
    [Benchmark]
    public int MrzCheckDigit() => Mrz.CheckDigit("C4821937<");

    /// <summary>Decode a NIK (region, birth date, sex, serial).</summary>
    [Benchmark]
    public NikReading NikDecode() => Nik.Decode("3507125408920003", Today);
}

/// <summary>Runs the micro benchmarks in process with a short job, so they fit the suite's time budget.</summary>
public static class Micro
{
    /// <summary>Runs every micro benchmark; mean nanoseconds and allocated bytes per operation.</summary>
    public static IReadOnlyList<Measurement> Run(string artifacts)
    {
        var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(3).WithId("short-inprocess");
        var config = ManualConfig.CreateMinimumViable().AddJob(job).WithArtifactsPath(artifacts).WithOptions(ConfigOptions.DisableLogFile);
        var measurements = new List<Measurement>();
        foreach (var summary in BenchmarkRunner.Run([typeof(DeciderBenchmarks), typeof(DocumentBenchmarks)], config))
        {
            measurements.AddRange(From(summary));
        }

        return measurements;
    }

    static IEnumerable<Measurement> From(Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            var name = $"{report.BenchmarkCase.Descriptor.Type.Name.Replace("Benchmarks", "", StringComparison.Ordinal)}.{report.BenchmarkCase.Descriptor.WorkloadMethod.Name}";
            if (report.ResultStatistics is { } stats)
            {
                yield return new Measurement("micro", name, stats.Mean, "ns/op");
            }

            if (report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } bytes)
            {
                yield return new Measurement("micro", name + " alloc", bytes, "B/op");
            }
        }
    }
}
