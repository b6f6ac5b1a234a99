namespace Dropzone.Portal.Core.Access;

/// <summary>An Entra application permission of the restricted application that reaches mail in every mailbox, as an app-role assignment.</summary>
public sealed record EntraMailGrant(string Permission, string AssignmentId, string ResourceId, string ResourceName);

/// <summary>How a removal ended: done, or why not, with the Entra admin center steps when the portal cannot do it itself.</summary>
public sealed record GrantRemovalResult(bool Removed, string Message, IReadOnlyList<string> ManualSteps);

/// <summary>
/// Removes the restricted application's unscoped Entra mail permissions (the fix for RBAC mode, where an RBAC scope
/// narrows nothing while such a grant remains): <c>DELETE /servicePrincipals/{resource}/appRoleAssignedTo/{id}</c>, which
/// needs the portal's optional Graph permission AppRoleAssignment.ReadWrite.All. Without it, the steps for the admin.
/// Every attempt is audited with Graph's answer. The group's verdict changes only at the next check, which reads Entra again.
/// </summary>
public sealed class EntraGrantRemoval(IDirectoryClient directory, IDbContextFactory<PortalDbContext> dbFactory, AuditTrail audit)
{
    public const string Permission = IDirectoryClient.RemoveGrantPermission;

    /// <summary>The application's Entra permissions that reach mail, with the assignment each is.</summary>
    public async Task<IReadOnlyList<EntraMailGrant>> ListAsync(string appId, CancellationToken cancellationToken = default)
    {
        var sp = await directory.GetServicePrincipalByAppIdAsync(appId, cancellationToken);
        if (sp is null)
        {
            return [];
        }

        var report = await directory.GetAppRoleGrantsAsync(sp.Id, cancellationToken);
        return [.. report
            .Select(g => (Grant: g, Known: MailPermissions.FindEntra(g.AppRoleId)))
            .Where(x => x.Known is not null && x.Grant.AssignmentId is not null && x.Grant.ResourceId is not null)
            .Select(x => new EntraMailGrant(x.Known!.Name, x.Grant.AssignmentId!, x.Grant.ResourceId!, x.Grant.ResourceDisplayName ?? x.Known.ResourceAppId))];
    }

    /// <summary>Removes every unscoped mail grant of the application, recording each attempt against <paramref name="groupId"/>.</summary>
    public async Task<GrantRemovalResult> RemoveAsync(string appId, string? appName, Guid groupId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var grants = await ListAsync(appId, cancellationToken);
        var name = string.IsNullOrWhiteSpace(appName) ? appId : appName;
        if (grants.Count == 0)
        {
            return new(true, $"{name} holds no unscoped Entra mail permission. Re-check to confirm the group's verdict.", []);
        }

        var removed = new List<string>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            foreach (var grant in grants)
            {
                var existed = await directory.RemoveAppRoleAssignmentAsync(grant.ResourceId, grant.AssignmentId, cancellationToken);
                Record(db, grant, name, groupId, actor, AuditOutcome.Succeeded, existed ? "204 No Content" : "404 Request_ResourceNotFound: already removed");
                removed.Add(grant.Permission);
            }
        }
        catch (DirectoryException ex)
        {
            var failed = grants.First(g => !removed.Contains(g.Permission));
            Record(db, failed, name, groupId, actor, AuditOutcome.Failed, ex.Message);
            await AuditTrail.SaveChangesAsync(db, cancellationToken);
            var remaining = grants.Where(g => !removed.Contains(g.Permission)).Select(g => g.Permission).ToList();
            return ex.Failure == DirectoryFailure.PermissionMissing
                ? new(false, $"The portal could not remove {string.Join(", ", remaining)}: it lacks the optional Microsoft Graph application permission {Permission}. "
                    + "Remove the grant in the Entra admin center instead:", ManualSteps(name, remaining))
                : new(false, $"Microsoft Graph did not remove {string.Join(", ", remaining)}: {ex.Message}", ManualSteps(name, remaining));
        }

        await AuditTrail.SaveChangesAsync(db, cancellationToken);
        return new(true, $"Removed {string.Join(", ", removed)} from {name}. Re-check to establish the group's effective access again.", []);
    }

    /// <summary>The same removal done by hand, in the Entra admin center's words.</summary>
    public static IReadOnlyList<string> ManualSteps(string appName, IEnumerable<string> permissions)
    {
        var names = string.Join(", ", permissions);
        return
        [
            "Sign in to the Microsoft Entra admin center (https://entra.microsoft.com) as a Cloud Application Administrator or Application Administrator.",
            $"Go to Identity > Applications > Enterprise applications, set Application type to All applications, and open {appName}.",
            $"Open Security > Permissions. On the Admin consent tab, for {names} (type Application), choose … > Revoke permission, and confirm.",
            $"So that a later \"Grant admin consent\" does not bring it back: App registrations > {appName} > API permissions, remove {names}.",
            "Return to the portal and choose Re-check now: the group turns green only once Entra no longer lists the grant.",
        ];
    }

    private void Record(PortalDbContext db, EntraMailGrant grant, string appName, Guid groupId, AuditActor actor, AuditOutcome outcome, string answer) =>
        audit.Record(db, new AuditEvent(AuditActions.GrantRemoved, actor, outcome)
        {
            Target = new AuditTarget(AuditTargetTypes.Grant, grant.AssignmentId, $"{grant.Permission} ({grant.ResourceName}) of {appName}"),
            GroupId = groupId.ToString(),
            Command = $"DELETE /servicePrincipals/{grant.ResourceId}/appRoleAssignedTo/{grant.AssignmentId}",
            Answer = answer,
        });
}
