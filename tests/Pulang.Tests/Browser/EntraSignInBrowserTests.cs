using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Browser;

/// <summary>
/// Browser sign-in with OpenID Connect on the real self-host configured as in Azure (<c>Pulang:Auth:Authority</c> and
/// <c>Pulang:Web:OpenIdConnect:ClientId</c>), against <see cref="LocalOpenIdProvider"/> serving discovery, keys, the
/// authorization endpoint (a sign-in form), the token endpoint (checking PKCE) and the end-session endpoint: a person with
/// a Pulang app role lands in their inbox, signs out at the provider and is back on the sign-in page with no session; a
/// person without a Pulang role gets a clear page and no session. The demo users are not offered.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EntraSignInBrowserTests(BrowserHost web, TestStorage storage) : IAsyncLifetime
{
    const string ClientId = "6c1e7a43-0000-4000-8000-00000000b10e";
    LocalOpenIdProvider provider = null!;
    SelfHostProcess host = null!;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        provider = await LocalOpenIdProvider.StartAsync();
        host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("oidc"), new Dictionary<string, string>
        {
            ["Pulang__Auth__Authority"] = provider.Authority,
            ["Pulang__Auth__Audience"] = $"api://{ClientId}",
            ["Pulang__Auth__ExtraAudiences__0"] = ClientId,
            ["Pulang__Web__OpenIdConnect__ClientId"] = ClientId,
        });
        provider.Clients[ClientId] = $"http://127.0.0.1:{host.Port}/signin-oidc";
        provider.AddPerson("verifikator@sentra.test", "0b5e0000-0000-4000-8000-000000000001", [Roles.Verifier]);
        provider.AddPerson("tamu@sentra.test", "0b5e0000-0000-4000-8000-000000000002", ["Mail.Read"]);
        provider.AddPerson("sistem@kbri.test", "0b5e0000-0000-4000-8000-000000000003", [Roles.Intake]);
        await host.StartAsync();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await provider.DisposeAsync();
    }

    async Task<IPage> SignInAtProviderAsync(IBrowserContext context, string account)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        try
        {
            return await SignInAsync(page, account);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nat {page.Url}:\n{await page.ContentAsync()}\nself-host log:\n{string.Join('\n', host.Log.Split('\n').TakeLast(40))}", e);
        }
    }

    async Task<IPage> SignInAsync(IPage page, string account)
    {
        Assert.Equal(200, (await page.GotoAsync("/signin"))!.Status);
        await page.AssertAccessibleAsync(web.Accessibility, "sign-in (Entra ID)");
        Assert.Equal(0, await page.Locator("input[name='user']").CountAsync()); // no demo users with an identity provider
        await page.Locator("[data-signin-external]").ClickAsync();
        await page.WaitForURLAsync(new Regex("/oauth2/v2.0/authorize"));
        await page.Locator("#account").FillAsync(account);
        await page.Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new Regex($"^http://127.0.0.1:{host.Port}/"));
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return page;
    }

    async Task<BrowserContextCookiesResult?> SessionCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).SingleOrDefault(c => c.Name == "pulang_session");

    [Fact]
    public async Task A_person_with_an_app_role_signs_in_at_the_provider_lands_in_their_inbox_and_signs_out_there()
    {
        await using var context = await web.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://127.0.0.1:{host.Port}", Locale = "id-ID" });
        var page = await SignInAtProviderAsync(context, "verifikator@sentra.test");
        Assert.Equal($"http://127.0.0.1:{host.Port}/", page.Url);
        Assert.Equal("Kotak masuk", (await page.Locator("h1").First.InnerTextAsync()).Trim());
        await page.AssertAccessibleAsync(web.Accessibility, "inbox (Entra ID)");
        var cookie = await SessionCookieAsync(context);
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);

        // The session is for pages only: the API wants a bearer token.
        Assert.Equal(401, (await context.APIRequest.GetAsync("/api/inbox")).Status);
        // The pages work, with the roles from the ID token: a verifier may open the cases list and the dashboard (both
        // checked with axe here: the other browser tests do not open them).
        Assert.Equal(200, (await page.GotoAsync("/cases"))!.Status);
        await page.AssertAccessibleAsync(web.Accessibility, "cases");
        Assert.Equal(200, (await page.GotoAsync("/dashboard"))!.Status);
        await page.AssertAccessibleAsync(web.Accessibility, "dashboard");

        await page.Locator("form[action='/signout'] button").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/signin\?signedout=1$"));
        await page.AssertAccessibleAsync(web.Accessibility, "signed out (Entra ID)");
        Assert.Null(await SessionCookieAsync(context));
        var hint = Assert.Single(provider.SignOuts);
        Assert.False(string.IsNullOrEmpty(hint), "the end-session request carried no id_token_hint");
        await page.GotoAsync("/");
        Assert.EndsWith("/signin", page.Url);
    }

    [Theory]
    [InlineData("tamu@sentra.test")] // a role of another app only
    [InlineData("sistem@kbri.test")] // the intake role: for other systems, not people
    public async Task A_person_without_a_Pulang_role_for_people_is_refused_with_a_clear_page_and_gets_no_session(string account)
    {
        await using var context = await web.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://127.0.0.1:{host.Port}", Locale = "id-ID" });
        var page = await SignInAtProviderAsync(context, account);
        Assert.Contains("/signin-oidc", page.Url);
        Assert.Equal("Akun Anda belum memiliki peran Pulang", (await page.Locator("h1").InnerTextAsync()).Trim());
        await page.AssertAccessibleAsync(web.Accessibility, "no Pulang role (Entra ID)");
        Assert.Null(await SessionCookieAsync(context));
        await page.GotoAsync("/");
        Assert.EndsWith("/signin", page.Url);
    }
}
