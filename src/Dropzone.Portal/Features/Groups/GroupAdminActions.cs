namespace Dropzone.Portal.Features.Groups;

/// <summary>Administrative changes to a group, each checked here on the server (Administer: admins only).</summary>
public sealed class GroupAdminActions(GroupViews groups, GroupOwnerChange ownerChange, IServiceScopeFactory scopes)
{
    /// <summary>
    /// Re-verifies the group against the tenant now instead of at its next scheduled check: the drift checks and
    /// the access tests of the scheduled re-check. Answers what it found, or why it could not ask.
    /// </summary>
    public async Task<RecheckNowResult> RecheckNowAsync(ClaimsPrincipal user, Guid groupId, CancellationToken cancellationToken = default)
    {
        if (await groups.GetAuthorizedAsync(user, groupId, GroupOperations.Administer, cancellationToken) is null)
        {
            return new(false, $"Only a {PortalRoles.Admin} can re-check a group.");
        }
        // A scope of its own: the re-checker holds typed tenant clients, which a long-lived circuit must not keep.
        await using var scope = scopes.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<GroupRechecker>().RecheckAsync(groupId, cancellationToken);
        return outcome is null
            ? new(false, "The group could not be re-checked now: it has no finished setup yet, or the tenant did not answer. Its scheduled check stays due.")
            : new(true, outcome.Summary);
    }

    /// <summary>
    /// The group's application's Entra permissions that reach every mailbox (admins only: the fix is theirs). Empty when
    /// there are none or they could not be read; <paramref name="problem"/> says which.
    /// </summary>
    public async Task<(IReadOnlyList<EntraMailGrant> Grants, string? Problem)> ListUnscopedGrantsAsync(ClaimsPrincipal user, Guid groupId, CancellationToken cancellationToken = default)
    {
        if (await groups.GetAuthorizedAsync(user, groupId, GroupOperations.Administer, cancellationToken) is not { } group)
        {
            return ([], $"Only a {PortalRoles.Admin} can remove an application's grant.");
        }

        await using var scope = scopes.CreateAsyncScope();
        try
        {
            return (await scope.ServiceProvider.GetRequiredService<EntraGrantRemoval>().ListAsync(group.RestrictedAppId, cancellationToken), null);
        }
        catch (DirectoryException ex)
        {
            return ([], $"The application's Entra permissions could not be read: {ex.Message}");
        }
    }

    /// <summary>Removes the group's application's unscoped Entra mail permissions through Graph (admins only), audited.</summary>
    public async Task<GrantRemovalResult> RemoveUnscopedGrantsAsync(ClaimsPrincipal user, Guid groupId, CancellationToken cancellationToken = default)
    {
        if (await groups.GetAuthorizedAsync(user, groupId, GroupOperations.Administer, cancellationToken) is not { } group)
        {
            return new(false, $"Only a {PortalRoles.Admin} can remove an application's grant.", []);
        }

        await using var scope = scopes.CreateAsyncScope();
        try
        {
            return await scope.ServiceProvider.GetRequiredService<EntraGrantRemoval>()
                .RemoveAsync(group.RestrictedAppId, group.RestrictedAppDisplayName, group.Id, AuditActorClaims.FromPrincipal(user), cancellationToken);
        }
        catch (DirectoryException ex)
        {
            return new(false, $"The application's Entra permissions could not be read: {ex.Message}", []);
        }
    }

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

/// <summary>How a "Re-check now" ended, in the admin's words.</summary>
public sealed record RecheckNowResult(bool Checked, string Message);
