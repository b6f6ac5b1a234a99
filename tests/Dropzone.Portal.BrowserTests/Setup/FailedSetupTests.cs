using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Identity;
using Dropzone.Portal.Core.Setup;
using Dropzone.TenantEmulator.State;

namespace Dropzone.Portal.BrowserTests.Setup;

/// <summary>
/// A setup whose display name was taken in Exchange after the wizard checked it (another admin, the Exchange admin
/// center): the run stops at the group step, and the admin either corrects the names and retries, or abandons it.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class FailedSetupTests(PortalBrowserFixture fixture)
{
    // The demo tenant's all-company distribution list: New-DistributionGroup refuses the name.
    private const string TakenName = "All Staff";

    [BrowserFact]
    public async Task NameTakenAtRunTime_StepShowsTheCreatesRefusal_NamesCorrected_RetrySucceeds()
    {
        var (runId, alias) = await StartFailingRunAsync();
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(DemoTenant.AdminUpn, $"/runs/{runId}");
        await Assertions.Expect(page.GetByTestId("run-failure")).ToContainTextAsync("already exists", new() { Timeout = 60_000 });

        // The step shows the create and its refusal, not the read-back that found nothing afterwards.
        await page.GetByTestId("step-1").ClickAsync();
        var step = page.Locator(".mud-expand-panel", new() { Has = page.GetByTestId("step-1") });
        await Assertions.Expect(step.Locator("pre").First).ToContainTextAsync("New-DistributionGroup");
        await Assertions.Expect(step.Locator("pre").Nth(1)).ToContainTextAsync("AlreadyExists");
        await Assertions.Expect(step.Locator("pre").Nth(1)).Not.ToContainTextAsync("NotFound");

        // The taken name is refused again, on the spot, before anything is retried.
        await WizardDriver.Field(page, "correct-name").FillAsync(TakenName);
        await page.GetByTestId("correct-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("correct-error")).ToContainTextAsync("Display name: \"All Staff\" is already the name of");

        var corrected = $"Phishing triage {alias}";
        await WizardDriver.Field(page, "correct-name").FillAsync(corrected);
        await page.GetByTestId("correct-save").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(corrected);

        await step.GetByTestId("retry-step").ClickAsync();
        await Assertions.Expect(page.GetByTestId("run-state").First).ToHaveTextAsync("Succeeded", new() { Timeout = 120_000 });
        Assert.NotNull(fixture.Portal.Services.GetRequiredService<TenantState>().FindGroup($"{alias}@{DemoTenant.Domain}"));
        await AssertAuditedAsync(runId, AuditActions.RunCorrected);
    }

    [BrowserFact]
    public async Task FailedSetupAbandoned_LeavesTheGroupsListAndTheRequestChoices_Audited()
    {
        var (runId, alias) = await StartFailingRunAsync();
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(DemoTenant.AdminUpn, "/groups");
        await Assertions.Expect(page.GetByTestId("groups-table")).ToContainTextAsync(alias);
        Assert.Contains(alias, await RequestChoicesAsync(page));

        await page.GotoAsync($"/runs/{runId}");
        await page.WaitForInteractivityAsync();
        await Assertions.Expect(page.GetByTestId("run-failure")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.GetByTestId("abandon").ClickAsync();
        await page.GetByTestId("abandon-confirm").ClickAsync();

        // The portal's answer first: when it refuses, the failure says why instead of "no navigation".
        await Assertions.Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("was abandoned");
        await page.WaitForURLAsync("**/groups");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Groups" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-main-content")).Not.ToContainTextAsync(alias);

        Assert.DoesNotContain(alias, await RequestChoicesAsync(page));

        // Nothing was in Exchange to leave behind, and the audit says who gave it up.
        Assert.Null(fixture.Portal.Services.GetRequiredService<TenantState>().FindGroup($"{alias}@{DemoTenant.Domain}"));
        await AssertAuditedAsync(runId, AuditActions.GroupAbandoned);
    }

    /// <summary>The groups the request form offers, as text (none when it offers no group at all).</summary>
    private static async Task<string> RequestChoicesAsync(IPage page)
    {
        await page.GotoAsync("/requests");
        await page.WaitForInteractivityAsync();
        var form = page.GetByTestId("new-request");
        await Assertions.Expect(form.GetByTestId("request-group").Or(form.GetByTestId("no-groups"))).ToBeVisibleAsync();
        if (await form.GetByTestId("no-groups").CountAsync() > 0)
        {
            return "";
        }
        await form.GetByTestId("request-group").ClickAsync();
        var choices = page.Locator(".mud-popover-open .mud-list");
        await Assertions.Expect(choices).ToBeVisibleAsync();
        var text = await choices.InnerTextAsync();
        await page.Keyboard.PressAsync("Escape");
        return text;
    }

    /// <summary>Starts a setup as Apply would, under a name Exchange already holds; answers the run and its alias.</summary>
    private async Task<(Guid RunId, string Alias)> StartFailingRunAsync()
    {
        var alias = $"failed-{Guid.NewGuid().ToString("N")[..8]}";
        var tenant = fixture.Portal.Services.GetRequiredService<TenantState>();
        var admin = new PortalUser(tenant.FindUserId(DemoTenant.AdminUpn)!.Value.ToString(), DemoTenant.AdminUpn, "Adele Admin");
        var ownerId = tenant.FindUserId(DemoTenant.OwnerUpn)!.Value.ToString();
        using var scope = fixture.Portal.Services.CreateScope();
        var runId = await scope.ServiceProvider.GetRequiredService<ISetupRunLauncher>().StartAsync(new SetupRequest
        {
            RestrictedAppId = DemoTenant.RestrictedAppId,
            RestrictedAppDisplayName = DemoTenant.RestrictedAppDisplayName,
            GroupDisplayName = TakenName,
            GroupAlias = alias,
            GroupAddress = $"{alias}@{DemoTenant.Domain}",
            OwnersApproveMembers = true,
            Owners = [new SetupPerson(ownerId, DemoTenant.OwnerUpn, "Olivia Owner")],
            Members = [new SetupMember(DemoTenant.PhishingReportMailbox)],
        }, admin);
        return (runId, alias);
    }

    private async Task AssertAuditedAsync(Guid runId, string action)
    {
        await using var db = await fixture.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var entry = await db.Set<AuditEntry>().AsNoTracking().SingleAsync(e => e.RunId == runId.ToString() && e.Action == action);
        Assert.Equal(DemoTenant.AdminUpn, entry.ActorUpn);
    }
}
