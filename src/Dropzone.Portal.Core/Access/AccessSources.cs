namespace Dropzone.Portal.Core.Access;

/// <summary>A mailbox of the tenant, by address and Entra object id.</summary>
public sealed record MailboxRef(string Address, string? ObjectId, string? DisplayName = null);

/// <summary>
/// The mailboxes a policy or a management scope covers, by address and object id (a member may be named by either).
/// Null <see cref="Keys"/> means the portal could not establish the set (an unsupported filter, a scope it cannot read).
/// </summary>
public sealed class MailboxSet
{
    private MailboxSet(HashSet<string>? keys) => Keys = keys;

    public IReadOnlySet<string>? Keys { get; }

    public bool IsKnown => Keys is not null;

    public static MailboxSet Unknown { get; } = new(null);

    public static MailboxSet Of(IEnumerable<MailboxRef> mailboxes) =>
        new(new HashSet<string>(mailboxes.SelectMany(m => new[] { m.Address, m.ObjectId }).OfType<string>().Where(k => k.Length > 0), StringComparer.OrdinalIgnoreCase));

    public bool Contains(MailboxRef mailbox) =>
        Keys is { } keys && (keys.Contains(mailbox.Address) || (mailbox.ObjectId is { } id && keys.Contains(id)));
}

/// <summary>An application access policy for the application, with the mailboxes of its scope (group members, or the one mailbox).</summary>
public sealed record PolicySource(string Identity, string AccessRight, string ScopeName, MailboxSet Scope, bool IsPortals)
{
    public bool IsDeny => string.Equals(AccessRight, "DenyAccess", StringComparison.OrdinalIgnoreCase);

    public bool IsRestrict => string.Equals(AccessRight, "RestrictAccess", StringComparison.OrdinalIgnoreCase);

    public string Describe => $"{AccessRight} policy on {ScopeName}";
}

/// <summary>
/// An RBAC for Applications role assignment of the application's service principal. A null <see cref="ScopeName"/>
/// is an organization-wide assignment (every mailbox).
/// </summary>
public sealed record RbacSource(string Name, string Role, string? ScopeName, MailboxSet Scope, bool IsPortals, string? ScopeGroup = null)
{
    public MailAbility Ability => MailPermissions.RbacAbility(Role);

    /// <summary>The scope for people: the group its filter names when known, else the scope's name.</summary>
    public string ScopeLabel => ScopeGroup ?? ScopeName ?? "the whole organization";

    public string Describe => ScopeName is null ? $"the RBAC role {Role} for the whole organization ({Name})" : $"the RBAC role {Role} in scope {ScopeName} ({ScopeLabel})";
}

/// <summary>Everything that decides what the application can reach, as read from the tenant.</summary>
public sealed record AccessSources(
    string AppId,
    string? AppDisplayName,
    IReadOnlyList<EntraMailPermission> EntraGrants,
    IReadOnlyList<PolicySource> Policies,
    IReadOnlyList<RbacSource> Assignments,
    IReadOnlyList<MailboxRef> Mailboxes)
{
    /// <summary>Sources that could not be read (a failed call, an unsupported filter): while any remain, nothing is established.</summary>
    public IReadOnlyList<string> Gaps { get; init; } = [];

    public string AppName => string.IsNullOrWhiteSpace(AppDisplayName) ? AppId : AppDisplayName;
}
