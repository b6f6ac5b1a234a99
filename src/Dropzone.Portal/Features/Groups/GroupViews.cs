using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace Dropzone.Portal.Features.Groups;

/// <summary>
/// What each person may see of the managed groups: admins and auditors see all of them, owners see the
/// groups they own, others none. Checked here, per group, with the same handler the actions use.
/// </summary>
public sealed class GroupViews(IDbContextFactory<PortalDbContext> dbFactory, SetupRunReader reader, IAuthorizationService authorization)
{
    public async Task<IReadOnlyList<GroupListItem>> ListVisibleAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var all = await reader.ListGroupsAsync(cancellationToken);
        if (user.SeesEverything())
        {
            return all;
        }
        if (user.GetObjectId() is not { } objectId)
        {
            return [];
        }
        var owned = await GroupOwnership.ListedGroupIdsAsync(dbFactory, objectId, cancellationToken);
        return [.. all.Where(g => owned.Contains(g.Id))];
    }

    /// <summary>The group, or null when it does not exist or the user may not view it (the page says "not found" either way).</summary>
    public Task<ManagedGroup?> GetViewableAsync(ClaimsPrincipal user, Guid groupId, CancellationToken cancellationToken = default) =>
        GetAuthorizedAsync(user, groupId, GroupOperations.View, cancellationToken);

    /// <summary>The group when it exists and <paramref name="operation"/> is allowed on it for this user; else null.</summary>
    public async Task<ManagedGroup?> GetAuthorizedAsync(
        ClaimsPrincipal user, Guid groupId, OperationAuthorizationRequirement operation, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var group = await db.ManagedGroups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        return group is not null && (await authorization.AuthorizeAsync(user, group, operation)).Succeeded ? group : null;
    }
}
