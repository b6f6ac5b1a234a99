namespace Dropzone.Portal.Core.Setup;

/// <summary>What a membership sync did. <see cref="Failures"/> are the single member calls Exchange did not accept.</summary>
public sealed record MembershipSyncResult(int Added, int Removed, bool UsedBulk, bool BulkTimedOut, int SingleCalls, IReadOnlyList<ExchangeResult> Failures)
{
    /// <summary>The membership already matched: nothing was sent.</summary>
    public bool AlreadyInSync { get; init; }

    /// <summary>A call that stopped the sync: the bulk update refused for a reason other than a timeout, or the read-back after it.</summary>
    public ExchangeResult? Stopped { get; init; }
}

/// <summary>
/// Makes a group's membership equal a desired list in the fewest calls (see <see cref="MembershipPlan"/>): one
/// Update-DistributionGroupMember up to the bulk threshold, single adds and removes (ten to a $batch) beyond
/// it. A bulk call that timed out may have been applied, partly applied or not applied (EXCHANGE.md's
/// "large arrays" trap): the membership is read back and only the difference is sent one member a call.
/// </summary>
public static class MembershipSync
{
    /// <param name="desired">Members as Exchange is given them (object ids or addresses).</param>
    /// <param name="current">The group's membership as last read (empty for a group just created without members).</param>
    public static async Task<MembershipSyncResult> SyncAsync(
        TenantCallLog calls, string group, IReadOnlyList<string> desired, IReadOnlyList<RecipientInfo> current, int bulkThreshold, CancellationToken ct)
    {
        var plan = MembershipPlan.Create(desired, current, bulkThreshold);
        if (plan.IsSatisfied)
        {
            return new(0, 0, false, false, 0, []) { AlreadyInSync = true };
        }

        var added = 0;
        var removed = 0;
        IReadOnlyList<string> toAdd = plan.SingleAdds;
        IReadOnlyList<string> toRemove = plan.SingleRemoves;
        var bulkTimedOut = false;
        if (plan.BulkReplacement is { } bulk)
        {
            var update = await calls.InvokeAsync(SetupCommands.ReplaceMembers(group, bulk), ct);
            if (update.IsSuccess)
            {
                added += plan.AddedByBulk;
                removed += plan.RemovedByBulk;
            }
            else if (update.Outcome is not (ExchangeOutcome.Timeout or ExchangeOutcome.Transient))
            {
                return new(0, 0, true, false, 0, []) { Stopped = update };
            }
            else
            {
                bulkTimedOut = true;
                var reread = await calls.InvokeAsync(SetupCommands.GetMembers(group), ct);
                if (!reread.IsSuccess)
                {
                    return new(0, 0, true, true, 0, []) { Stopped = reread };
                }

                var members = reread.Rows.Select(RecipientInfo.From).ToList();
                var reconcile = MembershipPlan.Create(desired, members, bulkThreshold: 0);
                added += plan.AddedByBulk - reconcile.SingleAdds.Count(a => bulk.Contains(a, StringComparer.OrdinalIgnoreCase));
                (toAdd, toRemove) = (reconcile.SingleAdds, reconcile.SingleRemoves);
                calls.Note($"Update-DistributionGroupMember timed out; read back {members.Count} member(s): {toAdd.Count} to add and {toRemove.Count} to remove one by one.");
            }
        }

        var singles = toAdd.Select(a => SetupCommands.AddMember(group, a))
            .Concat(toRemove.Select(a => SetupCommands.RemoveMember(group, a)))
            .ToList();
        var results = await calls.InvokeManyAsync(singles, ct);
        added += results.Count(x => x.IsSuccess && x.Command.CmdletName.StartsWith("Add", StringComparison.Ordinal));
        removed += results.Count(x => x.IsSuccess && x.Command.CmdletName.StartsWith("Remove", StringComparison.Ordinal));
        return new(added, removed, plan.BulkReplacement is not null, bulkTimedOut, singles.Count, [.. results.Where(x => !x.IsSuccess)]);
    }
}
