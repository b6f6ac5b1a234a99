using System.Security.Claims;

namespace Dropzone.Portal.Features.Groups;

/// <summary>Administrative changes to a group, each checked here on the server (Administer: admins only).</summary>
public sealed class GroupAdminActions(GroupViews groups, GroupOwnerChange ownerChange)
{
    /// <summary>Starts a run that sets the owners to the names given (one per line or separated by commas or semicolons).</summary>
    public async Task<OwnerChangeResult> ChangeOwnersAsync(ClaimsPrincipal user, Guid groupId, string owners, CancellationToken cancellationToken = default)
    {
        if (await groups.GetAuthorizedAsync(user, groupId, GroupOperations.Administer, cancellationToken) is null)
        {
            return new(null, $"Only a {PortalRoles.Admin} can change a group's owners.");
        }
        var names = owners.Split([',', ';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return await ownerChange.StartAsync(groupId, names, user.ToPortalUser(), cancellationToken);
    }
}
