using Dropzone.Portal.Core.Access;

namespace Dropzone.Portal.Core.Tests.Access;

/// <summary>
/// The fix for RBAC mode's unscoped grant, done by the portal through Graph: with the optional permission it removes
/// the app-role assignment, Graph stops granting mail, and the re-check turns the group green; without it nothing
/// changes and the admin gets the Entra admin center steps. Every attempt is audited.
/// </summary>
public sealed class EntraGrantRemovalTests
{
    private static readonly TimeSpan Propagation = TimeSpan.FromMinutes(1);
    private static readonly AuditActor Actor = AuditActor.User(SetupTestBed.Admin.ObjectId, SetupTestBed.Admin.UserPrincipalName, SetupTestBed.Admin.DisplayName);

    private static async Task<(SetupTestBed Bed, Guid GroupId)> RbacGroupAsync(bool portalMayRemoveGrants)
    {
        var bed = await SetupTestBed.CreateAsync();
        // Before the portal's first Graph token: an app's roles are fixed in the tokens it holds.
        bed.Tenant.SetApplicationPermission(DemoTenant.PortalClientId, EntraGrantRemoval.Permission, portalMayRemoveGrants);
        bed.SetFaults(f => f with { GraphEnforcementDelay = Propagation });
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(bed.DemoMailboxes().Take(3).ToList(), RestrictionMode.RbacForApplications, "dropzone-scope"), SetupTestBed.Admin);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));
        bed.Clock.Advance(Propagation);
        await using var db = bed.CreateDbContext();
        return (bed, (await db.ManagedGroups.SingleAsync(g => g.Alias == "dropzone-scope")).Id);
    }

    private static EntraGrantRemoval Removal(SetupTestBed bed) => new(bed.Directory, bed, bed.Trail);

    private static async Task<int> OutsidersGraphLetsTheAppReadAsync(SetupTestBed bed)
    {
        using var oracle = new GraphMailOracle(bed.Emulated);
        var token = await oracle.TokenAsync();
        var count = 0;
        foreach (var outsider in bed.DemoMailboxes().Skip(3).Take(3))
        {
            count += await oracle.CanReadAsync(token, outsider) ? 1 : 0;
        }

        return count;
    }

    [Fact]
    public async Task Remove_WithAppRoleAssignmentReadWriteAll_GrantGoneGraphRefusesOutsidersAndTheRecheckIsGreen()
    {
        var (bed, groupId) = await RbacGroupAsync(portalMayRemoveGrants: true);
        await using var _ = bed;
        await using (var db = bed.CreateDbContext())
        {
            Assert.Equal(ManagedGroupStatus.NotRestricted, (await db.ManagedGroups.SingleAsync(g => g.Id == groupId)).Status);
        }
        Assert.Equal(3, await OutsidersGraphLetsTheAppReadAsync(bed));

        var result = await Removal(bed).RemoveAsync(DemoTenant.RestrictedAppId, DemoTenant.RestrictedAppDisplayName, groupId, Actor);
        bed.Clock.Advance(Propagation);
        var recheck = await bed.NewRechecker().RecheckAsync(groupId);

        Assert.True(result.Removed, result.Message);
        Assert.Contains("Mail.Read", result.Message, StringComparison.Ordinal);
        Assert.Empty(await Removal(bed).ListAsync(DemoTenant.RestrictedAppId));
        Assert.Equal(0, await OutsidersGraphLetsTheAppReadAsync(bed));
        Assert.Equal(ManagedGroupStatus.Rechecked, recheck!.Status);
        await using var check = bed.CreateDbContext();
        var audit = await check.AuditEntries.Where(e => e.Action == AuditActions.GrantRemoved).ToListAsync();
        var entry = Assert.Single(audit);
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal(groupId.ToString(), entry.GroupId);
        Assert.StartsWith("DELETE /servicePrincipals/", entry.Command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remove_WithoutThePermission_NothingChangesTheStepsNameThePermissionAndTheFailureIsAudited()
    {
        var (bed, groupId) = await RbacGroupAsync(portalMayRemoveGrants: false);
        await using var _ = bed;

        var result = await Removal(bed).RemoveAsync(DemoTenant.RestrictedAppId, DemoTenant.RestrictedAppDisplayName, groupId, Actor);

        Assert.False(result.Removed);
        Assert.Contains(EntraGrantRemoval.Permission, result.Message, StringComparison.Ordinal);
        Assert.Contains(result.ManualSteps, s => s.Contains("Revoke permission", StringComparison.Ordinal) && s.Contains("Mail.Read", StringComparison.Ordinal));
        Assert.Contains(result.ManualSteps, s => s.Contains(DemoTenant.RestrictedAppDisplayName, StringComparison.Ordinal));
        Assert.Single(await Removal(bed).ListAsync(DemoTenant.RestrictedAppId));
        Assert.Equal(3, await OutsidersGraphLetsTheAppReadAsync(bed));
        await using var check = bed.CreateDbContext();
        var entry = Assert.Single(await check.AuditEntries.Where(e => e.Action == AuditActions.GrantRemoved).ToListAsync());
        Assert.Equal(AuditOutcome.Failed, entry.Outcome);
    }
}
