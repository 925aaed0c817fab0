using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Pulang.SelfHost;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows;
using Pulang.Workflows.Activities;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Storage;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// The whole case over HTTP against the real self-host process, on real Azurite and real Tesseract.
/// </summary>
public sealed class EndToEndTests(TestStorage storage)
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_demo_carries_the_sample_person_to_release_with_both_signoffs_and_one_released_event()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("e2edemo"));
        await host.StartAsync();
        var output = new StringWriter();
        var demo = new Demo(new Uri($"http://127.0.0.1:{host.Port}"), host.Tokens, new DirectoryInfo(Path.Combine(TestPaths.Samples, "scans")), output);

        int exit;
        try
        {
            exit = await demo.RunAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{output}\n--- host ---\n{host.Log}");
        }

        Assert.True(exit == 0, output + "\n--- host ---\n" + host.Log);
        var caseId = System.Text.RegularExpressions.Regex.Match(output.ToString(), @"Case (PLG-[0-9A-Z]{10})").Groups[1].Value;
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        var state = (await host.Client.GetAsync($"/api/cases/{caseId}", reader, TestContext.Current.CancellationToken)).EnsureSuccess().Case;
        Assert.Equal(Stage.Released, state.Stage);
        Assert.Equal(5, state.Documents.Count);
        Assert.Contains(state.Documents, d => d.Kind == DocumentKind.Other && d.Pages == 4); // the multi-page PDF

        var release = (await host.Client.GetAsync($"/api/cases/{caseId}/release", reader, TestContext.Current.CancellationToken)).EnsureSuccess().Json;
        Assert.Equal(state.DossierDigest, release.GetProperty("dossierDigest").GetString());
        var signers = release.GetProperty("signOffs").EnumerateArray()
            .Select(s => (s.GetProperty("ministry").GetString(), s.GetProperty("signedBy").GetString(), s.GetProperty("approve").GetBoolean())).ToList();
        Assert.Contains(("kemenP2MI", "p2mi-official", true), signers);
        Assert.Contains(("kemensos", "kemensos-official", true), signers);

        var listed = (await host.Client.GetAsync("/api/cases?stage=Released", reader, TestContext.Current.CancellationToken)).EnsureSuccess().Json;
        Assert.Contains(listed.GetProperty("cases").EnumerateArray(), c => c.GetProperty("caseId").GetString() == caseId);

        var events = await SelfHostProcess.PeekEventsAsync(storage.ConnectionString, host.TaskHub, caseId, TestContext.Current.CancellationToken);
        Assert.Single(events, e => e.Type == "id.go.pulang.case.released.v1");
        Assert.Equal($"{caseId}:released", events.Single(e => e.Type == "id.go.pulang.case.released.v1").Id);
    }

    [Fact]
    public async Task A_case_waiting_for_signoff_completes_after_the_self_host_is_killed_and_restarted()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("e2ekill"));
        await host.StartAsync();
        var api = host.Client;
        string T(string user) => host.Tokens.MintDemo(user);
        var ct = TestContext.Current.CancellationToken;

        var created = (await api.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), Intake($"KILL-{Guid.NewGuid():N}"), ct: ct)).EnsureSuccess();
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var caseId = created.Json.GetProperty("caseId").GetString()!;
        foreach (var (kind, file) in new[] { ("splp", "splp_200dpi.jpg"), ("ktp", "ktp_300dpi.jpg"), ("assessment-form", "assessment_form_300dpi.jpg") })
        {
            (await api.UploadAsync(caseId, kind, TestPaths.Scan(file), T("sentra-intake-officer"), ct)).EnsureSuccess();
        }

        var state = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Documents.Count == 3, Long, ct);
        foreach (var d in state.Documents.Where(d => d.Status == DocumentStatus.NeedsReview))
        {
            (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/documents/{d.DocumentId}/verification", T("sentra-verifier"), new { note = "test" }, ct: ct)).EnsureSuccess();
        }

        (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment", T("sentra-social-worker"), new { summary = "s", recommendation = "r" }, ct: ct)).EnsureSuccess();
        state = (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/assessment/decision", T("sentra-supervisor"), new { approve = true }, ct: ct)).EnsureSuccess().Case;
        Assert.Equal(Stage.SignOffPending, state.Stage);
        state = (await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemenp2mi", T("p2mi-official"), new { approve = true, dossierDigest = state.DossierDigest }, ct: ct)).EnsureSuccess().Case;
        Assert.Equal(Stage.SignOffPending, state.Stage);

        await host.KillAsync();
        await host.StartAsync();

        var signed = await api.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/signoffs/kemensos", T("kemensos-official"), new { approve = true, dossierDigest = state.DossierDigest }, ct: ct);
        Assert.True(signed.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, signed.Body);
        state = await api.WaitForAsync(caseId, T("bp3mi-reader"), s => s.Stage == Stage.Released, Long, ct);
        Assert.Equal(2, state.SignOffs.Count(s => s.Approve && s.DossierDigest == state.DossierDigest));
        (await api.GetAsync($"/api/cases/{caseId}/release", T("bp3mi-reader"), ct)).EnsureSuccess();
    }

    [Fact]
    public async Task A_KTP_that_disagrees_with_the_case_is_marked_for_review_with_the_reasons_and_does_not_count()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("e2ereview"));
        await host.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var wrong = new
        {
            externalReference = $"REVIEW-{Guid.NewGuid():N}",
            fullName = "SRI RAHAYU WULANDARI",
            sex = "M",
            birthDate = "1990-01-01",
            originRegion = "Kabupaten Malang",
            placementCountry = "Malaysia",
            arrivalDate = "2025-10-02",
        };
        var caseId = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), wrong, ct: ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        (await host.Client.UploadAsync(caseId, "ktp", TestPaths.Scan("ktp_300dpi.jpg"), host.Tokens.MintDemo("sentra-intake-officer"), ct)).EnsureSuccess();

        var state = await host.Client.WaitForAsync(caseId, host.Tokens.MintDemo("bp3mi-reader"), s => s.Documents.Count == 1, Long, ct);

        var ktp = Assert.Single(state.Documents);
        Assert.Equal(DocumentStatus.NeedsReview, ktp.Status);
        Assert.Contains(ktp.Findings, f => f.Code == "case.birth-date-mismatch" && f.Expected == "1990-01-01" && f.Actual == "1992-08-14");
        Assert.Contains(ktp.Findings, f => f.Code == "case.sex-mismatch");
        Assert.False(state.Checklist.Ktp);
        Assert.Equal("3507125408920003", ktp.Fields["nik"]);
    }

    internal static object Intake(string reference) => new
    {
        externalReference = reference,
        fullName = "SRI RAHAYU WULANDARI",
        sex = "F",
        birthDate = "1992-08-14",
        originRegion = "Kabupaten Malang",
        placementCountry = "Malaysia",
        arrivalDate = "2025-10-02",
    };
}
