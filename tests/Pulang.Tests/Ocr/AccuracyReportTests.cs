using System.Text.Json;
using Pulang.DevTools;
using Pulang.SelfHost;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;
using Xunit;

namespace Pulang.Tests.Ocr;

/// <summary>The accuracy report on the fictional samples with real Tesseract: structure and zero false accepts (no accuracy numbers asserted).</summary>
public class AccuracyReportTests
{
    [Fact]
    public async Task Samples_report_every_kind_and_no_false_accept()
    {
        var truth = Samples.PathOf("ground_truth.json");
        using var engine = new TesseractOcrEngine();
        var result = await new AccuracyReport(engine, parallelism: Environment.ProcessorCount)
            .MeasureAsync(Path.GetDirectoryName(truth)!, truth, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.FalseAccepts);
        Assert.Equal(["passport", "splp", "ktp", "assessment-form"], result.Kinds.Select(k => k.Kind));
        var passport = result.Kinds.Single(k => k.Kind == "passport");
        Assert.Equal(9, passport.Documents);
        Assert.NotNull(passport.MrzExact);
        Assert.Equal(9, passport.MrzExact!.Total);
        // The bar of issue #4: every sample passport's MRZ exact.
        Assert.Equal(passport.MrzExact.Total, passport.MrzExact.Exact);
        Assert.Equal(
            [FieldNames.PassportNumber, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex, FieldNames.ExpiryDate],
            passport.Fields.Keys);
        Assert.Equal([FieldNames.Nik, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex], result.Kinds.Single(k => k.Kind == "ktp").Fields.Keys);
        Assert.Contains(FieldNames.PassportNumber, result.Kinds.Single(k => k.Kind == "splp").Fields.Keys);
        Assert.Contains(FieldNames.AssessmentNumber, result.Kinds.Single(k => k.Kind == "assessment-form").Fields.Keys);
        Assert.All(result.Kinds, k => Assert.All(k.Fields.Values, r => Assert.Equal(k.Documents, r.Total)));
        Assert.All(result.Kinds, k => Assert.Equal(0, k.FalseAccepts));
        Assert.Equal(15, result.Scans.Count);
        Assert.True(result.Pages >= 15);
        Assert.True(result.SecondsPerPage > 0);
        Assert.StartsWith("tesseract", result.Engine);

        using var json = JsonDocument.Parse(AccuracyReport.ToJson(result));
        Assert.Equal(0, json.RootElement.GetProperty("falseAccepts").GetInt32());
        // The JSON carries the same numbers as the result: every sample passport's MRZ exact (rate 1), per-scan outcomes.
        var mrzExact = json.RootElement.GetProperty("kinds")[0].GetProperty("mrzExact");
        Assert.Equal(9, mrzExact.GetProperty("exact").GetInt32());
        Assert.Equal(9, mrzExact.GetProperty("total").GetInt32());
        Assert.Equal(1.0, mrzExact.GetProperty("rate").GetDouble());
        Assert.Equal(passport.Accepted, json.RootElement.GetProperty("kinds")[0].GetProperty("accepted").GetInt32());
        Assert.Equal(result.Scans.Count, json.RootElement.GetProperty("scans").GetArrayLength());
        Assert.Contains("false accepts: 0", AccuracyReport.ToText(result));
    }

    /// <summary>An engine that reads a valid MRZ of another fictional person: accepted without findings would be a false accept.</summary>
    sealed class WrongPersonEngine : IOcrEngine
    {
        public Task<AnalyzeResult> AnalyzeAsync(Stream content, string contentType, OcrHint hint, CancellationToken cancellationToken) =>
            Task.FromResult(new AnalyzeResult("fake", "fake", "FITRI", [new AnalyzedPage(1, 100, 100, "pixel", [], [new AnalyzedWord("FITRI", [0, 0, 10, 0, 10, 10, 0, 10], 1)])],
                [new AnalyzedDocument("mrz.td3", new Dictionary<string, DocumentField>
                {
                    ["MachineReadableZone"] = new("mrz", "P<IDNFITRI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\nE6101361<8IDN7206133F3304031<<<<<<<<<<<<<<<4", 1),
                }, 1)]));
    }

    [Fact]
    public async Task A_valid_mrz_of_the_wrong_person_is_caught_by_the_case_and_reported_wrong()
    {
        var truth = Samples.PathOf("ground_truth.json");
        var result = await new AccuracyReport(new WrongPersonEngine(), parallelism: 4)
            .MeasureAsync(Path.GetDirectoryName(truth)!, truth, TestContext.Current.CancellationToken);
        var passport = result.Kinds.Single(k => k.Kind == "passport");
        // mrz_set's passport_00 is FITRI: exactly that one reads right; the others differ and must not be accepted.
        Assert.Equal(1, passport.MrzExact!.Exact);
        Assert.Equal(0, passport.FalseAccepts);
        Assert.Equal(1, passport.Accepted);
    }
}
