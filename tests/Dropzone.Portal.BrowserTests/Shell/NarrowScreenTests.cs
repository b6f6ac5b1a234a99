using Dropzone.Portal.BrowserTests.Setup;
using Dropzone.Portal.Core.Identity;
using Dropzone.Portal.Core.Requests;

namespace Dropzone.Portal.BrowserTests.Shell;

/// <summary>
/// The main flows on a 390 px phone screen: nothing wider than the screen, tables that keep their column
/// labels when their rows become cards, and a wizard that names the step the admin is on.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class NarrowScreenTests(PortalBrowserFixture fixture)
{
    private static void Phone(BrowserNewContextOptions options) => options.ViewportSize = new ViewportSize { Width = 390, Height = 844 };

    [BrowserFact]
    public async Task AdminOnAPhone_HomeWizardToVerifiedRunGroupsGroupAuditAndApprovals_FitTheScreen()
    {
        // Home.
        var page = await WizardDriver.OpenFreshAsync(fixture, Phone);
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("count-groups")).ToBeVisibleAsync();
        await FitsAsync(page, "home");

        // The wizard, step by step, with an alias long enough to have made the address preview thousands of pixels wide.
        await page.GotoAsync("/setup");
        await page.WaitForInteractivityAsync();
        await CurrentStepAsync(page, "Application");
        await FitsAsync(page, "wizard-application");
        await page.GetByTestId("wizard-next").ClickAsync();
        await CurrentStepAsync(page, "Group");
        var alias = $"narrow{Guid.NewGuid():N}" + new string('x', 20);
        await WizardDriver.FillGroupAsync(page, "Phone-sized setup", alias);
        await FitsAsync(page, "wizard-group");
        await page.GetByTestId("wizard-next").ClickAsync();
        await CurrentStepAsync(page, "Owners");
        await WizardDriver.PickAsync(page, "owner-picker", "Olivia Owner");
        await FitsAsync(page, "wizard-owners");
        await page.GetByTestId("wizard-next").ClickAsync();
        await CurrentStepAsync(page, "Members");
        await WizardDriver.PickAsync(page, "member-picker", "Ann Archer");
        await FitsAsync(page, "wizard-members");
        await page.GetByTestId("wizard-next").ClickAsync();
        await CurrentStepAsync(page, "Restriction");
        await FitsAsync(page, "wizard-restriction");
        await page.GetByTestId("wizard-next").ClickAsync();
        await CurrentStepAsync(page, "Review");
        await Assertions.Expect(page.GetByTestId("script")).ToContainTextAsync("New-ApplicationAccessPolicy");
        await FitsAsync(page, "wizard-review");
        await page.GetByTestId("wizard-apply").ClickAsync();

        // The run, to verified.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.GetByTestId("run-state").First).ToHaveTextAsync("Succeeded", new() { Timeout = 120_000 });
        await FitsAsync(page, "run");

        // Groups, and the group just set up.
        await page.GotoAsync("/groups");
        await page.WaitForInteractivityAsync();
        var groupRow = page.GetByTestId("groups-table").Locator("tr", new() { HasText = alias });
        await Assertions.Expect(groupRow).ToBeVisibleAsync();
        await LabelledAsync(page, "groups-table");
        await FitsAsync(page, "groups");
        await groupRow.GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Phone-sized setup");
        await FitsAsync(page, "group");

        // Audit, with an entry's details open.
        await page.GotoAsync("/audit");
        await page.WaitForInteractivityAsync();
        await Assertions.Expect(page.GetByTestId("audit-grid").Locator("tbody tr").First).ToBeVisibleAsync();
        await LabelledAsync(page, "audit-grid");
        await FitsAsync(page, "audit");
        // The step that created the group: its command holds the long alias several times.
        await page.GetByTestId("audit-grid").Locator("tbody tr", new() { HasText = "EnsureGroup" }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("detail-command")).ToContainTextAsync(alias);
        await FitsAsync(page, "audit-detail");

        // Approvals, with a request waiting in the group just set up.
        var groupId = await GroupIdAsync(alias);
        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var pat = new PortalUser(DemoTenant.UserId(4).ToString(), DemoTenant.PlainUserUpn, "Pat Plain");
            await scope.ServiceProvider.GetRequiredService<MemberRequestService>().SubmitAsync(new RequestCaller(pat, false),
                new SubmitMemberRequest(groupId, MembershipChange.Add, null, "I triage the phishing reports of a team whose name is rather long"));
        }
        await page.GotoAsync("/requests/approvals");
        await page.WaitForInteractivityAsync();
        await Assertions.Expect(page.GetByTestId("approval-queue").Locator("tr", new() { HasText = DemoTenant.PlainUserUpn })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await LabelledAsync(page, "approval-queue");
        await FitsAsync(page, "approvals");
    }

    /// <summary>Nothing is wider than the window; on failure, names the elements that stick out.</summary>
    private static async Task FitsAsync(IPage page, string name)
    {
        await PortalBrowserFixture.ScreenshotAsync(page, "phone-" + name);
        var (scrollWidth, innerWidth, widest) = await page.EvaluateAsync<(int, int, string)>(@"() => {
            const width = window.innerWidth;
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .slice(-5)
                .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}[${e.getAttribute('data-testid') ?? ''}] ${Math.round(e.getBoundingClientRect().right)}px`);
            return { item1: document.documentElement.scrollWidth, item2: width, item3: wide.join('; ') };
        }");
        Assert.True(scrollWidth <= innerWidth, $"{name}: the page is {scrollWidth} px wide on a {innerWidth} px screen; sticking out: {widest}");
    }

    /// <summary>Every cell of the table's rows carries its column's name, which the card layout shows beside the value.</summary>
    private static async Task LabelledAsync(IPage page, string table)
    {
        var unlabelled = await page.GetByTestId(table).EvaluateAsync<string[]>(@"t => [...t.querySelectorAll('tbody tr td')]
            .filter(td => td.textContent.trim() !== '' && !td.querySelector('input[type=checkbox]') && !(td.getAttribute('data-label') ?? '').trim())
            .map(td => td.textContent.trim().slice(0, 40))");
        Assert.True(unlabelled.Length == 0, $"{table}: cells without a column label: {string.Join(" | ", unlabelled)}");
        var label = await page.GetByTestId(table).Locator("tbody tr td[data-label]").First
            .EvaluateAsync<string>("td => getComputedStyle(td, '::before').content");
        Assert.NotEqual("none", label); // the card layout shows the label
    }

    private static async Task CurrentStepAsync(IPage page, string step)
    {
        await Assertions.Expect(page.GetByTestId("wizard-current-step")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("wizard-current-step")).ToContainTextAsync(step);
    }

    private async Task<Guid> GroupIdAsync(string alias)
    {
        await using var db = await fixture.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.ManagedGroups.Where(g => g.Alias == alias).Select(g => g.Id).SingleAsync();
    }
}
