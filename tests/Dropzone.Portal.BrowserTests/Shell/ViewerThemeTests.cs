using Dropzone.Portal.Components.Layout;
using MudBlazor.Utilities;

namespace Dropzone.Portal.BrowserTests.Shell;

/// <summary>The theme follows the system until the viewer picks one, and the pick outlives a reload.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class ViewerThemeTests(PortalBrowserFixture fixture)
{
    private static readonly string Dark = Css(PortalTheme.Theme.PaletteDark.Background);
    private static readonly string Light = Css(PortalTheme.Theme.PaletteLight.Background);

    [BrowserFact]
    public async Task SystemInDarkMode_DarkUntilLightIsChosen_AndTheChoiceOutlivesAReload()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.PlainUserUpn, "/", o => o.ColorScheme = ColorScheme.Dark);

        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", Dark);
        // The server's own first paint is dark as well: the system's choice came back in a cookie.
        Assert.Equal(Dark, await PrerenderedBackgroundAsync(page));

        await ChooseAsync(page, "theme-light");
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", Light);

        await page.ReloadAsync();
        await page.WaitForInteractivityAsync();
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", Light);
        Assert.Equal(Light, await PrerenderedBackgroundAsync(page));

        await ChooseAsync(page, "theme-system");
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", Dark);
    }

    [BrowserFact]
    public async Task SystemInLightMode_LightByDefault_DarkOnceChosen()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.PlainUserUpn, "/", o => o.ColorScheme = ColorScheme.Light);
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", Light);

        await ChooseAsync(page, "theme-dark");
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", Dark);
        await page.GotoAsync("/requests");

        await page.WaitForInteractivityAsync();
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", Dark);
    }

    private static async Task ChooseAsync(IPage page, string item)
    {
        await page.GetByTestId("theme-toggle").ClickAsync();
        await page.GetByTestId(item).ClickAsync();
    }

    /// <summary>The page as the server first paints it: the same cookies, in a browser that runs no script.</summary>
    private async Task<string> PrerenderedBackgroundAsync(IPage page)
    {
        await using var staticContext = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString(),
            JavaScriptEnabled = false,
        });
        await staticContext.AddCookiesAsync((await page.Context.CookiesAsync()).Select(c => new Cookie
        {
            Name = c.Name,
            Value = c.Value,
            Domain = c.Domain,
            Path = c.Path,
            Expires = c.Expires,
            HttpOnly = c.HttpOnly,
            Secure = c.Secure,
            SameSite = c.SameSite,
        }));
        var prerendered = await staticContext.NewPageAsync();
        await prerendered.GotoAsync(page.Url);
        return await prerendered.Locator("body").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
    }

    private static string Css(MudColor colour) => $"rgb({colour.R}, {colour.G}, {colour.B})";
}
