namespace Dropzone.Portal.Core.Access;

/// <summary>
/// A group the portal restricts the application to, with every name Exchange may report it by. Policies, scopes and
/// assignments on it are the portal's own (not drift), and its members are what the admin asked the application to read.
/// </summary>
public sealed record PortalOwnedGroup(Guid Id, string DisplayName, string Address, string Alias, string? DistinguishedName, string? ObjectId, RestrictionMode Mode)
{
    public static PortalOwnedGroup From(ManagedGroup g) =>
        new(g.Id, g.DisplayName, g.PrimarySmtpAddress, g.Alias, g.DistinguishedName, g.DirectoryObjectId, g.RestrictionMode);

    /// <summary>Whether Exchange's <paramref name="name"/> (a scope name, identity or DN) is this group.</summary>
    public bool IsNamed(string? name) =>
        !string.IsNullOrEmpty(name)
        && new[] { Address, Alias, DisplayName, DistinguishedName, ObjectId }.Any(n => !string.IsNullOrEmpty(n) && string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The management scope the RBAC mode creates for this group.</summary>
    public string RbacScopeName(SetupOptions options) => Restriction.Rbac.RbacCommands.ScopeName(Alias, options);

    /// <summary>
    /// The portal's own groups for one application, from the database. Groups whose setup failed or is still running
    /// are left out: their restriction may not exist yet, so their members are not yet part of what was asked for.
    /// </summary>
    public static async Task<IReadOnlyList<PortalOwnedGroup>> ForAppAsync(PortalDbContext db, string appId, CancellationToken cancellationToken) =>
        [.. (await db.ManagedGroups.AsNoTracking()
                .Where(g => g.RestrictedAppId == appId && g.Status != ManagedGroupStatus.Failed && g.Status != ManagedGroupStatus.Configuring && g.Status != ManagedGroupStatus.Abandoned)
                .ToListAsync(cancellationToken))
            .Select(From)];
}
