using static Dropzone.Portal.Core.Tests.Requests.RequestsHarness;

namespace Dropzone.Portal.Core.Tests.Requests;

/// <summary>
/// The ownership decision (docs/decisions/010): Exchange's ManagedBy wins; the stored owners are its copy,
/// answered from without a tenant call, and overwritten by every live read.
/// </summary>
public sealed class GroupOwnershipTests
{
    [Fact]
    public void IsListedOwner_StoredCopy_MatchesObjectIdIgnoringCaseAndNeverAnonymous()
    {
        var group = new ManagedGroup { Owners = [new GroupOwner { ObjectId = Owner.ObjectId }] };

        Assert.True(GroupOwnership.IsListedOwner(group, Owner.ObjectId.ToUpperInvariant()));
        Assert.False(GroupOwnership.IsListedOwner(group, Plain.ObjectId));
        Assert.False(GroupOwnership.IsListedOwner(group, null));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task IsCurrentOwnerAsync_OwnerReplacedInExchange_LiveAnswerWinsAndOverwritesTheCopy(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(storedOwners: [Owner]);
        await h.ReplaceOwnersInExchangeAsync(Riley);
        var ownership = h.Services.GetRequiredService<GroupOwnership>();
        Assert.True(GroupOwnership.IsListedOwner(group, Owner.ObjectId)); // the copy still says Olivia

        var removed = await ownership.IsCurrentOwnerAsync(group, Owner.ObjectId);
        var added = await ownership.IsCurrentOwnerAsync(group, Riley.ObjectId);

        Assert.False(removed);
        Assert.True(added);
        var stored = await StoredAsync(h, group.Id);
        Assert.Equal([Riley.ObjectId], stored.Owners.Select(o => o.ObjectId));
        Assert.Equal(h.Time.GetUtcNow(), stored.OwnersRefreshedAt);
        await using var db = await h.CreateDbContextAsync();
        Assert.Empty(await GroupOwnership.OwnedBy(db.ManagedGroups, Owner.ObjectId).ToListAsync());
        Assert.Single(await GroupOwnership.OwnedBy(db.ManagedGroups, Riley.ObjectId).ToListAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task IsCurrentOwnerAsync_ExchangeCannotConfirm_FailsClosedAndKeepsTheCopy(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(storedOwners: [Owner]);
        group.DirectoryObjectId = Guid.NewGuid().ToString(); // a group Exchange does not know
        var ownership = h.Services.GetRequiredService<GroupOwnership>();

        var ex = await Assert.ThrowsAsync<MemberRequestRuleException>(() => ownership.IsCurrentOwnerAsync(group, Owner.ObjectId));
        var tried = await ownership.TryRefreshAsync(group);

        Assert.Contains("could not confirm the current owners", ex.Message, StringComparison.Ordinal);
        Assert.Null(tried);
        var stored = await StoredAsync(h, group.Id);
        Assert.Equal([Owner.ObjectId], stored.Owners.Select(o => o.ObjectId));
        Assert.Null(stored.OwnersRefreshedAt);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task IsCurrentOwnerAsync_OwnerNameSharedByTwoRecipients_SaysSoInsteadOfDroppingTheOwner(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(storedOwners: [Owner]);
        h.Tenant.AddNamesake(Owner.UserPrincipalName);
        var ownership = h.Services.GetRequiredService<GroupOwnership>();

        var ex = await Assert.ThrowsAsync<MemberRequestRuleException>(() => ownership.IsCurrentOwnerAsync(group, Owner.ObjectId));

        Assert.Contains("several recipients share", ex.Message, StringComparison.Ordinal);
        Assert.Equal([Owner.ObjectId], (await StoredAsync(h, group.Id)).Owners.Select(o => o.ObjectId));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task RefreshAllAsync_OwnerRemovedInExchangeWithNobodyActing_CopyFollowsAndQueuesRecount(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(storedOwners: [Owner]);
        await h.ReplaceOwnersInExchangeAsync(Riley);
        var published = h.RecordAnnouncedChanges();

        var refreshed = await h.Services.GetRequiredService<GroupOwnership>().RefreshAllAsync();

        Assert.Equal(1, refreshed);
        Assert.Equal([Riley.ObjectId], (await StoredAsync(h, group.Id)).Owners.Select(o => o.ObjectId));
        Assert.Contains(published, c => c.GroupId == group.Id && c.RequestId == Guid.Empty);
        Assert.Equal(0, await h.Requests.CountPendingApprovalsAsync(As(Owner)));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task RefreshAsync_OwnersUnchanged_StampsTheTimeWithoutAnnouncingAChange(PortalDatabaseProvider provider)
    {
        await using var h = await CreateAsync(provider: provider);
        var group = await h.CreateGroupAsync(storedOwners: [Owner]);
        var published = h.RecordAnnouncedChanges();

        var owners = await h.Services.GetRequiredService<GroupOwnership>().RefreshAsync(group);

        Assert.Equal([Owner.ObjectId], owners.Select(o => o.ObjectId));
        Assert.Empty(published);
        Assert.Equal(h.Time.GetUtcNow(), (await StoredAsync(h, group.Id)).OwnersRefreshedAt);
    }

    private static async Task<ManagedGroup> StoredAsync(RequestsHarness h, Guid groupId)
    {
        await using PortalDbContext db = await h.CreateDbContextAsync();
        return await db.ManagedGroups.AsNoTracking().Include(g => g.Owners).SingleAsync(g => g.Id == groupId);
    }
}
