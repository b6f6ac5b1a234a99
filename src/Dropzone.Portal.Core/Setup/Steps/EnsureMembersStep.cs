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

        var (current, stop) = await CurrentMembersAsync(context, cancellationToken);
        if (current is null)
        {
            return stop!;
        }

        await MemberChangeAccounting.CountOrReconcileAsync(context, desired, current, cancellationToken);

        var sync = await MembershipSync.SyncAsync(context.Tenant, context.GroupIdentity, desired, current, context.Options.BulkMemberThreshold, cancellationToken);
        if (sync.AlreadyInSync)
        {
            return new StepResult.Skipped($"The group already has exactly the {desired.Count} member(s); nothing sent.");
        }

        if (sync.Stopped is { } stopped)
        {
            return sync.BulkTimedOut && stopped.Outcome is ExchangeOutcome.NotFound && context.Facts.GroupCreatedByRun
                ? GroupReads.ReplicationPending(context)
                : SetupStepContext.FromFailure(stopped, sync.BulkTimedOut ? "Reading the members" : "Setting the members");
        }

        Audit(context, sync);
        return Outcome(sync, desired.Count);
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

    private static StepResult Outcome(MembershipSyncResult sync, int total)
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

        var how = !sync.UsedBulk ? "" : sync.BulkTimedOut ? " (bulk call timed out; reconciled)" : " (one bulk call)";
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
