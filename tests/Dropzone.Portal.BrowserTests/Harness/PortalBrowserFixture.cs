using Dropzone.Portal.Testing;

namespace Dropzone.Portal.BrowserTests.Harness;

/// <summary>
/// One real portal on a Kestrel port and one headless Chromium, shared by the tests of a collection.
/// Each test opens its own browser context, so cookies and storage never leak between tests.
/// </summary>
public sealed class PortalBrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public PortalApplicationFactory Portal { get; } = new();

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public static string ScreenshotDirectory { get; } =
        Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        // Assertions wait as long as actions do: a loaded CI machine can take seconds for a sign-in round trip.
        Assertions.SetDefaultExpectTimeout(15_000);
        BaseAddress = Portal.StartOnKestrel();
        var executable = Chromium.ExecutablePath
            ?? throw new InvalidOperationException($"Chromium is required on CI: install Debian's 'chromium' package or set {Chromium.PathVariable}.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = Chromium.LaunchArguments,
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>A fresh browser context and page pointed at the portal; <paramref name="configure"/> sets, say, the viewer's zone or width.</summary>
    public async Task<IPage> NewPageAsync(Action<BrowserNewContextOptions>? configure = null)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        };
        configure?.Invoke(options);
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>A fresh page signed in as the demo user <paramref name="upn"/>, showing <paramref name="path"/>.</summary>
    public async Task<IPage> SignedInPageAsync(string upn, string path = "/", Action<BrowserNewContextOptions>? configure = null)
    {
        var page = await NewPageAsync(configure);
        await page.SignInAsync(upn, path);
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        await Portal.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalBrowserCollection : ICollectionFixture<PortalBrowserFixture>
{
    public const string Name = "Portal in a browser";
}
