namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// The Exchange commands of a setup, built in one place so that the script an admin reviews and the calls
/// the run sends are the same objects.
/// </summary>
public static class SetupCommands
{
    /// <summary>Owners as Exchange is given them: the UPN (readable in the script), else the object id.</summary>
    public static IReadOnlyList<string> OwnerNames(SetupRequest request) =>
        [.. request.Owners.Select(o => string.IsNullOrWhiteSpace(o.UserPrincipalName) ? o.ObjectId : o.UserPrincipalName)];

    /// <summary>
    /// How a member is named to Exchange: its Entra object id when the wizard resolved one (stable when an
    /// address changes, and resolved by Exchange as an id rather than a search over names), else its address.
    /// </summary>
    public static string MemberName(SetupMember member) => string.IsNullOrWhiteSpace(member.ObjectId) ? member.Address : member.ObjectId;

    public static IReadOnlyList<string> MemberNames(IEnumerable<SetupMember> members) => [.. members.Select(MemberName)];

    /// <summary>The members sent with the create: all of them when they fit, otherwise none (they go as a bulk update plus single adds).</summary>
    public static IReadOnlyList<string> MembersInCreate(SetupPlan plan) =>
        plan.MembersFitInCreate ? MemberNames(plan.Request.Members) : [];

    public static ExchangeCommand GetGroup(string identity) => ExchangeCommands.GetDistributionGroup(identity);

    public static ExchangeCommand NewGroup(SetupPlan plan)
    {
        var r = plan.Request;
        var members = MembersInCreate(plan);
        return ExchangeCommands.NewDistributionGroup(
            name: r.GroupDisplayName,
            managedBy: OwnerNames(r),
            displayName: r.GroupDisplayName,
            alias: r.GroupAlias,
            primarySmtpAddress: r.GroupAddress,
            members: members.Count > 0 ? members : null,
            requireSenderAuthenticationEnabled: !r.AllowExternalSenders,
            description: string.IsNullOrWhiteSpace(r.GroupDescription) ? null : r.GroupDescription);
    }

    public static ExchangeCommand SetOwners(string group, SetupRequest request) =>
        ExchangeCommands.SetDistributionGroup(group, managedBy: OwnerNames(request));

    public static ExchangeCommand ReplaceMembers(string group, IEnumerable<string> members) =>
        ExchangeCommands.UpdateDistributionGroupMember(group, members);

    public static ExchangeCommand AddMember(string group, string member) => ExchangeCommands.AddDistributionGroupMember(group, member);

    public static ExchangeCommand RemoveMember(string group, string member) => ExchangeCommands.RemoveDistributionGroupMember(group, member);

    public static ExchangeCommand GetMembers(string group) => ExchangeCommands.GetDistributionGroupMember(group);
}
