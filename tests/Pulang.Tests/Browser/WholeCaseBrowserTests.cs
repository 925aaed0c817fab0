using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pulang.SelfHost;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Browser;

/// <summary>
/// A new case carried through the whole work in Chromium, each role signing in in turn, on the real self-host with real
/// Azurite and real Tesseract. The embassy's manifest starts the case over the API (as the embassy's system does); everything
/// after is done in the browser. Every page visited is checked with axe. Writes the README's screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WholeCaseBrowserTests(BrowserHost web)
{
    static readonly TimeSpan Reading = TimeSpan.FromMinutes(8);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string T(string user) => web.Host.Tokens.MintDemo(user);

    async Task<CaseState> StateAsync(string caseId) => (await web.Host.Client.GetAsync($"/api/cases/{caseId}", T("pulang-admin"), Ct)).EnsureSuccess().Case;

    Task<CaseState> WaitAsync(string caseId, Func<CaseState, bool> done, TimeSpan? timeout = null) =>
        web.Host.Client.WaitForAsync(caseId, T("pulang-admin"), done, timeout ?? TimeSpan.FromSeconds(90), Ct);

    /// <summary>A verifier (over the API, someone else at the sentra) confirms a flagged document, acknowledging what a 409 lists.</summary>
    async Task ConfirmOverApiAsync(string caseId, string documentId)
    {
        var path = $"/api/cases/{caseId}/documents/{documentId}/verification";
        var answer = await web.Host.Client.JsonAsync(HttpMethod.Post, path, T("sentra-verifier"), new { note = "Dicocokkan dengan dokumen asli." }, ct: Ct);
        if (answer.Status == System.Net.HttpStatusCode.Conflict)
        {
            var codes = answer.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()!).Distinct().ToList();
            answer = await web.Host.Client.JsonAsync(HttpMethod.Post, path, T("sentra-verifier"), new { note = "Dicocokkan dengan dokumen asli.", acknowledge = codes }, ct: Ct);
        }

        answer.EnsureSuccess();
    }

    [Fact]
    public async Task A_case_goes_from_upload_to_release_in_the_browser_with_each_role_in_turn()
    {
        var clock = Stopwatch.StartNew();
        var caseId = (await web.Host.Client.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"WEB-{Guid.NewGuid():N}"[..16]), ct: Ct))
            .EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await WaitAsync(caseId, s => s.Stage == Stage.DocumentsPending);
        var casePath = $"/cases/{caseId}";

        // A KTP of the same fictional person with the birth year misprinted (1993 for 1992): the verifier corrects it from the paper.
        var misprinted = Path.Combine(Path.GetTempPath(), $"ktp_{caseId}.png");
        await File.WriteAllBytesAsync(misprinted, DemoPerson.RenderKtp("3507125408920003", "SRI RAHAYU WULANDARI", "MALANG, 14-08-1993", "PEREMPUAN"), Ct);

        // 1. The intake officer uploads three scans at once: kinds guessed from the names, a progress bar each, the readings appear.
        await using (var intake = await Person.SignInAsync(web, "sentra-intake-officer"))
        {
            await intake.OpenAsync(casePath, "case");
            await intake.Page.Locator($"a[href='{casePath}/upload']").ClickAsync();
            await intake.CheckAsync("upload");
            await intake.Page.Locator("input[type=file]").SetInputFilesAsync(
                [TestPaths.Scan("passport_datapage_300dpi.jpg"), misprinted, TestPaths.Scan("assessment_form_300dpi.jpg")]);
            var rows = intake.Page.Locator("[data-rows] li");
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            Assert.Equal(["passport", "ktp", "assessment-form"], await rows.Locator("select.kind").EvaluateAllAsync<string[]>("s => s.map(x => x.value)"));
            await intake.Page.Locator("form[data-upload] button[type=submit]").ClickAsync();
            await Assertions.Expect(rows.Locator("progress[value='100']")).ToHaveCountAsync(3);
            await Assertions.Expect(rows.Locator(".upload-result.done")).ToHaveCountAsync(3, new() { Timeout = (float)Reading.TotalMilliseconds });
            await intake.CheckAsync("upload (read)");
        }

        var state = await WaitAsync(caseId, s => s.Documents.Count == 3);
        var ktp = state.Documents.Single(d => d.Kind == DocumentKind.Ktp);
        Assert.Equal(DocumentStatus.NeedsReview, ktp.Status);
        Assert.Equal("1993-08-14", ktp.Fields[FieldNames.BirthDate]);

        // 2. The verifier corrects the KTP's birth date on its page (image beside the fields) and confirms anything else flagged.
        await using (var verifier = await Person.SignInAsync(web, "sentra-verifier"))
        {
            Assert.Contains(caseId, await verifier.Page.ContentAsync());
            foreach (var d in state.Documents.Where(d => d.Status == DocumentStatus.NeedsReview).OrderBy(d => d.Kind == DocumentKind.Ktp))
            {
                await verifier.OpenAsync($"{casePath}/documents/{d.DocumentId}", "document");
                if (d.Kind == DocumentKind.Ktp)
                {
                    await verifier.Page.Locator($"#field-{FieldNames.BirthDate}").FillAsync("1992-08-14");
                }

                await verifier.Page.Locator("#note").FillAsync("Dicocokkan dengan dokumen asli di sentra.");
                var status = await verifier.SubmitAsync(verifier.Page.Locator("form[action$='/verification'] button[type=submit]"), "document (verified)");
                if (status == 409)
                {
                    // Findings that still stand are listed to acknowledge: the verifier ticks them, with the note, and sends again.
                    foreach (var box in await verifier.Page.Locator("input[name=ack]").AllAsync())
                    {
                        await box.CheckAsync();
                    }

                    await verifier.Page.Locator("#note").FillAsync("Dicocokkan dengan dokumen asli di sentra.");
                    status = await verifier.SubmitAsync(verifier.Page.Locator("form[action$='/verification'] button[type=submit]"), "document (verified)");
                }

                Assert.True(status == 200 && verifier.Page.Url.Contains("done=verify"), $"{d.Kind}: {status} {verifier.Page.Url}");
            }
        }

        state = await WaitAsync(caseId, s => s.Stage == Stage.AssessmentPending);
        ktp = state.Documents.Single(d => d.Kind == DocumentKind.Ktp);
        Assert.Equal("1992-08-14", ktp.EffectiveFields[FieldNames.BirthDate]);
        Assert.Equal("1993-08-14", ktp.Fields[FieldNames.BirthDate]); // the reading is kept beside the correction
        Assert.Equal("sentra-verifier", ktp.VerifiedBy);

        // 3. The social worker submits the asesmen; a post approving it themselves is refused and changes nothing.
        await using var worker = await Person.SignInAsync(web, "sentra-social-worker");
        await worker.OpenAsync(casePath, "case");
        await worker.Page.Locator("#summary").FillAsync("Gaji tidak dibayar 3 tahun; paspor ditahan majikan; sehat.");
        await worker.Page.Locator("#recommendation").FillAsync("Rujuk ke BP3MI Jawa Timur untuk klaim gaji.");
        Assert.Equal(200, await worker.SubmitAsync(worker.Page.Locator("form[action$='/assessment'] button[type=submit]"), "case (asesmen submitted)"));
        state = await WaitAsync(caseId, s => s.Assessment?.Status == AssessmentStatus.Submitted);
        var own = await worker.Request.PostAsync($"{casePath}/assessment/decision", new()
        {
            Form = worker.Request.CreateFormData().Set("__RequestVerificationToken", (await worker.CsrfTokenAsync())!).Set("decision", "approve").Set("commandId", Guid.NewGuid().ToString("N")),
            MaxRedirects = 0,
        });
        Assert.Equal(403, own.Status);
        Assert.Contains("role=\"alert\"", await own.TextAsync());
        Assert.Equal(state.Version, (await StateAsync(caseId)).Version);

        // 4. The supervisor sends it back once with a reason; it shows in the social worker's inbox; resubmitted; approved.
        await using var supervisor = await Person.SignInAsync(web, "sentra-supervisor");
        Assert.Contains(caseId, await supervisor.Page.ContentAsync());
        await supervisor.OpenAsync(casePath, "case");
        await supervisor.Page.Locator("#decision-reason").FillAsync("Lengkapi rencana reintegrasi keluarga.");
        Assert.Equal(200, await supervisor.SubmitAsync(supervisor.Page.Locator("form[action$='/assessment/decision'] button[value=sendback]"), "case (sent back)"));
        await WaitAsync(caseId, s => s.Assessment?.Status == AssessmentStatus.SentBack);

        await worker.OpenAsync("/", "inbox");
        Assert.Contains(caseId, await worker.Page.Locator("main").InnerTextAsync());
        await worker.OpenAsync(casePath, "case");
        Assert.Contains("Lengkapi rencana reintegrasi keluarga.", await worker.Page.Locator("#assessor").InnerTextAsync());
        await worker.Page.Locator("#recommendation").FillAsync("Rujuk ke BP3MI Jawa Timur untuk klaim gaji; reintegrasi keluarga di Kabupaten Malang.");
        Assert.Equal(200, await worker.SubmitAsync(worker.Page.Locator("form[action$='/assessment'] button[type=submit]"), "case (asesmen submitted)"));
        await WaitAsync(caseId, s => s.Assessment?.Status == AssessmentStatus.Submitted);

        await supervisor.OpenAsync(casePath, "case");
        Assert.Equal(200, await supervisor.SubmitAsync(supervisor.Page.Locator("form[action$='/assessment/decision'] button[value=approve]"), "case (approved)"));
        state = await WaitAsync(caseId, s => s.Stage == Stage.SignOffPending);

        // 5. An investigator places a hold and lifts it.
        await using (var investigator = await Person.SignInAsync(web, "police-liaison"))
        {
            await investigator.OpenAsync(casePath, "case");
            await investigator.Page.Locator("#hold-reason").FillAsync("Keterangan saksi belum diambil (TPPO).");
            Assert.Equal(200, await investigator.SubmitAsync(investigator.Page.Locator("form[action$='/holds'] button[type=submit]"), "case (on hold)"));
            await WaitAsync(caseId, s => s.ShownStage == Stage.OnHold);
            Assert.Contains("Keterangan saksi belum diambil (TPPO).", await investigator.Page.Locator("#investigator").InnerTextAsync());
            await investigator.Page.Locator("form[action$='/lift'] input[name=reason]").FillAsync("Keterangan sudah diambil.");
            Assert.Equal(200, await investigator.SubmitAsync(investigator.Page.Locator("form[action$='/lift'] button[type=submit]"), "case (hold lifted)"));
            await WaitAsync(caseId, s => s.Stage == Stage.SignOffPending);
        }

        // 6. KemenP2MI's official opens the dossier; meanwhile a document is added and read, so the dossier changes: the
        // sign-off is refused with the new dossier shown, and signed again on it.
        await using (var p2mi = await Person.SignInAsync(web, "p2mi-official"))
        {
            Assert.Contains(caseId, await p2mi.Page.Locator("main").InnerTextAsync());
            await p2mi.ScreenshotAsync("inbox.png");
            await p2mi.OpenAsync($"{casePath}/signoff", "sign-off");
            await p2mi.ScreenshotAsync("signoff.png");
            var shown = await p2mi.Page.Locator("form#p2mi-signer input[name=dossierDigest]").InputValueAsync();
            Assert.Equal(state.DossierDigest, shown);

            var splp = (await web.Host.Client.UploadAsync(caseId, "splp", TestPaths.Scan("splp_200dpi.jpg"), T("sentra-intake-officer"), Ct)).EnsureSuccess()
                .Json.GetProperty("documentId").GetString()!;
            if ((await WaitAsync(caseId, s => s.Documents.Count == 4, Reading)).Documents.Single(d => d.DocumentId == splp).Status == DocumentStatus.NeedsReview)
            {
                await ConfirmOverApiAsync(caseId, splp);
            }

            var changed = await WaitAsync(caseId, s => s.DossierDigest != shown);
            Assert.Equal(409, await p2mi.SubmitAsync(p2mi.Page.Locator("form#p2mi-signer button[value=approve]"), "sign-off (stale)"));
            await Assertions.Expect(p2mi.Page.Locator("[role=alert]")).ToBeVisibleAsync();
            Assert.Equal(changed.DossierDigest, await p2mi.Page.Locator("form#p2mi-signer input[name=dossierDigest]").InputValueAsync());
            Assert.Empty((await StateAsync(caseId)).SignOffs);
            Assert.Equal(200, await p2mi.SubmitAsync(p2mi.Page.Locator("form#p2mi-signer button[value=approve]"), "case (signed)"));
        }

        // 7. Kemensos's official signs the same dossier: the case is released and the page shows the release record.
        await using (var kemensos = await Person.SignInAsync(web, "kemensos-official"))
        {
            await kemensos.OpenAsync($"{casePath}/signoff", "sign-off");
            Assert.Equal(200, await kemensos.SubmitAsync(kemensos.Page.Locator("form#kemensos-signer button[value=approve]"), "case (signed)"));
            state = await WaitAsync(caseId, s => s.Stage == Stage.Released);
            await kemensos.OpenAsync(casePath, "case (released)");
            var release = await kemensos.Page.Locator("section[aria-labelledby=release]").InnerTextAsync();
            Assert.Contains("p2mi-official", release);
            Assert.Contains("kemensos-official", release);
            Assert.Contains(state.DossierDigest![..12], release);
            await kemensos.ScreenshotAsync("case.png");
        }

        Assert.Equal(2, state.SignOffs.Count(s => s.Approve && s.DossierDigest == state.DossierDigest));
        TestContext.Current.SendDiagnosticMessage($"whole case in the browser: {clock.Elapsed.TotalSeconds:F0} s");
    }
}
