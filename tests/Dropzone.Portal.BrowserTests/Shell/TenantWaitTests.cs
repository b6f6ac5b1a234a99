using Dropzone.TenantEmulator.State;

namespace Dropzone.Portal.BrowserTests.Shell;

/// <summary>Pages that need the tenant are drawn at once and fill in; a failing tenant is named, not waited for.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class TenantWaitTests(PortalBrowserFixture fixture)
{
    private TenantState Tenant => fixture.Portal.Services.GetRequiredService<TenantState>();

    [BrowserFact]
    public async Task Home_AdminSeesTheTenantCheckWithoutClicking()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(DemoTenant.AdminUpn, "/");

        await Assertions.Expect(page.GetByTestId("connection-step").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.True(await page.GetByTestId("connection-step").CountAsync() >= 2);
    }

    [BrowserFact]
    public async Task TenantAnswering503_SetupAndHomeOpenAtOnce_AndSayWhyTheyAreEmpty()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(DemoTenant.AdminUpn, "/groups");
        var before = Tenant.Faults;
        Tenant.SetFaults(before with { UnavailableRate = 1.0 });
        try
        {
            await page.GotoAsync("/setup");
            // The wizard is on screen from the draft, before the tenant has said anything.
            await Assertions.Expect(page.GetByTestId("wizard-next")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("tenant-problem")).ToContainTextAsync("accepted domains", new() { Timeout = 60_000 });
            await PortalBrowserFixture.ScreenshotAsync(page, "setup-tenant-503");

            await page.GotoAsync("/");
            await Assertions.Expect(page.GetByTestId("count-groups")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("connection-problem").Or(page.GetByTestId("connection-step").Locator(".mud-error-text")).First)
                .ToBeVisibleAsync(new() { Timeout = 60_000 });
        }
        finally
        {
            Tenant.SetFaults(before);
        }

        // Once the tenant answers again, the wizard opens without the warning.
        await page.GotoAsync("/setup");
        await page.WaitForInteractivityAsync();
        await Assertions.Expect(page.GetByTestId("tenant-problem")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
    }
}
