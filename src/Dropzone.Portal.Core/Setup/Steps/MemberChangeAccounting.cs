namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>
/// Keeps the run's member entries in the audit complete across a crash. An attempt records its member changes
/// when it ends; one cut off half-way (process killed) leaves changes Exchange applied that nobody recorded.
/// So the membership before the run's first change is counted and saved before anything is sent, and every
/// later attempt compares Exchange's answer with that count and with what the audit already holds: the
/// difference was applied by an interrupted attempt and is recorded now, attributed to the run.
/// The Member.Added (Member.Removed) entries of a run therefore add up to the members it added (removed).
/// </summary>
public static class MemberChangeAccounting
{
    public static async Task CountOrReconcileAsync(SetupStepContext context, IReadOnlyList<string> desired, IReadOnlyList<RecipientInfo> current, CancellationToken cancellationToken)
    {
        var facts = context.Facts;
        var difference = MembershipPlan.Create(desired, current, bulkThreshold: 0);
        var requestedIn = desired.Count - difference.SingleAdds.Count;
        var othersIn = difference.SingleRemoves.Count;
        if (facts.RequestedMembersBefore is null)
        {
            if (!facts.GroupCreatedByRun)
            {
                // An existing group: what is in it now was there before the run. Saved before the first change.
                (facts.RequestedMembersBefore, facts.OtherMembersBefore) = (requestedIn, othersIn);
                await context.SaveFactsAsync(cancellationToken);
                return;
            }

            // A group this run created started empty: every member in it was added by the run.
            (facts.RequestedMembersBefore, facts.OtherMembersBefore) = (0, 0);
        }

        var unrecordedAdds = requestedIn - facts.RequestedMembersBefore.Value - facts.MembersAddedAudited;
        if (unrecordedAdds > 0)
        {
            context.AuditSummary(AuditActions.MemberAdded, context.GroupTarget(),
                $"{unrecordedAdds} member(s) added by an interrupted attempt of this run (found in Exchange when resuming)");
            facts.MembersAddedAudited += unrecordedAdds;
        }

        var unrecordedRemovals = facts.OtherMembersBefore!.Value - othersIn - facts.MembersRemovedAudited;
        if (unrecordedRemovals > 0)
        {
            context.AuditSummary(AuditActions.MemberRemoved, context.GroupTarget(),
                $"{unrecordedRemovals} member(s) not in the request removed by an interrupted attempt of this run (found in Exchange when resuming)");
            facts.MembersRemovedAudited += unrecordedRemovals;
        }
    }
}
