namespace Dropzone.Portal.Core.Setup;

/// <summary>What a membership sync did. <see cref="Failures"/> are the single member calls Exchange did not accept.</summary>
public sealed record MembershipSyncResult(int Added, int Removed, bool UsedBulk, bool BulkTimedOut, int SingleCalls, IReadOnlyList<ExchangeResult> Failures)
{
    /// <summary>The membership already matched: nothing was sent.</summary>
    public bool AlreadyInSync { get; init; }

    /// <summary>A call that stopped the sync: the bulk update refused for a reason other than a timeout.</summary>
    public ExchangeResult? Stopped { get; init; }

    /// <summary>
    /// The bulk update got no clear answer (a timeout, a gateway error, a lost connection; not a declining 429 or 503,
    /// after which nothing is left running and the next attempt reads the membership back first): Exchange may be
    /// applying it still, so nothing
    /// else was sent; the caller reads the membership back once the server's operation limit has passed.
    /// </summary>
    public bool MayStillBeApplying { get; init; }
}

/// <summary>
/// Makes a group's membership equal a desired list in the fewest calls (see <see cref="MembershipPlan"/>): one
/// Update-DistributionGroupMember up to the bulk threshold, single adds and removes (ten to a $batch) beyond
/// it. A bulk call that got no clear answer may have been applied, partly applied, not applied, or may be running
/// still (EXCHANGE.md's "large arrays" trap; Exchange's operations run up to 15 minutes): the sync stops there and
/// says so, so that no single add runs beside it; the caller reads back later and syncs with a threshold of 0.
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
        if (plan.BulkReplacement is { } bulk)
        {
            var update = await calls.InvokeAsync(SetupCommands.ReplaceMembers(group, bulk), ct);
            if (update.Outcome is ExchangeOutcome.Timeout or ExchangeOutcome.Transient && !update.Declined)
            {
                calls.Note("Update-DistributionGroupMember got no clear answer; Exchange may still be applying it, so no single member change is sent now.");
                return new(0, 0, true, true, 0, []) { MayStillBeApplying = true };
            }

            if (!update.IsSuccess)
            {
                return new(0, 0, true, false, 0, []) { Stopped = update };
            }

            added += plan.AddedByBulk;
            removed += plan.RemovedByBulk;
        }

        var singles = plan.SingleAdds.Select(a => SetupCommands.AddMember(group, a))
            .Concat(plan.SingleRemoves.Select(a => SetupCommands.RemoveMember(group, a)))
            .ToList();
        var results = await calls.InvokeManyAsync(singles, ct);
        added += results.Count(x => x.IsSuccess && x.Command.CmdletName.StartsWith("Add", StringComparison.Ordinal));
        removed += results.Count(x => x.IsSuccess && x.Command.CmdletName.StartsWith("Remove", StringComparison.Ordinal));
        return new(added, removed, plan.BulkReplacement is not null, false, singles.Count, [.. results.Where(x => !x.IsSuccess)]);
    }
}
