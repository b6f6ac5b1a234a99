namespace Dropzone.Portal.BrowserTests.Setup;

/// <summary>Drives the setup wizard the way an admin does: the steps' fields, the picker and the buttons.</summary>
public static class WizardDriver
{
    /// <summary>A new page signed in as the demo admin, on a fresh wizard: any earlier draft is discarded.</summary>
    public static async Task<IPage> OpenFreshAsync(PortalBrowserFixture fixture, Action<BrowserNewContextOptions>? configure = null)
    {
        var page = await fixture.SignedInPageAsync(DemoTenant.AdminUpn, "/setup", configure);
        await Assertions.Expect(page.GetByTestId("wizard-next")).ToBeVisibleAsync();
        if (await page.GetByTestId("discard-draft").CountAsync() > 0)
        {
            await page.GetByTestId("discard-draft").ClickAsync();
            await Assertions.Expect(page.GetByTestId("discard-draft")).ToHaveCountAsync(0);
        }

        return page;
    }

    /// <summary>From a fresh wizard to the members step: the default application, a new group, one owner.</summary>
    public static async Task<string> ToMembersStepAsync(IPage page, string displayName)
    {
        var alias = await ToOwnersStepAsync(page, displayName);
        await PickAsync(page, "owner-picker", "Olivia Owner");
        await page.GetByTestId("wizard-next").ClickAsync();
        await Assertions.Expect(page.GetByTestId("member-total")).ToBeVisibleAsync();
        return alias;
    }

    public static async Task<string> ToOwnersStepAsync(IPage page, string displayName)
    {
        await page.GetByTestId("wizard-next").ClickAsync();
        var alias = $"wizard-{Guid.NewGuid().ToString("N")[..8]}";
        await FillGroupAsync(page, displayName, alias);
        await page.GetByTestId("wizard-next").ClickAsync();
        await Assertions.Expect(Field(page, "owner-picker")).ToBeVisibleAsync();
        return alias;
    }

    public static async Task FillGroupAsync(IPage page, string displayName, string alias)
    {
        await Field(page, "group-name").FillAsync(displayName);
        await Field(page, "group-alias").FillAsync(alias);
        await Field(page, "group-alias").PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("group-address")).ToContainTextAsync($"{alias}@{DemoTenant.Domain}");
    }

    /// <summary>A second tab of the same browser (the same signed-in admin) on the wizard, with its draft.</summary>
    public static async Task<IPage> OpenAnotherTabAsync(IPage page)
    {
        var tab = await page.Context.NewPageAsync();
        await tab.GotoAsync("/setup");
        await tab.WaitForInteractivityAsync();
        return tab;
    }

    /// <summary>Types the value and leaves the field, which is when the wizard takes (and saves) it.</summary>
    public static async Task TypeAsync(IPage page, string testId, string value, string element = "input")
    {
        await Field(page, testId, element).FillAsync(value);
        await Field(page, testId, element).PressAsync("Tab");
    }

    /// <summary>MudBlazor puts a test id either on the input itself or on its wrapper; both are accepted.</summary>
    public static ILocator Field(IPage page, string testId, string element = "input") =>
        page.Locator($"{element}[data-testid={testId}], [data-testid={testId}] {element}").First;

    public static async Task PickAsync(IPage page, string picker, string displayName)
    {
        var box = Field(page, picker);
        await box.FillAsync(displayName);
        var option = page.Locator(".mud-popover-open .mud-list-item", new() { HasText = displayName }).First;
        await option.ClickAsync();
        await Assertions.Expect(box).ToHaveValueAsync("");
    }
}
