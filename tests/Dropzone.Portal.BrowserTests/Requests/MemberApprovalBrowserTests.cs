using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.TenantClients.Commands;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.TenantEmulator.State;

namespace Dropzone.Portal.BrowserTests.Requests;

[Collection(PortalBrowserCollection.Name)]
public sealed class MemberApprovalBrowserTests(PortalBrowserFixture fixture)
{
    [BrowserFact]
    public async Task RequestApproveApply_PlainUserAndOwnerInTwoBrowsers_RequesterSeesAppliedAndBothAreEmailed()
    {
        var group = await CreateGroupAsync();
        var mailBefore = Tenant.SentMail.Count;

        // Pat asks for their own mailbox.
        var requester = await fixture.SignedInPageAsync(DemoTenant.PlainUserUpn, "/requests");
        await requester.GetByTestId("request-group").ClickAsync();
        await requester.GetByRole(AriaRole.Option, new() { Name = group.DisplayName }).Or(requester.GetByText($"{group.DisplayName} ({group.PrimarySmtpAddress})")).First.ClickAsync();
        await requester.Locator("#request-justification").FillAsync("I triage the phishing reports of my team.");
        await requester.GetByTestId("request-submit").ClickAsync();
        await Assertions.Expect(requester.GetByTestId("request-confirmation")).ToBeVisibleAsync();
        var state = requester.GetByTestId("my-requests").Locator("tr", new() { HasText = group.DisplayName }).GetByTestId("request-state");
        await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "Pending");

        // Olivia, the group's owner, sees the badge and the request, and approves it.
        var owner = await fixture.SignedInPageAsync(DemoTenant.OwnerUpn, "/");
        await Assertions.Expect(owner.GetByTestId("approvals-badge")).ToBeVisibleAsync();
        await owner.GetByTestId("nav-approvals").ClickAsync();
        var row = owner.GetByTestId("approval-queue").Locator("tr", new() { HasText = group.DisplayName });
        await Assertions.Expect(row).ToContainTextAsync(DemoTenant.PlainUserUpn);
        await row.Locator("input[type=checkbox]").CheckAsync();
        await owner.Locator("#decision-comment").FillAsync("Welcome aboard");
        await owner.GetByTestId("approve-selected").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("decision-results")).ToContainTextAsync("Approved");

        // The job adds Pat in Exchange, verifies it, and Pat's page shows Applied without a reload.
        await Assertions.Expect(state).ToHaveAttributeAsync("data-state", "Applied", new() { Timeout = 30_000 });
        await PortalBrowserFixture.ScreenshotAsync(requester, "requests-applied");
        var mail = Tenant.SentMail.Skip(mailBefore).ToList();
        Assert.Contains(mail, m => m.To.Contains(DemoTenant.OwnerUpn, StringComparer.OrdinalIgnoreCase) && m.Subject.Contains(group.DisplayName, StringComparison.Ordinal));
        Assert.Contains(mail, m => m.To.Contains(DemoTenant.PlainUserUpn, StringComparer.OrdinalIgnoreCase) && m.Subject.StartsWith("Request approved", StringComparison.Ordinal));

        // The history names who did what from where: Pat asked, Olivia approved, the job applied.
        using var scope = fixture.Portal.Services.CreateScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var groupId = group.Id.ToString();
        var history = await db.AuditEntries.AsNoTracking().Where(e => e.GroupId == groupId).OrderBy(e => e.Sequence).ToListAsync();
        var submitted = history.Single(e => e.Action == AuditActions.RequestSubmitted);
        var approved = history.Single(e => e.Action == AuditActions.RequestApproved);
        Assert.Equal(DemoTenant.PlainUserUpn, submitted.ActorUpn, ignoreCase: true);
        Assert.Equal(DemoTenant.OwnerUpn, approved.ActorUpn, ignoreCase: true);
        Assert.False(string.IsNullOrEmpty(approved.ClientIp));
        Assert.Contains(history, e => e.Action == AuditActions.RequestApplied);
    }

    [BrowserFact]
    public async Task GroupMembers_OwnerAddsThenRemovesAMailbox_ExchangeFollowsAndHistoryShowsApplied()
    {
        var group = await CreateGroupAsync();
        var page = await fixture.SignedInPageAsync(DemoTenant.OwnerUpn, $"/groups/{group.Id}/members");
        await Assertions.Expect(page.GetByTestId("members")).ToContainTextAsync(DemoTenant.PhishingReportMailbox);

        await page.Locator("#member-mailbox").FillAsync(DemoTenant.SecurityTeamMailbox);
        await page.GetByTestId("member-add").ClickAsync();
        var added = page.GetByTestId("group-requests").Locator("tr", new() { HasText = DemoTenant.SecurityTeamMailbox }).GetByTestId("request-state");
        await Assertions.Expect(added).ToHaveAttributeAsync("data-state", "Applied", new() { Timeout = 30_000 });
        var row = page.GetByTestId("members").Locator("tr", new() { HasText = DemoTenant.SecurityTeamMailbox });
        await Assertions.Expect(row).ToBeVisibleAsync();

        await row.GetByTestId("member-remove").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();

        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await PortalBrowserFixture.ScreenshotAsync(page, "group-members");
        Assert.DoesNotContain(DemoTenant.SecurityTeamMailbox, await MembersInExchangeAsync(group));
    }

    private async Task<IReadOnlyList<string>> MembersInExchangeAsync(ManagedGroup group)
    {
        using var scope = fixture.Portal.Services.CreateScope();
        var members = await scope.ServiceProvider.GetRequiredService<IExchangeClient>().GetMembersAsync(group.PrimarySmtpAddress);
        return [.. members!.Select(m => m.PrimarySmtpAddress ?? "")];
    }

    private TenantState Tenant => fixture.Portal.Services.GetRequiredService<TenantState>();

    /// <summary>The group as a setup run would leave it: in Exchange (owned by Olivia, restricted to Dropzone AI) and in the portal.</summary>
    private async Task<ManagedGroup> CreateGroupAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var address = $"dropzone-{suffix}@{DemoTenant.Domain}";
        using var scope = fixture.Portal.Services.CreateScope();
        var exchange = scope.ServiceProvider.GetRequiredService<IExchangeClient>();
        var created = await exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup($"Dropzone {suffix}", [DemoTenant.OwnerUpn],
            alias: $"dropzone-{suffix}", primarySmtpAddress: address, members: [DemoTenant.PhishingReportMailbox]));
        Assert.True(created.IsSuccess, created.Outcome.ToString());
        var policy = await exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(DemoTenant.RestrictedAppId, address, ApplicationAccessRight.RestrictAccess));
        Assert.True(policy.IsSuccess, policy.Outcome.ToString());
        var group = new ManagedGroup
        {
            DisplayName = $"Dropzone {suffix}",
            Alias = $"dropzone-{suffix}",
            PrimarySmtpAddress = address,
            DirectoryObjectId = DistributionGroupInfo.From(created.Rows.Single()).ExternalDirectoryObjectId,
            OwnersApproveMembers = true,
            RestrictionMode = RestrictionMode.ApplicationAccessPolicy,
            RestrictedAppId = DemoTenant.RestrictedAppId,
            RestrictedAppDisplayName = DemoTenant.RestrictedAppDisplayName,
            Status = ManagedGroupStatus.VerifiedInExchange,
        };
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        db.ManagedGroups.Add(group);
        await db.SaveChangesAsync();
        return group;
    }
}
