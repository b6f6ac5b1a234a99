namespace Dropzone.Portal.TenantClients.Graph;

/// <summary>
/// Reads from Microsoft Graph (app-only). Not found answers null or an empty list; missing permissions,
/// throttling beyond the retries and outages raise <see cref="DirectoryException"/> with an admin remedy.
/// </summary>
public interface IDirectoryClient
{
    /// <summary>People picker: <c>$search</c> on display name or mail (ConsistencyLevel: eventual).</summary>
    Task<IReadOnlyList<DirectoryUser>> SearchPeopleAsync(string text, int top = 20, CancellationToken cancellationToken = default);

    /// <summary>A user by object id, UPN, or mail address.</summary>
    Task<DirectoryUser?> FindUserAsync(string idUpnOrMail, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resolves many addresses (mail or UPN) in few calls: Graph <c>$batch</c> of 20 requests, each a
    /// <c>$filter</c> over 15 addresses. The result maps each input that matched (case-insensitive) to its user.
    /// <paramref name="progress"/> hears how many addresses have been asked so far.
    /// </summary>
    Task<IReadOnlyDictionary<string, DirectoryUser>> ResolveAddressesAsync(
        IEnumerable<string> addresses, IProgress<int>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>The restricted app's service principal (enterprise app) by its client (app) id.</summary>
    Task<DirectoryServicePrincipal?> GetServicePrincipalByAppIdAsync(string appId, CancellationToken cancellationToken = default);

    /// <summary>The application permissions (app-role assignments) granted to a service principal.</summary>
    Task<IReadOnlyList<AppRoleGrant>> GetAppRoleGrantsAsync(string servicePrincipalId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes an application permission: <c>DELETE /servicePrincipals/{resource}/appRoleAssignedTo/{assignment}</c>.
    /// Needs the optional Graph permission <see cref="RemoveGrantPermission"/>; without it a <see cref="DirectoryException"/>
    /// with <see cref="DirectoryFailure.PermissionMissing"/>. False when the assignment no longer exists (404).
    /// </summary>
    Task<bool> RemoveAppRoleAssignmentAsync(string resourceServicePrincipalId, string assignmentId, CancellationToken cancellationToken = default);

    /// <summary>The optional Graph application permission the portal needs to remove an application's grant itself.</summary>
    const string RemoveGrantPermission = "AppRoleAssignment.ReadWrite.All";

    Task<IReadOnlyList<DirectoryDomain>> GetDomainsAsync(CancellationToken cancellationToken = default);

    Task<DirectoryGroup?> GetGroupAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>All direct members (all pages); null when the group does not exist.</summary>
    Task<IReadOnlyList<DirectoryMember>?> GetGroupMembersAsync(string groupId, CancellationToken cancellationToken = default);
}
