using Microsoft.Playwright;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.Browser;

/// <summary>
/// One demo user in their own browser context (own cookies), signed in through the sign-in page as a person would: the
/// page lists the demo users, the person presses their button. Every page opened through <see cref="OpenAsync"/> and every
/// page a form lands on (<see cref="SubmitAsync"/>) is checked with axe (<see cref="Axe"/>).
/// </summary>
public sealed partial class Person : IAsyncDisposable
{
    readonly BrowserHost web;
    readonly IBrowserContext context;

    Person(BrowserHost web, IBrowserContext context, IPage page, string user)
    {
        this.web = web;
        this.context = context;
        Page = page;
        User = user;
    }

    /// <summary>The demo user's ID (e.g. <c>sentra-verifier</c>).</summary>
    public string User { get; }

    /// <summary>The person's tab.</summary>
    public IPage Page { get; }

    /// <summary>Where the tests write the README's screenshots.</summary>
    public static string ScreenshotFolder => Path.Combine(TestPaths.RepositoryRoot, "docs", "screenshots");

    /// <summary>Opens the sign-in page, presses <paramref name="user"/>'s button and lands on the inbox (both pages checked with axe).</summary>
    public static async Task<Person> SignInAsync(BrowserHost web, string user)
    {
        var context = await web.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var person = new Person(web, context, page, user);
        await person.OpenAsync("/signin", "sign-in");
        var button = page.Locator("form[action='/signin']").Filter(new() { Has = page.Locator($"input[name='user'][value='{user}']") }).Locator("button");
        // The page the form leads to (past the 303): a failure names where it landed instead of timing out on the URL.
        var landed = await page.RunAndWaitForResponseAsync(() => button.ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Status is not (301 or 302 or 303));
        Assert.True(landed.Status == 200 && new Uri(landed.Url).AbsolutePath == "/", $"{user}: signing in landed on {landed.Url} ({landed.Status})");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        await person.CheckAsync("inbox");
        return person;
    }

    /// <summary>Opens <paramref name="path"/>, asserts it answered 200 and checks it with axe under <paramref name="name"/>.</summary>
    public async Task OpenAsync(string path, string name)
    {
        var response = await Page.GotoAsync(path);
        Assert.True(response is { Status: 200 }, $"{User}: GET {path} answered {response?.Status}");
        await CheckAsync(name);
    }

    /// <summary>Checks the page as it is now with axe (0 serious or critical violations).</summary>
    public Task CheckAsync(string name) => Page.AssertAccessibleAsync(web.Accessibility, name);

    /// <summary>
    /// Clicks <paramref name="button"/> (a form's submit button), waits for the page the form leads to and checks it with axe
    /// under <paramref name="name"/>; returns that page's HTTP status (303 then 200 for a taken action, 4xx for a refusal).
    /// </summary>
    public async Task<int> SubmitAsync(ILocator button, string name)
    {
        // The page the form leads to: the last navigation response (past a 303 See Other).
        var response = await Page.RunAndWaitForResponseAsync(() => button.ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Status is not (301 or 302 or 303));
        await Page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        await CheckAsync(name);
        return response.Status;
    }

    /// <summary>Writes a screenshot of the whole page to <c>docs/screenshots/{file}</c>.</summary>
    public async Task ScreenshotAsync(string file)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, file), FullPage = true });
    }

    /// <summary>The value of the page's anti-forgery form field (the <c>meta csrf-token</c> every page carries).</summary>
    public Task<string?> CsrfTokenAsync() => Page.Locator("meta[name='csrf-token']").GetAttributeAsync("content");

    /// <summary>The browser's own request context (the person's cookies), for posts a page does not offer.</summary>
    public IAPIRequestContext Request => context.APIRequest;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await context.CloseAsync();
}
