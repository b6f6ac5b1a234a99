using System.Security.Claims;
using Dropzone.Portal.Core.Data;
using Dropzone.Portal.Core.Security;
using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Dropzone.Portal.Features.Groups;

/// <summary>Administrative changes to a group, each checked here on the server (Administer: admins only).</summary>
public sealed class GroupAdminActions(IDbContextFactory<PortalDbContext> dbFactory, IAuthorizationService authorization, GroupOwnerChange ownerChange)
{
    /// <summary>Starts a run that sets the owners to the names given (one per line or separated by commas or semicolons).</summary>
    public async Task<OwnerChangeResult> ChangeOwnersAsync(ClaimsPrincipal user, Guid groupId, string owners, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var group = await db.ManagedGroups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        if (group is null || !(await authorization.AuthorizeAsync(user, group, GroupOperations.Administer)).Succeeded)
        {
            return new(null, $"Only a {PortalRoles.Admin} can change a group's owners.");
        }
        var names = owners.Split([',', ';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return await ownerChange.StartAsync(groupId, names, user.ToPortalUser(), cancellationToken);
    }
}
