namespace Dropzone.Portal.TenantClients.Tests.Exchange;

/// <summary>Membership sync against the emulator, including its measured large-array trap.</summary>
public class GroupMembershipSyncTests
{
    private const string Group = "sync-group@" + DemoTenant.Domain;

    private static async Task<List<string>> SetUpAsync(TenantHarness tenant, int bulkUsers)
    {
        var created = await tenant.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("Sync Group", [DemoTenant.OwnerUpn], alias: "sync-group",
            primarySmtpAddress: Group, members: [DemoTenant.AdminUpn]));
        Assert.True(created.IsSuccess, created.Outcome.ToString());
        var aliasPrefix = "sync" + bulkUsers;
        tenant.State.AddBulkMailboxUsers(bulkUsers, aliasPrefix);
        var recipients = await tenant.Exchange.InvokeAsync(ExchangeCommands.FindRecipients(unlimited: true));
        return [.. recipients.Rows.Select(RecipientInfo.From).Where(r => r.Name?.StartsWith(aliasPrefix, StringComparison.Ordinal) == true).Select(r => r.PrimarySmtpAddress!)];
    }

    [Fact]
    public async Task SyncAsync_SmallList_UsesOneBulkUpdate()
    {
        using var tenant = TenantHarness.Create();
        await SetUpAsync(tenant, 0);
        var sync = tenant.Services.GetRequiredService<GroupMembershipSync>();

        var result = await sync.SyncAsync(Group, [DemoTenant.PhishingReportMailbox, DemoTenant.SecurityTeamMailbox]);

        Assert.True(result.Succeeded);
        Assert.True(result.UsedBulkUpdate);
        Assert.Equal((2, 1), (result.Added, result.Removed));
        var members = await tenant.Exchange.GetMembersAsync(Group);
        Assert.Equal(2, members!.Count);
    }

    [Fact]
    public async Task SyncAsync_AlreadyInSync_SendsNoWrite()
    {
        using var tenant = TenantHarness.Create();
        await SetUpAsync(tenant, 0);
        var sync = tenant.Services.GetRequiredService<GroupMembershipSync>();

        var result = await sync.SyncAsync(Group, [DemoTenant.AdminUpn.ToUpperInvariant()]);

        Assert.True(result.Succeeded);
        Assert.Equal((0, 0, false), (result.Added, result.Removed, result.UsedBulkUpdate));
    }

    [Fact]
    public async Task SyncAsync_AboveThreshold_AddsOneByOneInBatches()
    {
        using var tenant = TenantHarness.Create(new Dictionary<string, string?> { ["TenantClients:BulkMemberThreshold"] = "20" });
        var users = await SetUpAsync(tenant, 45);
        var sync = tenant.Services.GetRequiredService<GroupMembershipSync>();

        var result = await sync.SyncAsync(Group, users);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures.Select(f => f.Outcome)));
        Assert.False(result.UsedBulkUpdate);
        Assert.Equal((45, 1), (result.Added, result.Removed));
        Assert.Equal(45, (await tenant.Exchange.GetMembersAsync(Group))!.Count);
    }

    [Fact]
    public async Task SyncAsync_BulkTimesOutButApplied_ReadsBackAndReconciles()
    {
        using var tenant = TenantHarness.Create(new Dictionary<string, string?> { ["TenantClients:BulkMemberThreshold"] = "100" });
        var users = await SetUpAsync(tenant, 60);
        // The emulator's measured trap, scaled down: above 50 the call times out although it was applied.
        tenant.State.SetFaults(new EmulatorFaults { BulkTimeoutAppliedThreshold = 50, BulkTimeoutDroppedThreshold = 4000 });
        var sync = tenant.Services.GetRequiredService<GroupMembershipSync>();

        var result = await sync.SyncAsync(Group, users);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures.Select(f => f.Outcome)));
        Assert.True(result.UsedBulkUpdate);
        Assert.True(result.ReconciledAfterAmbiguousBulk);
        Assert.Equal(60, (await tenant.Exchange.GetMembersAsync(Group))!.Count);
        Assert.Single(tenant.State.Calls, c => c.Operation == "Update-DistributionGroupMember");
    }

    [Fact]
    public async Task SyncAsync_BulkTimesOutAndDropped_FallsBackToSingleCalls()
    {
        using var tenant = TenantHarness.Create(new Dictionary<string, string?> { ["TenantClients:BulkMemberThreshold"] = "100" });
        var users = await SetUpAsync(tenant, 60);
        tenant.State.SetFaults(new EmulatorFaults { BulkTimeoutAppliedThreshold = 30, BulkTimeoutDroppedThreshold = 50 });
        var sync = tenant.Services.GetRequiredService<GroupMembershipSync>();

        var result = await sync.SyncAsync(Group, users);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures.Select(f => f.Outcome)));
        Assert.True(result.ReconciledAfterAmbiguousBulk);
        Assert.Equal(60, result.Added);
        Assert.Equal(60, (await tenant.Exchange.GetMembersAsync(Group))!.Count);
    }
}
