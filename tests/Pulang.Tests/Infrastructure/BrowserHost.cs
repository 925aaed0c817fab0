using Microsoft.Playwright;

namespace Pulang.Tests.Infrastructure;

/// <summary>
/// What the browser tests share (one per test run, as an xunit collection fixture): the real self-host process
/// (<see cref="SelfHostProcess"/>, real Tesseract) on the test Azurite with its own task hub, and Debian's Chromium
/// (<see cref="ChromiumPath"/>) driven by Playwright, headless and without the sandbox (tests run as root). No browser is
/// ever downloaded: a missing Chromium fails with the install command. The tests of the collection run one at a time.
/// </summary>
public sealed class BrowserHost(TestStorage storage) : IAsyncLifetime
{
    /// <summary>Where scripts/prerequisites.sh puts Debian's Chromium (apt package <c>chromium</c>).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    IPlaywright? playwright;

    /// <summary>The self-host the pages come from.</summary>
    public SelfHostProcess Host { get; private set; } = null!;

    /// <summary>The browser (each test opens its own contexts: one per signed-in user).</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The self-host's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Host.Port}");

    /// <summary>The accessibility results of every page the tests checked (<see cref="Axe"/>), for the run's summary.</summary>
    public AxeLedger Accessibility { get; } = new();

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new FileNotFoundException($"No Chromium at {ChromiumPath}: run `bash scripts/prerequisites.sh` (apt-get install chromium).", ChromiumPath);
        }

        Host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("web"));
        var started = Host.StartAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root has no user namespace sandbox here; /dev/shm is small in containers.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        await started;
    }

    /// <summary>
    /// A fresh browser context (its own cookies: one user) with Indonesian as the browser's language, a desktop-sized
    /// viewport and the self-host as base address, so pages are opened by path (<c>page.GotoAsync("/cases")</c>).
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(string locale = "id-ID") => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = BaseAddress.ToString().TrimEnd('/'),
        Locale = locale,
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        TimezoneId = "Asia/Jakarta",
    });

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Accessibility.WriteSummary(Path.Combine(Path.GetTempPath(), "pulang-browser-axe.txt"));
    }
}

/// <summary>The browser tests' collection: one <see cref="BrowserHost"/> for all of them, tests one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserHost>
{
    /// <summary>The collection name for <c>[Collection(BrowserCollection.Name)]</c>.</summary>
    public const string Name = "browser";
}
