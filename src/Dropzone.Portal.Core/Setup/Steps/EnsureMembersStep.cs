namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>Makes the group's membership exactly the requested list, through <see cref="MembershipSync"/>.</summary>
public sealed class EnsureMembersStep : ISetupStep
{
    public SetupStepKind Kind => SetupStepKind.EnsureMembers;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var desired = SetupCommands.MemberNames(context.Request.Members);
        if (context.Facts.MembersSetAtCreate && !context.IsRepeatAttempt)
        {
            return new StepResult.Skipped(desired.Count == 0
                ? "No members requested; nothing sent."
                : $"The {desired.Count} member(s) were set by the create call (-Members); nothing sent.");
        }

        if (StillApplying(context) is { } wait)
        {
            return wait;
        }

        var (current, stop) = await CurrentMembersAsync(context, cancellationToken);
        if (current is null)
        {
            return stop!;
        }

        await MemberChangeAccounting.CountOrReconcileAsync(context, desired, current, cancellationToken);

        // After a bulk update without a clear answer, only single calls: another bulk could meet the same fate.
        var reconciling = context.Facts.BulkMembersUnansweredAt is not null;
        var sentAt = context.UtcNow;
        var sync = await MembershipSync.SyncAsync(context.Tenant, context.GroupIdentity, desired, current,
            reconciling ? 0 : context.Options.BulkMemberThreshold, cancellationToken);
        if (sync.AlreadyInSync)
        {
            return new StepResult.Skipped(reconciling
                ? $"Read back after the bulk update that timed out: the group has exactly the {desired.Count} member(s); nothing more sent."
                : $"The group already has exactly the {desired.Count} member(s); nothing sent.");
        }

        if (sync.MayStillBeApplying)
        {
            context.Facts.BulkMembersUnansweredAt = sentAt;
            return StillApplying(context)!;
        }

        if (sync.Stopped is { } stopped)
        {
            return SetupStepContext.FromFailure(stopped, "Setting the members");
        }

        Audit(context, sync);
        return Outcome(sync, desired.Count, reconciling);
    }

    /// <summary>
    /// While a bulk update that got no clear answer may still be running on the server, the step waits (as a scheduled
    /// retry) rather than read a membership that is about to change and send single adds beside the bulk call.
    /// </summary>
    private static StepResult? StillApplying(SetupStepContext context)
    {
        if (context.Facts.BulkMembersUnansweredAt is not { } sent)
        {
            return null;
        }

        var settled = sent + context.Options.ExchangeOperationLimit;
        var now = context.UtcNow;
        return now >= settled ? null : new StepResult.Retry(
            $"Update-DistributionGroupMember sent at {sent:HH:mm:ss} UTC got no answer in time; Exchange may still be applying it "
            + $"(its operations run up to {context.Options.ExchangeOperationLimit.TotalMinutes:0} minutes). The membership is read back at "
            + $"{settled:HH:mm:ss} UTC; no single member change is sent before then.",
            settled - now, CountsAsError: false);
    }

    /// <summary>
    /// The membership to start from. A group this run created without members a moment ago is known to be empty,
    /// but it must be visible before members can be added to it.
    /// </summary>
    private static async Task<(IReadOnlyList<RecipientInfo>? Members, StepResult? Stop)> CurrentMembersAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        if (!context.Facts.MembershipKnownEmpty || context.IsRepeatAttempt)
        {
            return await GroupReads.ReadMembersAsync(context, cancellationToken);
        }

        if (!context.Facts.GroupVisible)
        {
            var (group, stop) = await GroupReads.ReadGroupAsync(context, cancellationToken);
            if (group is null)
            {
                return (null, stop);
            }
        }

        return ([], null);
    }

    private static StepResult Outcome(MembershipSyncResult sync, int total, bool reconciling)
    {
        if (sync.Failures.Count > 0)
        {
            var transient = sync.Failures.FirstOrDefault(x => x.Outcome.IsTransient);
            if (transient is not null)
            {
                return new StepResult.Retry($"{sync.Failures.Count} member change(s) did not get through ({transient.Outcome.Kind}); the rest are done and the step will read back and continue.");
            }

            var names = string.Join(", ", sync.Failures.Take(10).Select(f => f.Command["Member"]?.ToString()));
            return new StepResult.Failed(
                $"Exchange refused {sync.Failures.Count} member(s), e.g. {names}: {sync.Failures[0].Outcome.Message}",
                "Remove or correct these addresses (they must be mailboxes or mail users in the tenant), then retry from this step.");
        }

        var how = reconciling ? " (bulk call timed out; read back after it settled and reconciled one by one)" : sync.UsedBulk ? " (one bulk call)" : "";
        return new StepResult.Done($"Members set{how}: {sync.Added} added, {sync.Removed} removed, {total} in total.");
    }

    private static void Audit(SetupStepContext context, MembershipSyncResult sync)
    {
        var (bulk, singles) = (sync.UsedBulk, sync.SingleCalls);
        context.Facts.MembersAddedAudited += sync.Added;
        context.Facts.MembersRemovedAudited += sync.Removed;
        if (sync.Added > 0)
        {
            context.AuditSummary(AuditActions.MemberAdded, context.GroupTarget(),
                $"{sync.Added} member(s) added ({(bulk ? "Update-DistributionGroupMember" : "")}{(bulk && singles > 0 ? " + " : "")}{(singles > 0 ? $"{singles} single call(s)" : "")})");
        }

        if (sync.Removed > 0)
        {
            context.AuditSummary(AuditActions.MemberRemoved, context.GroupTarget(), $"{sync.Removed} member(s) not in the request removed");
        }
    }
}
