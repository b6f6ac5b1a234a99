using System.Security.Claims;
using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Data;
using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Security;
using Dropzone.Portal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// Which audit entries a person may read: admins and auditors all of them, a group owner the entries of the
/// groups they own (as the portal last read them from Exchange), anyone else none.
/// </summary>
public sealed class AuditViewerScope(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<AuditScope?> ForAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (user.IsInRole(PortalRoles.Admin) || user.IsInRole(PortalRoles.Auditor))
        {
            return AuditScope.All;
        }
        var objectId = user.GetObjectId();
        if (objectId is null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owned = await GroupOwnership.OwnedBy(db.ManagedGroups.AsNoTracking(), objectId)
            .Select(g => g.Id)
            .ToListAsync(cancellationToken);
        return owned.Count == 0 ? null : AuditScope.Groups(owned.Select(id => id.ToString()));
    }
}

/// <summary>Met by admins, auditors and owners of at least one managed group.</summary>
public sealed class AuditReaderRequirement : IAuthorizationRequirement;

public sealed class AuditReaderHandler(AuditViewerScope scopes) : AuthorizationHandler<AuditReaderRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AuditReaderRequirement requirement)
    {
        if (await scopes.ForAsync(context.User) is not null)
        {
            context.Succeed(requirement);
        }
    }
}
