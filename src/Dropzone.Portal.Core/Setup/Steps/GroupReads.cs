namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>How steps read the group and its members while it may still be replicating.</summary>
public static class GroupReads
{
    /// <summary>
    /// Reads the group, polling on NotFound while it replicates. Answers the group, or the step result to
    /// return (retry later when the poll would block longer than one interval).
    /// </summary>
    public static async Task<(DistributionGroupInfo? Group, StepResult? Stop)> ReadGroupAsync(SetupStepContext c, CancellationToken ct)
    {
        var result = await c.InvokeAsync(SetupCommands.GetGroup(c.GroupIdentity), ct);
        if (result.IsSuccess && result.FirstRow is { } row)
        {
            c.Facts.GroupVisible = true;
            var info = DistributionGroupInfo.From(row);
            Remember(c, info);
            return (info, null);
        }

        if (result.Outcome is ExchangeOutcome.NotFound && c.Facts.GroupCreatedByRun)
        {
            return (null, ReplicationPending(c));
        }

        if (result.Outcome is ExchangeOutcome.NotFound)
        {
            return (null, new StepResult.Failed($"The group {c.Request.GroupAddress} no longer exists in Exchange.",
                "It was deleted outside the portal. Retry from the group step to create it again."));
        }

        return (null, SetupStepContext.FromFailure(result, "Reading the group"));
    }

    public static async Task<(IReadOnlyList<RecipientInfo>? Members, StepResult? Stop)> ReadMembersAsync(SetupStepContext c, CancellationToken ct)
    {
        var result = await c.InvokeAsync(SetupCommands.GetMembers(c.GroupIdentity), ct);
        if (result.IsSuccess)
        {
            c.Facts.GroupVisible = true;
            return ([.. result.Rows.Select(RecipientInfo.From)], null);
        }

        if (result.Outcome is ExchangeOutcome.NotFound && c.Facts.GroupCreatedByRun)
        {
            return (null, ReplicationPending(c));
        }

        return (null, SetupStepContext.FromFailure(result, "Reading the members"));
    }

    /// <summary>Polling is a scheduled retry, not a blocked worker, so a long replication holds no thread and survives a restart.</summary>
    public static StepResult ReplicationPending(SetupStepContext c)
    {
        c.Facts.ReplicationWaitStartedAt ??= c.UtcNow;
        var waited = c.UtcNow - c.Facts.ReplicationWaitStartedAt.Value;
        if (waited >= c.Options.ReplicationDeadline)
        {
            return new StepResult.Failed(
                $"The group {c.Request.GroupAddress} was created but Exchange still cannot find it after {waited.TotalMinutes:F0} minute(s).",
                "Directory replication is unusually slow. Wait a few minutes, then retry from this step.");
        }

        return new StepResult.Retry("Waiting for the new group to replicate (Exchange answers \"not found\" for a while after a create).",
            c.Options.ReplicationPollInterval, CountsAsError: false);
    }

    /// <summary>Keeps the group's identities for the later steps and the portal's record.</summary>
    public static void Remember(SetupStepContext c, DistributionGroupInfo info)
    {
        c.Facts.GroupIdentity = info.ExternalDirectoryObjectId ?? info.ExchangeGuid ?? info.PrimarySmtpAddress ?? c.Request.GroupAddress;
        c.Facts.GroupDistinguishedName = info.DistinguishedName ?? c.Facts.GroupDistinguishedName;
        c.Group.DirectoryObjectId = info.ExternalDirectoryObjectId ?? c.Group.DirectoryObjectId;
        c.Group.DistinguishedName = c.Facts.GroupDistinguishedName;
    }
}
