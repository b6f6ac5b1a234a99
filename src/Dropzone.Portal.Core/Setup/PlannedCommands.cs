namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// Every Exchange command a run of a plan may send, with the plan's own values: the group's steps (create, owners,
/// members in bulk and one by one, the read-backs), the restriction mode's steps and the verification. The permission
/// preflight asks the tenant for exactly these cmdlets; the contract tests hold each to Exchange Online's reference.
/// </summary>
public static class PlannedCommands
{
    public static IReadOnlyList<ExchangeCommand> For(SetupPlan plan, IRestrictionMode mode, SetupOptions options)
    {
        var r = plan.Request;
        var group = r.GroupAddress;
        var members = SetupCommands.MemberNames(r.Members);
        var sample = GroupVerifier.Sample(r.Members, options.VerificationSampleSize);
        return
        [
            SetupCommands.GetGroup(group),
            SetupCommands.NewGroup(plan),
            SetupCommands.SetOwners(group, r),
            SetupCommands.GetMembers(group),
            SetupCommands.ReplaceMembers(group, members.Take(options.BulkMemberThreshold)),
            .. members.Select(m => SetupCommands.AddMember(group, m)),
            .. members.Select(m => SetupCommands.RemoveMember(group, m)),
            .. mode.Commands(plan, options),
            .. sample.Select(m => mode.AccessTest(r.RestrictedAppId, SetupCommands.MemberName(m))),
            GroupVerifier.MailboxProbe(r.Members.Count + 1),
        ];
    }

    /// <summary>The cmdlets a run of the plan needs, by name.</summary>
    public static IReadOnlySet<string> Cmdlets(SetupPlan plan, IRestrictionMode mode, SetupOptions options) =>
        For(plan, mode, options).Select(c => c.CmdletName).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
