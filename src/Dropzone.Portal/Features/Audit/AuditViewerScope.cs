namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// Which audit entries a person may read: admins and auditors all of them, a group owner the entries of the
/// groups they own (as the portal last read them from Exchange), anyone else none.
/// </summary>
public sealed class AuditViewerScope(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<AuditScope?> ForAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (user.SeesEverything())
        {
            return AuditScope.All;
        }
        var objectId = user.GetObjectId();
        if (objectId is null)
        {
            return null;
        }
        var owned = await GroupOwnership.ListedGroupIdsAsync(dbFactory, objectId, cancellationToken);
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
