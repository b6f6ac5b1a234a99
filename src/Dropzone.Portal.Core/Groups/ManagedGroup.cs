namespace Dropzone.Portal.Core.Groups;

/// <summary>
/// Where a managed group stands. Exchange can confirm a restriction long before Microsoft Graph honours it,
/// so "verified in Exchange" and "re-checked" are separate, later states.
/// </summary>
public enum ManagedGroupStatus
{
    /// <summary>A setup run is creating or changing it.</summary>
    Configuring,

    /// <summary>Group and restriction exist; verification has not passed yet.</summary>
    Configured,

    /// <summary>Test-ApplicationAccessPolicy / Test-ServicePrincipalAuthorization gave the expected answers.</summary>
    VerifiedInExchange,

    /// <summary>A later re-verification (after Graph's propagation window) still gave the expected answers.</summary>
    Rechecked,

    /// <summary>The tenant no longer matches what the portal set up (see the drift summary).</summary>
    Drifted,

    /// <summary>The last setup run stopped on an error.</summary>
    Failed,

    /// <summary>
    /// The application can read mailboxes beyond the portal's groups for it, or not all of their members (an unscoped
    /// Entra grant, a DenyAccess or another RestrictAccess policy): see <see cref="ManagedGroup.AccessSummary"/>.
    /// </summary>
    NotRestricted,

    /// <summary>An admin gave up a failed setup: off the portal's lists; whatever exists in Exchange stays.</summary>
    Abandoned,
}

/// <summary>A mail-enabled security group the portal created or adopted, and the restriction tied to it.</summary>
public sealed class ManagedGroup
{
    public const int MaxDisplayNameLength = 64;
    public const int MaxAliasLength = 64;

    public Guid Id { get; set; } = Guid.NewGuid();

    public string DisplayName { get; set; } = "";

    public string Alias { get; set; } = "";

    public string PrimarySmtpAddress { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Exchange's ExternalDirectoryObjectId, equal to the Graph group id; set once the group exists.</summary>
    public string? DirectoryObjectId { get; set; }

    /// <summary>Needed for the RBAC management scope filter (MemberOfGroup -eq '&lt;DN&gt;').</summary>
    public string? DistinguishedName { get; set; }

    public bool AllowExternalSenders { get; set; }

    /// <summary>Owners decide membership requests in the portal (Exchange cannot route them for security groups).</summary>
    public bool OwnersApproveMembers { get; set; }

    public RestrictionMode RestrictionMode { get; set; }

    /// <summary>Client id of the application being confined (Dropzone's app).</summary>
    public string RestrictedAppId { get; set; } = "";

    public string? RestrictedAppDisplayName { get; set; }

    public ManagedGroupStatus Status { get; set; } = ManagedGroupStatus.Configuring;

    public int MemberCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedByObjectId { get; set; } = "";

    public DateTimeOffset? ConfiguredAt { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    public DateTimeOffset? LastCheckedAt { get; set; }

    public DateTimeOffset? NextCheckAt { get; set; }

    /// <summary>
    /// The application's effective access when last established (docs/effective-access.md), e.g. "Can read: A ∪ B",
    /// followed by why it is not what was asked for; shared by every group of the same application.
    /// </summary>
    public string? AccessSummary { get; set; }

    public DateTimeOffset? AccessCheckedAt { get; set; }

    /// <summary>What differs from the portal's record, in words; null when nothing does.</summary>
    public string? DriftSummary { get; set; }

    /// <summary>Owners as last read from Exchange (ManagedBy), by Entra object id; <see cref="GroupOwnership"/> decides with them.</summary>
    public List<GroupOwner> Owners { get; set; } = [];

    public DateTimeOffset? OwnersRefreshedAt { get; set; }
}

/// <summary>An owner of a managed group (Exchange's ManagedBy), identified by Entra object id.</summary>
public sealed class GroupOwner
{
    public string ObjectId { get; set; } = "";

    public string UserPrincipalName { get; set; } = "";

    public string DisplayName { get; set; } = "";
}
