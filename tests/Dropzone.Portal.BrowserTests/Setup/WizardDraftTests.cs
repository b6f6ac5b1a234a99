namespace Dropzone.Portal.BrowserTests.Setup;

/// <summary>One draft per admin, however many tabs: saves never crash a tab, stale tabs never bring old values back.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class WizardDraftTests(PortalBrowserFixture fixture)
{
    /// <summary>A draft saved at the owners step under this group name, open at its group step in one tab, and in a second tab.</summary>
    private async Task<(IPage First, IPage Second)> OneDraftInTwoTabsAsync(string groupName)
    {
        var first = await WizardDriver.OpenFreshAsync(fixture);
        await WizardDriver.ToOwnersStepAsync(first, groupName);
        await first.GetByTestId("wizard-back").ClickAsync();
        return (first, await WizardDriver.OpenAnotherTabAsync(first));
    }

    [BrowserFact]
    public async Task ReopenedWizard_ComesBackAtTheStepTheAdminLeft()
    {
        var page = await WizardDriver.OpenFreshAsync(fixture);
        await WizardDriver.ToOwnersStepAsync(page, "Reopened at owners");

        await page.ReloadAsync();
        await page.WaitForInteractivityAsync();

        await Assertions.Expect(page.GetByTestId("draft-restored")).ToBeVisibleAsync();
        await Assertions.Expect(WizardDriver.Field(page, "owner-picker")).ToBeVisibleAsync();
        // The steps already passed stay reachable from the stepper.
        await page.GetByTestId("wizard-back").ClickAsync();
        await Assertions.Expect(WizardDriver.Field(page, "group-name")).ToHaveValueAsync("Reopened at owners");
    }

    [BrowserFact]
    public async Task TwoTabsEditingOneDraft_TheLaterSaveIsRefusedWithAChoice_NeitherTabBreaks()
    {
        var (tabA, tabB) = await OneDraftInTwoTabsAsync("Phishing Triage Mailboxes");
        await Assertions.Expect(WizardDriver.Field(tabB, "group-name")).ToHaveValueAsync("Phishing Triage Mailboxes");

        // A saves first; B, still on the values it loaded, then saves too.
        await WizardDriver.TypeAsync(tabA, "group-description", "Saved by tab A", element: "textarea");
        await Assertions.Expect(tabA.GetByTestId("draft-conflict")).ToHaveCountAsync(0);
        await WizardDriver.Field(tabB, "group-name").FillAsync("Typed in tab B");
        await WizardDriver.Field(tabB, "group-name").PressAsync("Tab");

        await Assertions.Expect(tabB.GetByTestId("draft-conflict")).ToContainTextAsync("changed in another tab");
        await Assertions.Expect(tabB.Locator("[data-interactive=true]")).ToBeAttachedAsync();
        await tabB.GetByTestId("draft-reload").ClickAsync();
        await Assertions.Expect(tabB.GetByTestId("draft-conflict")).ToHaveCountAsync(0);
        await Assertions.Expect(WizardDriver.Field(tabB, "group-description", "textarea")).ToHaveValueAsync("Saved by tab A");
        await Assertions.Expect(WizardDriver.Field(tabB, "group-name")).ToHaveValueAsync("Phishing Triage Mailboxes");

        // Tab A is still live and its next save (now stale in turn) is refused the same way, not thrown.
        await WizardDriver.Field(tabB, "group-name").FillAsync("Dropzone Phishing Reports");
        await WizardDriver.Field(tabB, "group-name").PressAsync("Tab");
        await WizardDriver.TypeAsync(tabA, "group-description", "Tab A again", element: "textarea");
        await Assertions.Expect(tabA.GetByTestId("draft-conflict")).ToBeVisibleAsync();
        await tabA.GetByTestId("draft-keep").ClickAsync();
        await Assertions.Expect(tabA.GetByTestId("draft-conflict")).ToHaveCountAsync(0);

        var tabC = await WizardDriver.OpenAnotherTabAsync(tabA);
        // Tab A chose its own values: its whole state, not a mix of the two tabs.
        await Assertions.Expect(WizardDriver.Field(tabC, "group-name")).ToHaveValueAsync("Phishing Triage Mailboxes");
        await Assertions.Expect(WizardDriver.Field(tabC, "group-description", "textarea")).ToHaveValueAsync("Tab A again");
    }

    [BrowserFact]
    public async Task StaleTab_AfterTheDraftWasDiscarded_DoesNotBringItBack_EvenWhenClosedMidEdit()
    {
        var (stale, other) = await OneDraftInTwoTabsAsync("Old draft values");
        await other.GetByTestId("discard-draft").ClickAsync();
        await Assertions.Expect(other.GetByTestId("draft-restored")).ToHaveCountAsync(0);

        // The stale tab saves its old values: refused, and it says so.
        await WizardDriver.TypeAsync(stale, "group-description", "Typed after the discard", element: "textarea");
        await Assertions.Expect(stale.GetByTestId("draft-conflict")).ToContainTextAsync("applied or discarded");
        // Then it is closed in the middle of an edit, without a clean shutdown of its circuit.
        await WizardDriver.Field(stale, "group-name").FillAsync("Old draft values, edited");
        await stale.CloseAsync(new() { RunBeforeUnload = false });

        var fresh = await WizardDriver.OpenAnotherTabAsync(other);
        await Assertions.Expect(fresh.GetByTestId("wizard-next")).ToBeVisibleAsync();
        await Assertions.Expect(fresh.GetByTestId("draft-restored")).ToHaveCountAsync(0);
        await fresh.GetByTestId("wizard-next").ClickAsync();
        await Assertions.Expect(WizardDriver.Field(fresh, "group-name")).ToHaveValueAsync("");
    }
}
