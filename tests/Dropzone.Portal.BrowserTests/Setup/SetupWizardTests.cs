using static Dropzone.Portal.BrowserTests.Setup.WizardDriver;

namespace Dropzone.Portal.BrowserTests.Setup;

[Collection(PortalBrowserCollection.Name)]
public sealed class SetupWizardTests(PortalBrowserFixture fixture)
{
    // Generated demo staff: "<Given> Archer", mailbox <given>.archer@contoso.example.
    private static readonly string[] Given = ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Milo", "Nia", "Omar", "Pia", "Quin", "Rosa", "Seth", "Tara", "Uri", "Vera", "Wes", "Xena", "Yuri"];

    [BrowserFact]
    public async Task Wizard_TwoOwnersFivePickedTwentyFromCsv_Apply_RunGrantsMembersAndDeniesAnOutsider()
    {
        var page = await OpenFreshAsync(fixture);

        // 1. Application: the configured default (the demo tenant's Dropzone AI), looked up.
        await Assertions.Expect(Field(page, "app-client-id")).ToHaveValueAsync(DemoTenant.RestrictedAppId);
        await page.GetByTestId("app-lookup").ClickAsync();
        await Assertions.Expect(page.GetByTestId("app-found")).ToContainTextAsync(DemoTenant.RestrictedAppDisplayName);
        await PortalBrowserFixture.ScreenshotAsync(page, "wizard-1-application");
        await page.GetByTestId("wizard-next").ClickAsync();

        // 2. Group.
        var alias = $"wizard-{Guid.NewGuid().ToString("N")[..8]}";
        await FillGroupAsync(page, "Dropzone mailboxes (wizard)", alias);
        await Field(page, "group-description", "textarea").FillAsync("Mailboxes Dropzone may read");
        await PortalBrowserFixture.ScreenshotAsync(page, "wizard-2-group");
        await page.GetByTestId("wizard-next").ClickAsync();

        // 3. Owners from the people picker.
        await PickAsync(page, "owner-picker", "Olivia Owner");
        await PickAsync(page, "owner-picker", "Pat Plain");
        await Assertions.Expect(page.GetByTestId("owner-chip")).ToHaveCountAsync(2);
        await PortalBrowserFixture.ScreenshotAsync(page, "wizard-3-owners");
        await page.GetByTestId("wizard-next").ClickAsync();

        // 4. Members: five picked, twenty from a pasted CSV (with a header).
        foreach (var given in Given[..5])
        {
            await PickAsync(page, "member-picker", $"{given} Archer");
        }
        await Assertions.Expect(page.GetByTestId("member-chip")).ToHaveCountAsync(5);
        var csv = "address\n" + string.Join('\n', Given[5..25].Select(g => $"{g.ToLowerInvariant()}.archer@{DemoTenant.Domain}"));
        await Field(page, "csv-text", "textarea").FillAsync(csv);
        await Field(page, "csv-text", "textarea").PressAsync("Tab");
        await page.GetByTestId("csv-check").ClickAsync();
        await Assertions.Expect(page.GetByTestId("csv-counts")).ToContainTextAsync("20 valid");
        await Assertions.Expect(page.GetByTestId("member-total")).ToContainTextAsync("25 members");
        await PortalBrowserFixture.ScreenshotAsync(page, "wizard-4-members");
        await page.GetByTestId("wizard-next").ClickAsync();

        // 5. Restriction: the application access policy of the guide.
        await Assertions.Expect(page.GetByTestId("restriction-mode")).ToBeVisibleAsync();
        await PortalBrowserFixture.ScreenshotAsync(page, "wizard-5-restriction");
        await page.GetByTestId("wizard-next").ClickAsync();

        // 6. Review with the exact script, then Apply.
        await Assertions.Expect(page.GetByTestId("script")).ToContainTextAsync("New-ApplicationAccessPolicy");
        await Assertions.Expect(page.GetByTestId("review-members")).ToHaveTextAsync("25");
        await PortalBrowserFixture.ScreenshotAsync(page, "wizard-6-review");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("script-download").ClickAsync());
        var downloaded = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains($"{alias}@{DemoTenant.Domain}", downloaded, StringComparison.Ordinal);
        Assert.Equal((await page.GetByTestId("script").TextContentAsync())!.Trim(), downloaded.Trim());
        await page.GetByTestId("wizard-apply").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9a-f-]{36}$"));
        await PortalBrowserFixture.ScreenshotAsync(page, "setup-run-progress");
        await Assertions.Expect(page.GetByTestId("run-state").First).ToHaveTextAsync("Succeeded", new() { Timeout = 120_000 });

        var rows = page.GetByTestId("verification-row");
        await Assertions.Expect(rows.Filter(new() { HasText = "No (outsider)" }).First.GetByTestId("verification-actual")).ToHaveTextAsync("Denied");
        await Assertions.Expect(rows.Filter(new() { HasText = $"ann.archer@{DemoTenant.Domain}" }).GetByTestId("verification-actual")).ToHaveTextAsync("Granted");
        Assert.Equal(0, await rows.Filter(new() { HasText = "Yes" }).GetByTestId("verification-actual").Filter(new() { HasNotText = "Granted" }).CountAsync());
        await PortalBrowserFixture.ScreenshotAsync(page, "setup-run-verification");
    }
}
