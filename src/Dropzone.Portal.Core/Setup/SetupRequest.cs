namespace Dropzone.Portal.Core.Setup;

/// <summary>A person as the wizard's picker resolved them; Exchange accepts any of these as a recipient name.</summary>
public sealed record SetupPerson(string ObjectId, string UserPrincipalName, string DisplayName);

/// <summary>A mailbox to put in the group. The address is what Exchange is given; the object id, when known, is for the audit.</summary>
public sealed record SetupMember(string Address, string? ObjectId = null, string? DisplayName = null);

/// <summary>
/// Everything the wizard hands over on Apply. Validated by the wizard; the plan builder only normalises
/// (de-duplicates members, trims) so that the same request always yields the same plan.
/// </summary>
public sealed record SetupRequest
{
    /// <summary>Client id of the application to confine (Dropzone's app).</summary>
    public required string RestrictedAppId { get; init; }

    /// <summary>Its service principal (enterprise app) object id, needed by New-ServicePrincipal in RBAC mode.</summary>
    public string? RestrictedAppServicePrincipalId { get; init; }

    public string? RestrictedAppDisplayName { get; init; }

    public required string GroupDisplayName { get; init; }

    public required string GroupAlias { get; init; }

    public required string GroupAddress { get; init; }

    public string? GroupDescription { get; init; }

    /// <summary>The "people outside the organization may email this group" box (RequireSenderAuthenticationEnabled = false).</summary>
    public bool AllowExternalSenders { get; init; }

    public bool OwnersApproveMembers { get; init; }

    public IReadOnlyList<SetupPerson> Owners { get; init; } = [];

    public IReadOnlyList<SetupMember> Members { get; init; } = [];

    public RestrictionMode RestrictionMode { get; init; } = RestrictionMode.ApplicationAccessPolicy;

    /// <summary>RBAC mode: one role assignment per role.</summary>
    public IReadOnlyList<string> RbacRoles { get; init; } = [SetupDefaults.DefaultRbacRole];

    public string? PolicyDescription { get; init; }

    /// <summary>When a group with the address exists, take it over (owners and members made to match) instead of failing.</summary>
    public bool AdoptExisting { get; init; }
}

public static class SetupDefaults
{
    public const string DefaultRbacRole = "Application Mail.Read";
}
