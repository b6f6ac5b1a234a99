namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>
/// Creates the mail-enabled security group with its owners (and its members when they fit in one call), or
/// adopts an existing one when the admin chose to. An ambiguous create is looked up, never resent blindly.
/// </summary>
public sealed class EnsureGroupStep : ISetupStep
{
    public SetupStepKind Kind => SetupStepKind.EnsureGroup;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var before = await context.InvokeAsync(SetupCommands.GetGroup(context.Request.GroupAddress), cancellationToken);
        if (before.IsSuccess && before.FirstRow is { } existingRow)
        {
            return Adopt(context, DistributionGroupInfo.From(existingRow), createdEarlier: context.IsRepeatAttempt || context.Facts.GroupCreatedByRun);
        }

        if (before.Outcome is not ExchangeOutcome.NotFound)
        {
            return SetupStepContext.FromFailure(before, "Looking for the group");
        }

        if (context.Facts.GroupCreateAcknowledged)
        {
            // An earlier attempt's create answered "already exists": the group is there but not replicated yet.
            // Poll; never send the create again.
            context.Facts.GroupCreatedByRun = true;
            return GroupReads.ReplicationPending(context);
        }

        var created = await context.InvokeAsync(SetupCommands.NewGroup(context.Plan), cancellationToken);
        return created.IsSuccess && created.FirstRow is { } row
            ? Created(context, DistributionGroupInfo.From(row))
            : await AfterFailedCreateAsync(context, created, cancellationToken);
    }

    private static StepResult Created(SetupStepContext context, DistributionGroupInfo info)
    {
        var r = context.Request;
        GroupReads.Remember(context, info);
        context.Facts.GroupCreatedByRun = true;
        context.Facts.OwnersSetAtCreate = true;
        context.Facts.MembersSetAtCreate = context.Plan.MembersFitInCreate;
        context.Facts.MembershipKnownEmpty = !context.Plan.MembersFitInCreate;
        context.Facts.ReplicationWaitStartedAt = context.UtcNow;
        context.AuditLastCommand(AuditActions.GroupCreated, context.GroupTarget());
        context.Facts.GroupCreationAudited = true;
        var members = SetupCommands.MembersInCreate(context.Plan).Count;
        if (members > 0)
        {
            context.AuditSummary(AuditActions.MemberAdded, context.GroupTarget(), $"{members} member(s) added with the group (one New-DistributionGroup call)");
            context.Facts.MembersAddedAudited += members;
        }

        return new StepResult.Done(members > 0
            ? $"Created {r.GroupAddress} with its {r.Owners.Count} owner(s) and {members} member(s) in one call."
            : $"Created {r.GroupAddress} with its {r.Owners.Count} owner(s).");
    }

    /// <summary>
    /// The create may have happened although the answer says otherwise (timeout), or it happened in an earlier
    /// attempt and the group is not replicated yet ("already exists" but "not found"). Look first.
    /// </summary>
    private static async Task<StepResult> AfterFailedCreateAsync(SetupStepContext context, ExchangeResult created, CancellationToken cancellationToken)
    {
        if (created.Outcome is ExchangeOutcome.AlreadyExists or { IsTransient: true } or ExchangeOutcome.Other)
        {
            var after = await context.InvokeAsync(SetupCommands.GetGroup(context.Request.GroupAddress), cancellationToken);
            if (after.IsSuccess && after.FirstRow is { } afterRow)
            {
                return Adopt(context, DistributionGroupInfo.From(afterRow), createdEarlier: true);
            }

            if (created.Outcome is ExchangeOutcome.AlreadyExists && (context.IsRepeatAttempt || context.Facts.GroupCreateAmbiguous))
            {
                // Ours (an earlier attempt's create did go through) and still replicating.
                context.Facts.GroupCreateAcknowledged = true;
                context.Facts.GroupCreatedByRun = true;
                return GroupReads.ReplicationPending(context);
            }

            if (created.Outcome.IsTransient)
            {
                // Whether it happened is unknown: the next attempt looks, and a resent create can only answer
                // "already exists" (the address is unique), never make a second group.
                context.Facts.GroupCreateAmbiguous = true;
            }
        }

        // The step shows the create's refusal, which names the cause, not the read-back that found nothing.
        context.Tenant.ShowAsLast(created);
        return SetupStepContext.FromFailure(created, "Creating the group");
    }

    private static StepResult Adopt(SetupStepContext context, DistributionGroupInfo info, bool createdEarlier)
    {
        var r = context.Request;
        if (!string.Equals(info.RecipientTypeDetails, "MailUniversalSecurityGroup", StringComparison.OrdinalIgnoreCase))
        {
            return new StepResult.Failed(
                $"{r.GroupAddress} belongs to a {info.RecipientTypeDetails ?? "recipient"} that is not a mail-enabled security group.",
                "Choose another address: an application restriction can only be scoped to a mail-enabled security group.");
        }

        GroupReads.Remember(context, info);
        context.Facts.GroupVisible = true;
        if (createdEarlier)
        {
            // An earlier attempt of this run created it: the owners and members it sent are checked by the next steps
            // (the member step records the members it finds), the creation is recorded here if its answer was lost.
            context.Facts.GroupCreatedByRun = true;
            if (!context.Facts.GroupCreationAudited)
            {
                context.AuditSummary(AuditActions.GroupCreated, context.GroupTarget(info.DisplayName),
                    "Created by an earlier attempt of this run whose answer was lost (timeout or process stopped); found in Exchange.");
                context.Facts.GroupCreationAudited = true;
            }

            return new StepResult.Skipped($"{r.GroupAddress} exists (created by an earlier attempt of this run); nothing sent.");
        }

        if (!r.AdoptExisting)
        {
            return new StepResult.Failed(
                $"A group with the address {r.GroupAddress} already exists in Exchange.",
                "Go back to the wizard and choose to adopt the existing group, or pick another address, then retry from this step.");
        }

        context.AuditLastCommand(AuditActions.GroupAdopted, context.GroupTarget(info.DisplayName));
        return new StepResult.Skipped($"Adopted the existing group {info.PrimarySmtpAddress ?? r.GroupAddress}; nothing sent (owners and members are made to match next).");
    }
}
