namespace Dropzone.Portal.Core.Restriction.AccessPolicy;

/// <summary>The Exchange commands of the application access policy mode, shared by its step, script, test and drift check.</summary>
public static class AccessPolicyCommands
{
    public const string RestrictAccess = "RestrictAccess";

    public static ExchangeCommand GetPolicies() => ExchangeCommands.GetApplicationAccessPolicy();

    public static string PolicyDescription(SetupRequest r) =>
        string.IsNullOrWhiteSpace(r.PolicyDescription) ? $"Restrict {r.RestrictedAppDisplayName ?? r.RestrictedAppId} to members of {r.GroupAddress}" : r.PolicyDescription;

    public static ExchangeCommand NewPolicy(SetupRequest r) =>
        ExchangeCommands.NewApplicationAccessPolicy(r.RestrictedAppId, r.GroupAddress, ApplicationAccessRight.RestrictAccess, PolicyDescription(r));

    public static ExchangeCommand TestPolicy(string appId, string mailbox) => ExchangeCommands.TestApplicationAccessPolicy(mailbox, appId);

    /// <summary>A policy's scope is reported by name, address or id depending on the version; any of the group's names counts.</summary>
    public static bool IsThisGroup(ApplicationAccessPolicyInfo p, SetupRequest r, string? groupIdentity, string? groupDistinguishedName) =>
        IsGroupName(p.ScopeName, r, groupIdentity, groupDistinguishedName) || IsGroupName(p.ScopeIdentity, r, groupIdentity, groupDistinguishedName)
        || (p.Identity?.Contains(groupIdentity ?? "\0", StringComparison.OrdinalIgnoreCase) ?? false);

    private static bool IsGroupName(string? name, SetupRequest r, string? groupIdentity, string? groupDistinguishedName) =>
        !string.IsNullOrEmpty(name)
        && new[] { r.GroupAddress, r.GroupAlias, r.GroupDisplayName, groupIdentity, groupDistinguishedName }
            .Any(n => !string.IsNullOrEmpty(n) && string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
}
