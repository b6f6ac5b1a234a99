using Microsoft.Playwright;

namespace Dropzone.Portal.BrowserTests.Harness;

public static class PageExtensions
{
    /// <summary>Waits until the Blazor circuit is live, so clicks reach the server-side handlers.</summary>
    public static Task WaitForInteractivityAsync(this IPage page) =>
        Assertions.Expect(page.Locator("[data-interactive=true]")).ToBeAttachedAsync();
}
