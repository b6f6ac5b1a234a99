using Dropzone.TenantEmulator.State;
using static Dropzone.Portal.BrowserTests.Setup.WizardDriver;

namespace Dropzone.Portal.BrowserTests.Access;

/// <summary>
/// A portal of its own: removing the demo application's Mail.Read changes what every group of that application is,
/// so this runs on its own tenant, after the shared collection, never beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EffectiveAccessBrowserCollection : ICollectionFixture<PortalBrowserFixture>
{
    public const string Name = "Effective access in a browser";
}

/// <summary>
/// RBAC for Applications on the demo tenant, whose Dropzone AI still holds the tenant-wide Entra Mail.Read: the
/// group is red "Not restricted" with that reason until the grant is gone, then a re-check turns it green.
/// </summary>
[Collection(EffectiveAccessBrowserCollection.Name)]
public sealed class RbacEffectiveAccessTests(PortalBrowserFixture fixture)
{
    [BrowserFact]
    public async Task RbacWizard_UnscopedGrant_NotRestrictedUntilRemoved_ThenGreenAfterRecheck()
    {
        var page = await OpenFreshAsync(fixture);
        await ToMembersStepAsync(page, "Dropzone RBAC (browser)");
        await PickAsync(page, "member-picker", "Ann Archer");
        await PickAsync(page, "member-picker", "Ben Archer");
        await page.GetByTestId("wizard-next").ClickAsync();
        await page.GetByTestId("mode-rbac").ClickAsync();
        await Assertions.Expect(page.GetByTestId("unscoped-warning")).ToContainTextAsync("Mail.Read");
        await page.GetByTestId("wizard-next").ClickAsync();
        await page.GetByTestId("wizard-apply").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.GetByTestId("run-state").First).ToHaveTextAsync("Succeeded", new() { Timeout = 120_000 });

        // Red, with the reason: the unscoped grant, which Test-ServicePrincipalAuthorization cannot see.
        await page.GetByText("Open the group").ClickAsync();
        await Assertions.Expect(page.GetByTestId("group-status")).ToHaveTextAsync("Not restricted", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("group-access")).ToContainTextAsync("every mailbox");
        await Assertions.Expect(page.GetByTestId("group-access")).ToContainTextAsync("Mail.Read");
        await PortalBrowserFixture.ScreenshotAsync(page, "access-rbac-not-restricted");

        // The offered fix: the portal holds no AppRoleAssignment.ReadWrite.All in the demo, so it gives the admin center steps.
        await Assertions.Expect(page.GetByTestId("grant-fix")).ToContainTextAsync("AppRoleAssignment.ReadWrite.All");
        await page.GetByTestId("grant-fix-remove").ClickAsync();
        await Assertions.Expect(page.GetByTestId("grant-fix-steps")).ToContainTextAsync("Revoke permission");
        await Assertions.Expect(page.GetByTestId("group-status")).ToHaveTextAsync("Not restricted");
        await PortalBrowserFixture.ScreenshotAsync(page, "access-rbac-fix-steps");

        // The admin removes it in the (emulated) Entra admin center; the re-check establishes the access again.
        fixture.Portal.Services.GetRequiredService<TenantState>().SetApplicationPermission(DemoTenant.RestrictedAppId, "Mail.Read", granted: false);
        await page.GetByTestId("recheck-now").ClickAsync();
        await Assertions.Expect(page.GetByTestId("group-status")).ToHaveTextAsync("Re-checked", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("group-access")).ToContainTextAsync("Can read: exactly");

        // The effective access page agrees, and an outsider is not readable.
        await page.GetByTestId("group-access-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("access-verdict")).ToContainTextAsync("Restricted: it reads exactly", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("access-mailboxes")).ToContainTextAsync($"ann.archer@{DemoTenant.Domain}");
        await Field(page, "access-check-input").FillAsync(DemoTenant.AdminUpn);
        await page.GetByTestId("access-check").ClickAsync();
        await Assertions.Expect(page.GetByTestId("access-check-verdict")).ToContainTextAsync("cannot read");
        await PortalBrowserFixture.ScreenshotAsync(page, "access-rbac-restricted");
    }
}
