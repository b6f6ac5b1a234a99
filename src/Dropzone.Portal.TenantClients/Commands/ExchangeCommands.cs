namespace Dropzone.Portal.TenantClients.Commands;

/// <summary>Application access policy rights (EXCHANGE.md §4).</summary>
public enum ApplicationAccessRight
{
    RestrictAccess,
    DenyAccess,
}

/// <summary>
/// Typed factories for every cmdlet the portal sends, so callers never spell parameter names and the
/// switches Exchange needs for an app identity (<c>-BypassSecurityGroupManagerCheck</c>,
/// <c>-Confirm:$false</c>) are never forgotten.
/// </summary>
public static class ExchangeCommands
{
    // ---- Mail-enabled security group ----------------------------------------------------------

    /// <summary>
    /// <c>New-DistributionGroup -Type Security</c>. <paramref name="managedBy"/> is always sent: without it
    /// Exchange makes the caller (the portal's app) the owner.
    /// </summary>
    public static ExchangeCommand NewDistributionGroup(
        string name,
        IEnumerable<string> managedBy,
        string? displayName = null,
        string? alias = null,
        string? primarySmtpAddress = null,
        IEnumerable<string>? members = null,
        bool copyOwnerToMember = false,
        string? memberJoinRestriction = null,
        bool? requireSenderAuthenticationEnabled = null,
        string? description = null)
    {
        var command = ExchangeCommand.Create("New-DistributionGroup")
            .With("Name", name)
            .WithOptional("DisplayName", displayName)
            .WithOptional("Alias", alias)
            .WithOptional("PrimarySmtpAddress", primarySmtpAddress)
            .With("Type", "Security")
            .WithList("ManagedBy", managedBy)
            .WithOptionalList("Members", members)
            .WithOptional("MemberJoinRestriction", memberJoinRestriction)
            .WithOptional("RequireSenderAuthenticationEnabled", requireSenderAuthenticationEnabled)
            .WithOptional("Description", description);
        return copyOwnerToMember ? command.WithSwitch("CopyOwnerToMember") : command;
    }

    public static ExchangeCommand GetDistributionGroup(string identity) =>
        ExchangeCommand.Create("Get-DistributionGroup").With("Identity", identity);

    /// <summary>
    /// <c>Set-DistributionGroup</c>. Owners are either a whole new list (<paramref name="managedBy"/>) or
    /// add/remove changes (<paramref name="addOwners"/>, <paramref name="removeOwners"/>), not both.
    /// </summary>
    public static ExchangeCommand SetDistributionGroup(
        string identity,
        IEnumerable<string>? managedBy = null,
        IEnumerable<string>? addOwners = null,
        IEnumerable<string>? removeOwners = null,
        string? displayName = null,
        string? memberJoinRestriction = null,
        bool? requireSenderAuthenticationEnabled = null,
        string? description = null)
    {
        if (managedBy is not null && (addOwners is not null || removeOwners is not null))
        {
            throw new ArgumentException("Give either the whole owner list or add/remove changes, not both.");
        }

        var command = ExchangeCommand.Create("Set-DistributionGroup")
            .With("Identity", identity)
            .WithOptionalList("ManagedBy", managedBy);
        if (addOwners is not null || removeOwners is not null)
        {
            command = command.WithAddRemove("ManagedBy", addOwners, removeOwners);
        }

        return command
            .WithOptional("DisplayName", displayName)
            .WithOptional("MemberJoinRestriction", memberJoinRestriction)
            .WithOptional("RequireSenderAuthenticationEnabled", requireSenderAuthenticationEnabled)
            .WithOptional("Description", description)
            // Without it an app identity gets "The executing user is not in the current organization".
            .WithSwitch("BypassSecurityGroupManagerCheck");
    }

    public static ExchangeCommand RemoveDistributionGroup(string identity) =>
        ExchangeCommand.Create("Remove-DistributionGroup")
            .With("Identity", identity)
            .WithSwitch("BypassSecurityGroupManagerCheck")
            .WithSwitch("Confirm", false);

    // ---- Members ------------------------------------------------------------------------------

    /// <summary><c>Get-DistributionGroupMember -ResultSize Unlimited</c>: the client pages through all of it.</summary>
    public static ExchangeCommand GetDistributionGroupMember(string identity) =>
        ExchangeCommand.Create("Get-DistributionGroupMember")
            .With("Identity", identity)
            .With("ResultSize", "Unlimited");

    public static ExchangeCommand AddDistributionGroupMember(string identity, string member) =>
        ExchangeCommand.Create("Add-DistributionGroupMember")
            .With("Identity", identity)
            .With("Member", member)
            .WithSwitch("BypassSecurityGroupManagerCheck");

    public static ExchangeCommand RemoveDistributionGroupMember(string identity, string member) =>
        ExchangeCommand.Create("Remove-DistributionGroupMember")
            .With("Identity", identity)
            .With("Member", member)
            .WithSwitch("BypassSecurityGroupManagerCheck")
            .WithSwitch("Confirm", false);

    /// <summary>Replaces the whole member list. Large lists time out (see EXCHANGE.md): callers keep it under the bulk threshold.</summary>
    public static ExchangeCommand UpdateDistributionGroupMember(string identity, IEnumerable<string> members) =>
        ExchangeCommand.Create("Update-DistributionGroupMember")
            .With("Identity", identity)
            .WithList("Members", members)
            .WithSwitch("BypassSecurityGroupManagerCheck")
            .WithSwitch("Confirm", false)
            .WithReplaySafety(ReplaySafety.ReadBackFirst);

    // ---- Recipients and domains ---------------------------------------------------------------

    public static ExchangeCommand GetRecipient(string identity) =>
        ExchangeCommand.Create("Get-Recipient").With("Identity", identity);

    /// <summary>Recipient search: <paramref name="anr"/> is Exchange's ambiguous name resolution (name, alias, address prefix).</summary>
    public static ExchangeCommand FindRecipients(string? anr = null, string? recipientTypeDetails = null, bool unlimited = false) =>
        Search("Get-Recipient", anr, recipientTypeDetails, unlimited);

    public static ExchangeCommand GetMailbox(string identity) =>
        ExchangeCommand.Create("Get-Mailbox").With("Identity", identity);

    /// <summary>Mailbox search, e.g. <c>recipientTypeDetails: "SharedMailbox"</c> to list shared mailboxes.</summary>
    public static ExchangeCommand FindMailboxes(string? anr = null, string? recipientTypeDetails = null, bool unlimited = false) =>
        Search("Get-Mailbox", anr, recipientTypeDetails, unlimited);

    private static ExchangeCommand Search(string cmdlet, string? anr, string? recipientTypeDetails, bool unlimited)
    {
        var command = ExchangeCommand.Create(cmdlet)
            .WithOptional("Anr", anr)
            .WithOptional("RecipientTypeDetails", recipientTypeDetails);
        return unlimited ? command.With("ResultSize", "Unlimited") : command;
    }

    public static ExchangeCommand GetAcceptedDomain() => ExchangeCommand.Create("Get-AcceptedDomain");

    /// <summary>Without an identity the Get-* cmdlets of the restriction objects list every one of them.</summary>
    private static ExchangeCommand GetOneOrAll(string cmdlet, string? identity) =>
        ExchangeCommand.Create(cmdlet).WithOptional("Identity", identity);

    /// <summary>An app identity cannot answer Exchange's confirmation prompt, so every removal says <c>-Confirm:$false</c>.</summary>
    private static ExchangeCommand RemoveOne(string cmdlet, string identity) =>
        ExchangeCommand.Create(cmdlet)
            .With("Identity", identity)
            .WithSwitch("Confirm", false);

    // ---- Application access policy (legacy method) --------------------------------------------

    public static ExchangeCommand NewApplicationAccessPolicy(
        string appId, string policyScopeGroupId, ApplicationAccessRight accessRight, string? description = null) =>
        ExchangeCommand.Create("New-ApplicationAccessPolicy")
            .With("AppId", appId)
            .With("PolicyScopeGroupId", policyScopeGroupId)
            .With("AccessRight", accessRight.ToString())
            .WithOptional("Description", description);

    public static ExchangeCommand GetApplicationAccessPolicy(string? identity = null) => GetOneOrAll("Get-ApplicationAccessPolicy", identity);

    /// <summary>Only the description can change; any other change is remove and recreate.</summary>
    public static ExchangeCommand SetApplicationAccessPolicy(string identity, string description) =>
        ExchangeCommand.Create("Set-ApplicationAccessPolicy")
            .With("Identity", identity)
            .With("Description", description);

    public static ExchangeCommand RemoveApplicationAccessPolicy(string identity) => RemoveOne("Remove-ApplicationAccessPolicy", identity);

    public static ExchangeCommand TestApplicationAccessPolicy(string mailbox, string appId) =>
        ExchangeCommand.Create("Test-ApplicationAccessPolicy")
            .With("Identity", mailbox)
            .With("AppId", appId);

    // ---- RBAC for Applications ----------------------------------------------------------------

    /// <summary><paramref name="objectId"/> is the enterprise app's (service principal's) object id from Graph.</summary>
    public static ExchangeCommand NewServicePrincipal(string appId, string objectId, string? displayName = null) =>
        ExchangeCommand.Create("New-ServicePrincipal")
            .With("AppId", appId)
            .With("ObjectId", objectId)
            .WithOptional("DisplayName", displayName);

    public static ExchangeCommand GetServicePrincipal(string? identity = null) => GetOneOrAll("Get-ServicePrincipal", identity);

    public static ExchangeCommand RemoveServicePrincipal(string identity) => RemoveOne("Remove-ServicePrincipal", identity);

    public static ExchangeCommand NewManagementScope(string name, string recipientRestrictionFilter) =>
        ExchangeCommand.Create("New-ManagementScope")
            .With("Name", name)
            .With("RecipientRestrictionFilter", recipientRestrictionFilter);

    /// <summary>
    /// <c>MemberOfGroup -eq '&lt;dn&gt;'</c>: direct members only. OPATH strings escape a quote by doubling it,
    /// so a DN containing an apostrophe cannot end the filter's literal early.
    /// </summary>
    public static string MemberOfGroupFilter(string groupDistinguishedName) =>
        $"MemberOfGroup -eq '{groupDistinguishedName.Replace("'", "''", StringComparison.Ordinal)}'";

    public static ExchangeCommand GetManagementScope(string? identity = null) => GetOneOrAll("Get-ManagementScope", identity);

    public static ExchangeCommand RemoveManagementScope(string identity) => RemoveOne("Remove-ManagementScope", identity);

    /// <summary>One assignment per role, e.g. <c>Application Mail.Read</c>, scoped to a management scope.</summary>
    public static ExchangeCommand NewManagementRoleAssignment(string name, string role, string app, string customResourceScope) =>
        ExchangeCommand.Create("New-ManagementRoleAssignment")
            .With("Name", name)
            .With("Role", role)
            .With("App", app)
            .With("CustomResourceScope", customResourceScope);

    public static ExchangeCommand GetManagementRoleAssignment(string? identity = null, string? roleAssignee = null) =>
        ExchangeCommand.Create("Get-ManagementRoleAssignment")
            .WithOptional("Identity", identity)
            .WithOptional("RoleAssignee", roleAssignee);

    public static ExchangeCommand RemoveManagementRoleAssignment(string identity) => RemoveOne("Remove-ManagementRoleAssignment", identity);

    public static ExchangeCommand TestServicePrincipalAuthorization(string identity, string resource) =>
        ExchangeCommand.Create("Test-ServicePrincipalAuthorization")
            .With("Identity", identity)
            .With("Resource", resource);
}
