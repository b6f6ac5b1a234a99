using Dropzone.Portal.Features.Groups;

namespace Dropzone.Portal.Tests.Security;

/// <summary>Changing owners is for admins only, even for the group's own owner calling the action directly.</summary>
public sealed class GroupAdminActionsTests(PortalWithGroups portal) : IClassFixture<PortalWithGroups>
{
    [Theory]
    [InlineData(null)]
    [InlineData(PortalRoles.Auditor)]
    public async Task ChangeOwners_OwnerOrAuditor_IsRefusedAndStartsNothing(string? role)
    {
        var user = Owner(role);
        using var scope = portal.Services.CreateScope();

        var result = await scope.ServiceProvider.GetRequiredService<GroupAdminActions>()
            .ChangeOwnersAsync(user, portal.OwnedGroupId, DemoTenant.PlainUserUpn);

        Assert.False(result.Started);
        Assert.Contains(PortalRoles.Admin, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(PortalRoles.Auditor)]
    public async Task RecheckNow_OwnerOrAuditorCallingTheActionDirectly_IsRefusedNamingTheRole(string? role)
    {
        var user = Owner(role);
        using var scope = portal.Services.CreateScope();

        var result = await scope.ServiceProvider.GetRequiredService<GroupAdminActions>().RecheckNowAsync(user, portal.OwnedGroupId);

        Assert.False(result.Checked);
        Assert.Contains(PortalRoles.Admin, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(PortalRoles.Auditor)]
    public async Task RemoveUnscopedGrants_OwnerOrAuditor_IsRefusedAndTheGrantStays(string? role)
    {
        var user = Owner(role);
        using var scope = portal.Services.CreateScope();
        var actions = scope.ServiceProvider.GetRequiredService<GroupAdminActions>();

        var result = await actions.RemoveUnscopedGrantsAsync(user, portal.OwnedGroupId);
        var (grants, problem) = await actions.ListUnscopedGrantsAsync(user, portal.OwnedGroupId);

        Assert.False(result.Removed);
        Assert.Contains(PortalRoles.Admin, result.Message, StringComparison.Ordinal);
        Assert.Empty(grants);
        Assert.Contains(PortalRoles.Admin, problem, StringComparison.Ordinal);
        var admin = TestPrincipals.SignedIn(Guid.NewGuid().ToString(), "Adele Admin", DemoTenant.AdminUpn, PortalRoles.Admin);
        Assert.Contains((await actions.ListUnscopedGrantsAsync(admin, portal.OwnedGroupId)).Grants, g => g.Permission == "Mail.Read");
    }

    /// <summary>The group's own owner, signed in with the given app role or none.</summary>
    private ClaimsPrincipal Owner(string? role) => TestPrincipals.SignedIn(
        portal.Services.GetRequiredService<TenantState>().FindUserId(DemoTenant.OwnerUpn)!.Value.ToString(), "Olivia Owner", DemoTenant.OwnerUpn, role);
}
