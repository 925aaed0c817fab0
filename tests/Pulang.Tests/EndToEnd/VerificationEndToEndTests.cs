using System.Net;
using System.Net.Http.Headers;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Ocr;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// <c>POST /api/cases/{id}/documents/{docId}/verification</c> against the real self-host (embedded-text engine: a PNG without text
/// is read as nothing, so the KTP needs review): a broken correction is a 422 problem and changes nothing; a valid one is kept
/// beside the original reading, with the note, the verifier and the time. The person is fictional (<see cref="EndToEndTests.Intake"/>).
/// </summary>
public sealed class VerificationEndToEndTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_invalid_correction_is_a_422_problem_that_changes_nothing_and_a_valid_one_is_kept_with_note_verifier_and_reading()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("verify"), new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await host.StartAsync();
        var api = host.Client;
        string T(string user) => host.Tokens.MintDemo(user);
        var caseId = (await api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"VERIFY-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(60), Ct);
        var content = new ByteArrayContent(EmbeddedTextOcrEngineTests.BlankPng());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var documentId = (await api.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/ktp", T("sentra-intake-officer"), content, ct: Ct)).EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        var before = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Any(d => d.Status == DocumentStatus.NeedsReview), TimeSpan.FromSeconds(60), Ct);
        var path = $"/api/cases/{caseId}/documents/{documentId}/verification";

        // 15-digit NIK, a date that does not exist, sex X, a field a KTP does not have, and a null value.
        var broken = await api.JsonAsync(HttpMethod.Post, path, T("sentra-verifier"), new
        {
            corrections = new Dictionary<string, string?>
            {
                [FieldNames.Nik] = "350712540892000",
                [FieldNames.BirthDate] = "1992-02-30",
                [FieldNames.Sex] = "X",
                ["pasportNumber"] = "X1234567",
                [FieldNames.FullName] = null,
            },
            note = "typed from the paper",
        }, ct: Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.Status);
        Assert.StartsWith("application/problem+json", broken.ContentType);
        Assert.Equal("verification.invalid-correction", broken.Json.GetProperty("code").GetString());
        Assert.Equal(422, broken.Json.GetProperty("status").GetInt32());
        var errors = broken.Json.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("code").GetString());
        Assert.Equal("nik.length", errors[FieldNames.Nik]);
        Assert.Equal("correction.date", errors[FieldNames.BirthDate]);
        Assert.Equal("correction.sex", errors[FieldNames.Sex]);
        Assert.Equal("correction.unknown-field", errors["pasportNumber"]);
        Assert.Equal("correction.empty", errors[FieldNames.FullName]);
        var unchanged = (await api.GetAsync($"/api/cases/{caseId}", T("bp3mi-reader"), Ct)).EnsureSuccess().Case;
        Assert.Equal(before.Version, unchanged.Version); // refused in the pre-check: the case did not even see it
        var ktp = unchanged.Documents.Single(d => d.DocumentId == documentId);
        Assert.Equal(DocumentStatus.NeedsReview, ktp.Status);
        Assert.Null(ktp.Corrections);
        Assert.Null(ktp.VerifiedBy);

        // The same person as the case: NIK 350712 / 54 (14 + 40, female) 08 92 / 0003.
        var valid = await api.JsonAsync(HttpMethod.Post, path, T("sentra-verifier"), new
        {
            corrections = new Dictionary<string, string>
            {
                [FieldNames.Nik] = "3507125408920003",
                [FieldNames.FullName] = "SRI RAHAYU WULANDARI",
                [FieldNames.BirthDate] = "1992-08-14",
                [FieldNames.Sex] = "F",
            },
            note = "Scan unreadable; typed from the original KTP (test).",
        }, ct: Ct);

        Assert.True(valid.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, valid.Body);
        var after = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Any(d => d.DocumentId == documentId && d.Status == DocumentStatus.Verified), TimeSpan.FromSeconds(60), Ct);
        ktp = after.Documents.Single(d => d.DocumentId == documentId);
        Assert.Equal("3507125408920003", ktp.EffectiveFields[FieldNames.Nik]);
        Assert.Empty(ktp.Fields); // the original reading (nothing was read) is kept as read
        Assert.Contains(ktp.Findings, f => f.Code == "ocr.unreadable"); // and the findings as read
        Assert.Equal("Scan unreadable; typed from the original KTP (test).", ktp.VerificationNote);
        Assert.NotNull(ktp.VerifiedAt);
        var entry = after.History.Last(h => h.Command == "documentVerified" && h.Accepted);
        Assert.Equal(entry.ActorId, ktp.VerifiedBy);
        Assert.Equal(entry.At, ktp.VerifiedAt);
        Assert.Contains("corrected birthDate, fullName, nik, sex", entry.Detail);
        Assert.True(after.Checklist.Ktp);
    }
}
