namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>
/// The one membership sync (what the member step runs) against the emulator, including its measured
/// large-array trap: a bulk update that times out although applied, or times out and is dropped.
/// </summary>
public sealed class MembershipSyncTests
{
    private const string Group = "sync-group@" + DemoTenant.Domain;

    /// <summary>A group holding only the admin, and <paramref name="users"/> new mailboxes (their addresses).</summary>
    private static async Task<IReadOnlyList<string>> SetUpAsync(SetupTestBed bed, int users)
    {
        var created = await bed.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("Sync Group", [DemoTenant.OwnerUpn], alias: "sync-group",
            primarySmtpAddress: Group, members: [DemoTenant.AdminUpn]));
        Assert.True(created.IsSuccess, created.Outcome.ToString());
        return users == 0 ? [] : bed.AddMailboxes(users, "sync" + users);
    }

    /// <summary>Reads the membership, then syncs; answers what the sync did and the calls it made.</summary>
    private static async Task<(MembershipSyncResult Result, TenantCallLog Calls)> SyncAsync(SetupTestBed bed, IReadOnlyList<string> desired, int bulkThreshold)
    {
        var calls = new TenantCallLog(bed.Exchange, bed.Directory, concurrency: 4);
        var current = await bed.Exchange.GetMembersAsync(Group) ?? throw new InvalidOperationException("Group not found.");
        return (await MembershipSync.SyncAsync(calls, Group, desired, current, bulkThreshold, CancellationToken.None), calls);
    }

    /// <summary>
    /// Syncs 60 new mailboxes in one bulk call that times out, Exchange applying it above <paramref name="appliedAbove"/> members
    /// and dropping it above <paramref name="droppedAbove"/>; the sync must stop, as Exchange may still be applying it.
    /// </summary>
    private static async Task<(IReadOnlyList<string> Users, MembershipSyncResult Result, TenantCallLog Calls)> SyncSixtyInABulkCallThatTimesOutAsync(
        SetupTestBed bed, int appliedAbove, int droppedAbove)
    {
        var users = await SetUpAsync(bed, 60);
        bed.SetFaults(f => f with { BulkTimeoutAppliedThreshold = appliedAbove, BulkTimeoutDroppedThreshold = droppedAbove });

        var (result, calls) = await SyncAsync(bed, users, 100);

        Assert.True(result.BulkTimedOut);
        Assert.True(result.MayStillBeApplying);
        return (users, result, calls);
    }

    private static int Sent(SetupTestBed bed, string cmdlet) => bed.Tenant.Calls.Count(c => c.Operation == cmdlet);

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SyncAsync_SmallList_UsesOneBulkUpdate(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        await SetUpAsync(bed, 0);

        var (result, _) = await SyncAsync(bed, [DemoTenant.PhishingReportMailbox, DemoTenant.SecurityTeamMailbox], 2000);

        Assert.Empty(result.Failures);
        Assert.True(result.UsedBulk);
        Assert.Equal((2, 1), (result.Added, result.Removed));
        Assert.Equal(2, (await bed.GroupMembersAsync(Group)).Count);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SyncAsync_AlreadyInSync_SendsNoWrite(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        await SetUpAsync(bed, 0);

        var (result, calls) = await SyncAsync(bed, [DemoTenant.AdminUpn.ToUpperInvariant()], 2000);

        Assert.True(result.AlreadyInSync);
        Assert.Equal((0, 0, false), (result.Added, result.Removed, result.UsedBulk));
        Assert.Equal(0, calls.Calls);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SyncAsync_AboveThreshold_BulkUpToThresholdThenSinglesInBatches(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var users = await SetUpAsync(bed, 45);

        var (result, calls) = await SyncAsync(bed, users, 20);

        Assert.Empty(result.Failures);
        Assert.Equal((45, 1), (result.Added, result.Removed));
        Assert.Equal((true, 25), (result.UsedBulk, result.SingleCalls));
        Assert.Equal(45, (await bed.GroupMembersAsync(Group)).Count);
        // One update with the first 20 (it also removes the admin), then 25 single adds, ten to a $batch.
        Assert.Equal(1, Sent(bed, "Update-DistributionGroupMember"));
        Assert.Equal(1 + 3, calls.Calls);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SyncAsync_BulkTimesOutButApplied_StopsAndTheReadBackFindsItDone(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        // The emulator's measured trap, scaled down: above 50 the call times out although it was applied.
        var (users, result, calls) = await SyncSixtyInABulkCallThatTimesOutAsync(bed, appliedAbove: 50, droppedAbove: 4000);

        // Nothing more is sent while Exchange may still be applying the bulk call.
        Assert.True(result.UsedBulk);
        Assert.Equal(1, calls.Calls);

        // The caller's read-back, once the operation has settled: one member at a time, and here nothing is left to do.
        var (reconcile, _) = await SyncAsync(bed, users, 0);

        Assert.True(reconcile.AlreadyInSync);
        Assert.Empty(reconcile.Failures);
        Assert.Equal(60, (await bed.GroupMembersAsync(Group)).Count);
        Assert.Equal(1, Sent(bed, "Update-DistributionGroupMember"));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SyncAsync_BulkTimesOutAndDropped_ReadBackFallsBackToSingleCalls(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var (users, _, _) = await SyncSixtyInABulkCallThatTimesOutAsync(bed, appliedAbove: 30, droppedAbove: 50);
        Assert.Equal(0, Sent(bed, "Add-DistributionGroupMember"));

        var (reconcile, _) = await SyncAsync(bed, users, 0);

        Assert.Empty(reconcile.Failures);
        Assert.Equal(60, reconcile.Added);
        Assert.Equal(60, (await bed.GroupMembersAsync(Group)).Count);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SyncAsync_BulkAnsweredUnavailable_DeclinedSoTheStepRetriesInsteadOfWaitingOutTheOperationLimit(PortalDatabaseProvider provider)
    {
        await using var bed = await SetupTestBed.CreateAsync(provider: provider);
        var users = await SetUpAsync(bed, 5);
        var current = await bed.Exchange.GetMembersAsync(Group) ?? throw new InvalidOperationException("Group not found.");
        bed.SetFaults(f => f with { UnavailableRate = 1 });
        var calls = new TenantCallLog(bed.Exchange, bed.Directory, concurrency: 4);

        var result = await MembershipSync.SyncAsync(calls, Group, users, current, 100, CancellationToken.None);

        // 503: Exchange declined the call, so nothing is left applying; the caller retries as after any refusal, reading back first.
        Assert.False(result.MayStillBeApplying);
        Assert.True(result.Stopped is { Declined: true, Outcome.IsTransient: true }, result.Stopped?.Outcome.ToString());
        Assert.Equal(0, Sent(bed, "Add-DistributionGroupMember"));
        bed.SetFaults(f => f with { UnavailableRate = 0 });
        Assert.Single(await bed.GroupMembersAsync(Group));
    }
}
