namespace Dropzone.Portal.BrowserTests.Setup;

[Collection(PortalBrowserCollection.Name)]
public sealed class GroupStepTests(PortalBrowserFixture fixture)
{
    [BrowserFact]
    public async Task DisplayNameTakenInExchange_IsStoppedAtTheGroupStep_OnTheField_AndCanBeCorrected()
    {
        var page = await WizardDriver.OpenFreshAsync(fixture);
        await page.GetByTestId("wizard-next").ClickAsync();
        // "All Staff" is the name of the demo tenant's all-company distribution list; the address itself is free.
        await WizardDriver.FillGroupAsync(page, "All Staff", $"staff-{Guid.NewGuid().ToString("N")[..8]}");

        await page.GetByTestId("wizard-next").ClickAsync();

        await Assertions.Expect(page.GetByTestId("step-error")).ToContainTextAsync("Display name: \"All Staff\" is already the name of All Staff (a distribution list");
        await Assertions.Expect(page.GetByTestId("group-name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator(".mud-input-control", new() { Has = page.GetByTestId("group-name") })).ToContainTextAsync("already the name of All Staff");
        await Assertions.Expect(WizardDriver.Field(page, "owner-picker")).ToHaveCountAsync(0);

        await WizardDriver.Field(page, "group-name").FillAsync("All Staff mailboxes for Dropzone");
        await page.GetByTestId("wizard-next").ClickAsync();
        await Assertions.Expect(WizardDriver.Field(page, "owner-picker")).ToBeVisibleAsync();
    }
}
