namespace Dropzone.Portal.TenantClients.Graph;

public sealed record DirectoryUser(string Id, string? DisplayName, string? UserPrincipalName, string? Mail);

public sealed record DirectoryServicePrincipal(string Id, string? AppId, string? DisplayName);

/// <summary>
/// One application permission granted to a service principal. <see cref="AssignmentId"/> and <see cref="ResourceId"/>
/// (the resource's service principal, e.g. Microsoft Graph's in this tenant) name the app-role assignment to remove it.
/// Which of them reach mail is the portal's to say (Core's MailPermissions), not the client's.
/// </summary>
public sealed record AppRoleGrant(Guid AppRoleId, string? ResourceId, string? ResourceDisplayName, string? AssignmentId = null);

public sealed record DirectoryDomain(string Id, bool IsDefault, bool IsVerified);

public sealed record DirectoryGroup(string Id, string? DisplayName, string? Mail, bool? MailEnabled, bool? SecurityEnabled, IReadOnlyList<string> GroupTypes)
{
    /// <summary>A MESG: mail- and security-enabled, not a Microsoft 365 group.</summary>
    public bool IsMailEnabledSecurityGroup => MailEnabled == true && SecurityEnabled == true && GroupTypes.Count == 0;
}

public sealed record DirectoryMember(string Id, string? ODataType, string? DisplayName, string? Mail, string? UserPrincipalName);

/// <summary>Why a Graph call could not be answered; <see cref="Remedy"/> is in an admin's words.</summary>
public enum DirectoryFailure
{
    PermissionMissing,
    Throttled,
    Unavailable,
    InvalidRequest,
}

public sealed class DirectoryException(DirectoryFailure failure, string message, string? remedy = null, Exception? inner = null)
    : Exception(message, inner)
{
    public DirectoryFailure Failure { get; } = failure;

    public string? Remedy { get; } = remedy;
}

/// <summary>Microsoft Graph's application (client) id, the same in every tenant.</summary>
public static class MicrosoftGraph
{
    public const string AppId = "00000003-0000-0000-c000-000000000000";
}
