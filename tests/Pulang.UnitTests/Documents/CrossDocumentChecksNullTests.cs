using System.Text.Json;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary><see cref="CrossDocumentChecks"/> on values that are JSON null (stored before corrections were checked): never an exception.</summary>
public class CrossDocumentChecksNullTests
{
    [Fact]
    public void A_null_field_or_correction_is_not_compared_and_does_not_throw()
    {
        // As the view blob or the orchestration history would hold it: a correction stored with a null value.
        var json = """
            {"documentId":"DOC-K","kind":"ktp","blobName":"c/DOC-K","sha256":"00","contentType":"image/png","length":1,"pages":1,
             "uploadedBy":"user:uploader-1","scannedAt":"2026-03-02T08:00:00+00:00","status":"verified",
             "fields":{"nik":"3507125704950003","fullName":null},"findings":[],"corrections":{"nik":null}}
            """;
        var ktp = JsonSerializer.Deserialize<CaseDocument>(json, PulangJson.Options)!;
        var splp = new CaseDocument("DOC-S", DocumentKind.Splp, "c/DOC-S", "01", "image/png", 1, 1, "user:uploader-1", DateTimeOffset.UnixEpoch,
            DocumentStatus.Accepted, new Dictionary<string, string> { [FieldNames.Nik] = "3507125704950003", [FieldNames.FullName] = "TESTA CONTOH WATI" }, [], null);

        Assert.Empty(CrossDocumentChecks.Check(splp, [ktp]));
        Assert.Empty(CrossDocumentChecks.Check(ktp, [splp]));
    }
}
