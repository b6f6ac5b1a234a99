namespace Dropzone.Portal.Core.Restriction.Rbac;

/// <summary>
/// The Exchange commands of RBAC for Applications, shared by its steps, script, test and drift check. The scope
/// and assignment names derive from the group alias, so a re-run finds what an earlier run created.
/// </summary>
public static class RbacCommands
{
    public static ExchangeCommand GetServicePrincipal(SetupRequest r) => ExchangeCommands.GetServicePrincipal(r.RestrictedAppId);

    public static ExchangeCommand NewServicePrincipal(SetupRequest r, string servicePrincipalObjectId) =>
        ExchangeCommands.NewServicePrincipal(r.RestrictedAppId, servicePrincipalObjectId, r.RestrictedAppDisplayName);

    /// <summary>Within Exchange's 64 characters however long the alias (<see cref="ExchangeNames.Fit"/>).</summary>
    public static string ScopeName(SetupRequest r, SetupOptions options) => ScopeName(r.GroupAlias, options);

    /// <inheritdoc cref="ScopeName(SetupRequest, SetupOptions)"/>
    public static string ScopeName(string groupAlias, SetupOptions options) => ExchangeNames.Fit($"{options.RbacNamePrefix} {groupAlias}");

    public static string AssignmentName(SetupRequest r, SetupOptions options, string role) => ExchangeNames.Fit($"{options.RbacNamePrefix} {r.GroupAlias} {role}");

    public static ExchangeCommand GetScope(SetupRequest r, SetupOptions options) => ExchangeCommands.GetManagementScope(ScopeName(r, options));

    public static string ScopeFilter(string groupDistinguishedName) => ExchangeCommands.MemberOfGroupFilter(groupDistinguishedName);

    public static ExchangeCommand NewScope(SetupRequest r, SetupOptions options, string groupDistinguishedName) =>
        ExchangeCommands.NewManagementScope(ScopeName(r, options), ScopeFilter(groupDistinguishedName));

    public static ExchangeCommand GetAssignment(SetupRequest r, SetupOptions options, string role) =>
        ExchangeCommands.GetManagementRoleAssignment(AssignmentName(r, options, role));

    public static ExchangeCommand NewAssignment(SetupRequest r, SetupOptions options, string role) =>
        ExchangeCommands.NewManagementRoleAssignment(AssignmentName(r, options, role), role, r.RestrictedAppId, ScopeName(r, options));

    public static ExchangeCommand TestAuthorization(string appId, string mailbox) => ExchangeCommands.TestServicePrincipalAuthorization(appId, mailbox);
}
