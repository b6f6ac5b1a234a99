namespace Dropzone.Portal.TenantClients.Graph;

public sealed record DirectoryUser(string Id, string? DisplayName, string? UserPrincipalName, string? Mail);

public sealed record DirectoryServicePrincipal(string Id, string? AppId, string? DisplayName);

/// <summary>
/// One application permission granted to a service principal. <see cref="AssignmentId"/> and <see cref="ResourceId"/>
/// (the resource's service principal, e.g. Microsoft Graph's in this tenant) name the app-role assignment to remove it.
/// </summary>
public sealed record AppRoleGrant(Guid AppRoleId, string? ResourceId, string? ResourceDisplayName, string? PermissionName, string? AssignmentId = null);

/// <summary>
/// The restricted app's Entra grants. An unscoped Mail.* application grant lets the app read every mailbox
/// whatever Exchange RBAC scope says, so the portal warns about it.
/// </summary>
public sealed record MailGrantReport(IReadOnlyList<AppRoleGrant> Grants, IReadOnlyList<string> UnscopedMailPermissions)
{
    public bool HasUnscopedMailGrant => UnscopedMailPermissions.Count > 0;
}

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

/// <summary>Well-known Microsoft Graph application permission (app role) ids.</summary>
public static class GraphAppRoles
{
    public const string GraphAppId = "00000003-0000-0000-c000-000000000000";

    public static readonly Guid MailRead = new("810c84a8-4a9e-49e6-bf7d-12d183f40d01");
    public static readonly Guid MailReadWrite = new("e2a3a72e-5f79-4c64-b1b1-878b674786c9");
    public static readonly Guid MailReadBasicAll = new("693c5e45-0940-467d-9b8a-1022fb9d42ef");
    public static readonly Guid MailSend = new("b633e1c5-b582-4048-a93e-9f11b44c7e96");

    /// <summary>The mailbox permissions that Exchange RBAC for Applications can scope, and Entra grants tenant-wide.</summary>
    public static readonly IReadOnlyDictionary<Guid, string> MailPermissions = new Dictionary<Guid, string>
    {
        [MailRead] = "Mail.Read",
        [MailReadWrite] = "Mail.ReadWrite",
        [MailReadBasicAll] = "Mail.ReadBasic.All",
        [MailSend] = "Mail.Send",
    };
}
