using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Identity;
using Dropzone.Portal.Core.Setup;

namespace Dropzone.Portal.Testing;

/// <summary>Setups on the demo tenant as the wizard's Apply sends them: Dropzone AI restricted to a new group owned by Olivia Owner, started by Adele Admin.</summary>
public static class DemoSetups
{
    public static readonly PortalUser Admin = new(DemoTenant.UserId(1).ToString(), DemoTenant.AdminUpn, "Adele Admin");

    public static readonly SetupPerson Owner = new(DemoTenant.UserId(3).ToString(), DemoTenant.OwnerUpn, "Olivia Owner");

    /// <summary>The group <paramref name="alias"/>@ the demo domain, named <paramref name="displayName"/> (default "Dropzone " + alias), with these members.</summary>
    public static SetupRequest Request(string alias, IEnumerable<SetupMember> members, RestrictionMode mode = default, string? displayName = null) => new()
    {
        RestrictedAppId = DemoTenant.RestrictedAppId,
        RestrictedAppServicePrincipalId = DemoTenant.RestrictedServicePrincipalId,
        RestrictedAppDisplayName = DemoTenant.RestrictedAppDisplayName,
        GroupDisplayName = displayName ?? "Dropzone " + alias,
        GroupAlias = alias,
        GroupAddress = $"{alias}@{DemoTenant.Domain}",
        Owners = [Owner],
        Members = [.. members],
        RestrictionMode = mode,
    };

    /// <summary><see cref="Request(string, IEnumerable{SetupMember}, RestrictionMode, string?)"/> with members given by address.</summary>
    public static SetupRequest Request(string alias, IEnumerable<string> members, RestrictionMode mode = default, string? displayName = null) =>
        Request(alias, members.Select(m => new SetupMember(m)), mode, displayName);
}
