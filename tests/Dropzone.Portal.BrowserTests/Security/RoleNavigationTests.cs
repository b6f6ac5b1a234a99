namespace Dropzone.Portal.BrowserTests.Security;

[Collection(PortalBrowserCollection.Name)]
public sealed class RoleNavigationTests(PortalBrowserFixture fixture)
{
    [BrowserFact]
    public async Task PlainUser_SeesOnlyTheEntriesTheyMayUse()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.PlainUserUpn);
        var nav = page.GetByRole(AriaRole.Navigation);

        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Requests", Exact = true })).ToBeVisibleAsync();
        foreach (var hidden in new[] { "Setup", "Audit", "Jobs" })
        {
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = hidden, Exact = true })).ToHaveCountAsync(0);
        }
    }

    [BrowserFact]
    public async Task PlainUser_OpeningJobs_GetsAccessDeniedNamingThemAndTheRole_NotPageNotFound()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.PlainUserUpn);

        await page.GotoAsync("/jobs");
        await page.WaitForInteractivityAsync();

        await Assertions.Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("required-role")).ToHaveTextAsync("Portal.Admin");
        // Once the circuit is live the notice still names the user (it read the request's user before).
        await Assertions.Expect(page.GetByTestId("denied-user")).ToContainTextAsync(DemoTenant.PlainUserUpn);
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("not found");
        await PortalBrowserFixture.ScreenshotAsync(page, "access-denied-jobs");
    }

    [BrowserFact]
    public async Task PlainUser_OpeningSetup_GetsAccessDeniedNamingThem()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.PlainUserUpn);

        await page.GotoAsync("/setup");
        await page.WaitForInteractivityAsync();

        await Assertions.Expect(page.GetByTestId("required-role")).ToHaveTextAsync("Portal.Admin");
        await Assertions.Expect(page.GetByTestId("denied-user")).ToContainTextAsync(DemoTenant.PlainUserUpn);
    }
}
