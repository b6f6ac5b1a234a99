namespace Dropzone.Portal.BrowserTests.Security;

[Collection(PortalBrowserCollection.Name)]
public sealed class SignInTests(PortalBrowserFixture fixture)
{
    [BrowserFact]
    public async Task SignIn_AdminThroughEmulatorPage_ShowsNameAndRoleThenSignsOut()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/groups");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/_emulator/login/.*/authorize"));
        await PortalBrowserFixture.ScreenshotAsync(page, "sign-in-page");
        await page.GetByRole(AriaRole.Button, new() { Name = DemoTenant.AdminUpn }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Uri(fixture.BaseAddress, "/groups").ToString());
        await Assertions.Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Adele Admin");
        await Assertions.Expect(page.GetByTestId("user-role")).ToHaveTextAsync("Admin");

        await page.GetByTestId("sign-out").ClickAsync();

        // Signed out of the portal and of the (emulated) tenant: the portal asks who you are again.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = DemoTenant.AdminUpn })).ToBeVisibleAsync();
        var cookies = await page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name.StartsWith("portal-session", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task SetupPage_PlainUser_SeesAccessDeniedNamingTheRole()
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.PlainUserUpn);

        await page.GotoAsync("/setup");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("required-role")).ToHaveTextAsync("Portal.Admin");
    }
}
