namespace Dropzone.Portal.BrowserTests.Shell;

[Collection(PortalBrowserCollection.Name)]
public sealed class ShellNavigationTests(PortalBrowserFixture fixture)
{
    [BrowserFact]
    public async Task Home_InChromium_RendersShellWithEmulatedTenantAndTheDatabaseCounts()
    {
        var page = await fixture.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add($"{message.Text} {message.Location}"); };

        await page.SignInAsync(DemoTenant.AdminUpn);

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dropzone Portal");
        Assert.True(consoleErrors.Count == 0, string.Join(Environment.NewLine, consoleErrors)); // e.g. a Content-Security-Policy violation
        await Assertions.Expect(page.GetByTestId("tenant-status")).ToContainTextAsync("Emulated tenant");
        // Tests of this collection share one portal: the figure must match its database, whatever ran before.
        await using var db = await fixture.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var groups = await db.ManagedGroups.CountAsync(g => g.Status != Dropzone.Portal.Core.Groups.ManagedGroupStatus.Abandoned); // Home counts the groups the portal manages
        await Assertions.Expect(page.GetByTestId("count-groups")).ToHaveTextAsync(groups.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await PortalBrowserFixture.ScreenshotAsync(page, "shell-home");
    }

    [BrowserFact]
    public async Task Navigation_EachMenuEntry_OpensItsPageWithoutReload()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.AdminUpn);

        foreach (var (entry, path) in new[] { ("Setup", "/setup"), ("Groups", "/groups"), ("Requests", "/requests"), ("Audit", "/audit") })
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = entry, Exact = true }).ClickAsync();

            await Assertions.Expect(page).ToHaveURLAsync(new Uri(fixture.BaseAddress, path).ToString());
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(entry);
        }
    }

    [BrowserFact]
    public async Task Navigation_JobsEntry_OpensTheJobDashboard()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.AdminUpn);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Uri(fixture.BaseAddress, "/jobs").ToString());
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("Dropzone Portal · Jobs"));
    }

    [BrowserFact]
    public async Task ThemeToggle_Clicked_SwitchesToDarkPalette()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.AdminUpn);
        var before = await BackgroundColourAsync(page);

        await page.GetByTestId("theme-toggle").ClickAsync();
        await page.GetByTestId("theme-dark").ClickAsync();

        await Assertions.Expect(page.Locator("body")).Not.ToHaveCSSAsync("background-color", before);
        await PortalBrowserFixture.ScreenshotAsync(page, "shell-dark");
    }

    private static Task<string> BackgroundColourAsync(IPage page) =>
        page.Locator("body").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
}
