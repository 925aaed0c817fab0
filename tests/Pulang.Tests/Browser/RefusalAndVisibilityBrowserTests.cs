using Microsoft.Playwright;
using Pulang.Tests.EndToEnd;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Browser;

/// <summary>
/// What the browser refuses and what it hides, on the real self-host: a file of the wrong type at upload is refused in the
/// person's language and stores nothing; an investigation paper and a hold's reason are shown to the investigator only
/// (the same rules as the API: <c>CaseView.For</c>); the restricted paper's own page and image answer 404 to others.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RefusalAndVisibilityBrowserTests(BrowserHost web)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string T(string user) => web.Host.Tokens.MintDemo(user);

    async Task<string> NewCaseAsync()
    {
        var caseId = (await web.Host.Client.JsonAsync(HttpMethod.Post, "/api/cases", T("embassy-kl-manifest"), EndToEndTests.Intake($"WEBR-{Guid.NewGuid():N}"[..16]), ct: Ct))
            .EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        await web.Host.Client.WaitForAsync(caseId, T("pulang-admin"), s => s.Stage == Stage.DocumentsPending, TimeSpan.FromSeconds(90), Ct);
        return caseId;
    }

    [Fact]
    public async Task A_file_of_the_wrong_type_is_refused_at_upload_with_the_reason_in_indonesian_and_nothing_is_stored()
    {
        var caseId = await NewCaseAsync();
        var text = Path.Combine(Path.GetTempPath(), $"catatan_{caseId}.txt");
        await File.WriteAllTextAsync(text, "bukan pindaian", Ct);
        await using var intake = await Person.SignInAsync(web, "sentra-intake-officer");
        await intake.OpenAsync($"/cases/{caseId}/upload", "upload");
        await intake.Page.Locator("input[type=file]").SetInputFilesAsync(text);
        await intake.Page.Locator("form[data-upload] button[type=submit]").ClickAsync();
        var refused = intake.Page.Locator("[data-rows] .upload-result.refused");
        await Assertions.Expect(refused).ToBeVisibleAsync();
        Assert.Contains("upload.media-type", await refused.InnerTextAsync());
        Assert.Equal("id", await intake.Page.Locator("html").GetAttributeAsync("lang"));
        await intake.CheckAsync("upload (refused)");
        var state = (await web.Host.Client.GetAsync($"/api/cases/{caseId}", T("pulang-admin"), Ct)).EnsureSuccess().Case;
        Assert.Empty(state.Documents);
    }

    [Fact]
    public async Task An_investigation_paper_and_a_holds_reason_are_shown_to_the_investigator_only()
    {
        var caseId = await NewCaseAsync();
        const string Reason = "Saksi kunci dilindungi LPSK (uji kerahasiaan)";
        var hold = (await web.Host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{caseId}/holds", T("police-liaison"), new { reason = Reason }, ct: Ct)).EnsureSuccess().Case;
        var paper = (await web.Host.Client.UploadAsync(caseId, "investigation", Path.Combine(TestPaths.RepositoryRoot, "tests", "Pulang.Tests", "BadInput", "files", "valid-1-page.pdf"), T("police-liaison"), Ct))
            .EnsureSuccess().Json.GetProperty("documentId").GetString()!;
        await web.Host.Client.WaitForAsync(caseId, T("pulang-admin"), s => s.Documents.Any(d => d.DocumentId == paper), TimeSpan.FromMinutes(5), Ct);
        Assert.Equal(Stage.OnHold, hold.ShownStage);

        await using (var investigator = await Person.SignInAsync(web, "police-liaison"))
        {
            await investigator.OpenAsync($"/cases/{caseId}", "case (investigator)");
            var html = await investigator.Page.ContentAsync();
            Assert.Contains(Reason, html);
            Assert.Contains(paper, html);
            await investigator.OpenAsync($"/cases/{caseId}/documents/{paper}", "document (investigation)");
        }

        foreach (var user in new[] { "bp3mi-reader", "sentra-intake-officer", "sentra-social-worker", "p2mi-official" })
        {
            await using var other = await Person.SignInAsync(web, user);
            await other.OpenAsync($"/cases/{caseId}", "case");
            var html = await other.Page.ContentAsync();
            Assert.DoesNotContain(Reason, html);
            Assert.DoesNotContain(paper, html);
            Assert.Contains(hold.Holds.Single().HoldId, html); // that there is a hold is no secret; why is
            Assert.Equal(404, (await other.Page.GotoAsync($"/cases/{caseId}/documents/{paper}"))!.Status);
            await other.CheckAsync("not found");
            Assert.Equal(404, (await other.Request.GetAsync($"/cases/{caseId}/documents/{paper}/pages/1")).Status);
        }
    }
}
