namespace Dropzone.Portal.BrowserTests.Harness;

public static class PageExtensions
{
    /// <summary>Waits until the Blazor circuit is live, so clicks reach the server-side handlers.</summary>
    public static Task WaitForInteractivityAsync(this IPage page) =>
        Assertions.Expect(page.Locator("[data-interactive=true]")).ToBeAttachedAsync();

    /// <summary>
    /// Opens <paramref name="path"/>, which sends an anonymous visitor through the real OpenID Connect flow to
    /// the emulated tenant's sign-in page; picks the demo user whose button names <paramref name="upn"/>.
    /// </summary>
    public static async Task SignInAsync(this IPage page, string upn, string path = "/")
    {
        await page.GotoAsync(path);
        await page.GetByRole(AriaRole.Button, new() { Name = upn }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-name")).ToBeVisibleAsync();
        await page.WaitForInteractivityAsync();
    }
}
