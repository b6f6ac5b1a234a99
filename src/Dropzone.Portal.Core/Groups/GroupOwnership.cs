using Dropzone.Portal.Core.Requests;

namespace Dropzone.Portal.Core.Groups;

/// <summary>
/// The one answer to "does this person own this group?" (docs/decisions/010-group-ownership-source-of-truth.md).
/// Exchange's ManagedBy is the truth, and it wins: the owners stored on <see cref="ManagedGroup"/> are the copy of
/// Exchange's last answer. Whatever changes something, or calls the tenant on the person's behalf anyway, asks
/// Exchange now (<see cref="IsCurrentOwnerAsync"/>) and fails closed; whatever only shows what the portal's
/// database holds reads the copy (<see cref="IsListedOwner"/>, <see cref="OwnedBy"/>), which every live read
/// overwrites and <see cref="RefreshAllAsync"/> keeps no older than its recurring schedule.
/// </summary>
public sealed partial class GroupOwnership(
    IDbContextFactory<PortalDbContext> dbFactory,
    IExchangeClient exchange,
    MemberRequestEvents events,
    TimeProvider time,
    ILogger<GroupOwnership> logger)
{
    /// <summary>Whether the stored copy lists this Entra object id as an owner (no tenant call).</summary>
    public static bool IsListedOwner(ManagedGroup group, string? objectId) =>
        objectId is not null && group.Owners.Any(o => string.Equals(o.ObjectId, objectId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The groups whose stored copy lists this Entra object id as an owner (an indexed query, no tenant call).</summary>
    public static IQueryable<ManagedGroup> OwnedBy(IQueryable<ManagedGroup> groups, string objectId) =>
        groups.Where(g => g.Owners.Any(o => o.ObjectId == objectId));

    /// <summary>The ids of the groups whose stored copy lists this Entra object id as an owner.</summary>
    public static async Task<IReadOnlyList<Guid>> ListedGroupIdsAsync(
        IDbContextFactory<PortalDbContext> dbFactory, string objectId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await OwnedBy(db.ManagedGroups.AsNoTracking(), objectId).Select(g => g.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Whether Exchange lists this person as an owner now; the stored copy is refreshed on the way. Throws
    /// <see cref="MemberRequestRuleException"/> when Exchange cannot answer: nobody is an owner on a stale yes.
    /// </summary>
    public async Task<bool> IsCurrentOwnerAsync(ManagedGroup group, string objectId, CancellationToken cancellationToken = default)
    {
        var owners = await RefreshAsync(group, cancellationToken);
        return owners.Any(o => string.Equals(o.ObjectId, objectId, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads the owners from Exchange and stores them, so lists, the queue and the badge follow changes made in Exchange.</summary>
    public async Task<IReadOnlyList<GroupOwner>> RefreshAsync(ManagedGroup group, CancellationToken cancellationToken = default)
    {
        var owners = await ReadFromExchangeAsync(group, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.ManagedGroups.Include(g => g.Owners).FirstAsync(g => g.Id == group.Id, cancellationToken);
        var unchanged = stored.Owners.Select(o => o.ObjectId).Order(StringComparer.OrdinalIgnoreCase)
            .SequenceEqual(owners.Select(o => o.ObjectId).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        if (!unchanged)
        {
            stored.Owners.Clear();
            stored.Owners.AddRange(owners.Select(o => new GroupOwner { ObjectId = o.ObjectId, UserPrincipalName = o.UserPrincipalName, DisplayName = o.DisplayName }));
            // Request id empty: "the owners changed", so badges and queues recount.
            events.Publish(new(Guid.Empty, group.Id, MemberRequestState.Pending));
        }
        stored.OwnersRefreshedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return owners;
    }

    /// <summary>Like <see cref="RefreshAsync"/>, but null (and a warning) when Exchange cannot answer: for callers that may go on with the copy.</summary>
    public async Task<IReadOnlyList<GroupOwner>?> TryRefreshAsync(ManagedGroup group, CancellationToken cancellationToken = default)
    {
        try
        {
            return await RefreshAsync(group, cancellationToken);
        }
        catch (MemberRequestRuleException ex)
        {
            LogOwnersUnavailable(logger, group.Id, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Reads again the owners of every group with pending requests, so that the approval queue follows Exchange.
    /// Returns, for each group Exchange could not confirm, why (its stored copy then stays as it was).
    /// </summary>
    public async Task<IReadOnlyList<string>> RefreshGroupsWithPendingRequestsAsync(CancellationToken cancellationToken = default)
    {
        List<ManagedGroup> groups;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var groupIds = db.MemberRequests.Where(r => r.State == MemberRequestState.Pending).Select(r => r.GroupId);
            groups = await db.ManagedGroups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToListAsync(cancellationToken);
        }
        var problems = new List<string>();
        foreach (var group in groups)
        {
            try
            {
                await RefreshAsync(group, cancellationToken);
            }
            catch (MemberRequestRuleException ex)
            {
                LogOwnersUnavailable(logger, group.Id, ex.Message);
                problems.Add(ex is OwnersUnconfirmedException unconfirmed
                    ? $"Exchange could not confirm the current owners of {unconfirmed.GroupName}: {unconfirmed.Reason}"
                    : ex.Message);
            }
        }
        return problems;
    }

    /// <summary>
    /// The recurring refresh: every group's copy is read again, so a person removed as an owner in Exchange
    /// stops seeing the group within one schedule even when nobody acts on it. Returns how many were read.
    /// </summary>
    public async Task<int> RefreshAllAsync(CancellationToken cancellationToken = default)
    {
        List<ManagedGroup> groups;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            groups = await db.ManagedGroups.AsNoTracking().Where(g => g.DirectoryObjectId != null && g.Status != ManagedGroupStatus.Abandoned).ToListAsync(cancellationToken);
        }
        var refreshed = 0;
        foreach (var group in groups)
        {
            if (await TryRefreshAsync(group, cancellationToken) is not null)
            {
                refreshed++;
            }
        }
        return refreshed;
    }

    /// <summary>
    /// Reads ManagedBy from Exchange and resolves each owner to an Entra object id. Fails closed: when Exchange
    /// cannot answer, nobody is treated as an owner (the caller gets a message, not a stale yes).
    /// </summary>
    private async Task<IReadOnlyList<GroupOwner>> ReadFromExchangeAsync(ManagedGroup group, CancellationToken cancellationToken)
    {
        var result = await exchange.InvokeAsync(ExchangeCommands.GetDistributionGroup(GroupTenant.IdentityOf(group)), cancellationToken);
        if (!result.IsSuccess || result.FirstRow is not { } row)
        {
            throw Unconfirmed(group, result.Outcome);
        }

        // ManagedBy holds names, not ids (as in Exchange Online); each is looked up to get its object id.
        var names = DistributionGroupInfo.From(row).ManagedBy;
        if (names.Count == 0)
        {
            return [];
        }
        var lookups = await exchange.InvokeBatchAsync([.. names.Select(ExchangeCommands.GetRecipient)], cancellationToken);
        var owners = new List<GroupOwner>();
        foreach (var lookup in lookups)
        {
            if (!lookup.IsSuccess)
            {
                if (lookup.Outcome is ExchangeOutcome.NotFound)
                {
                    continue; // An owner deleted from the directory owns nothing.
                }
                if (lookup.Outcome is ExchangeOutcome.Ambiguous)
                {
                    // ManagedBy lists names; two recipients sharing one must not silently drop (or grant) an owner.
                    throw new MemberRequestRuleException(
                        $"Exchange lists an owner of {group.DisplayName} as \"{(lookup.Command["Identity"] as ExchangeParameterValue.Text)?.Value}\", a name several recipients share, " +
                        "so the owners could not be confirmed. Give that owner a unique name in Exchange (or set the owners again from the portal, which names them by address).");
                }
                throw Unconfirmed(group, lookup.Outcome);
            }
            if (lookup.FirstRow is { } recipientRow && RecipientInfo.From(recipientRow) is { ExternalDirectoryObjectId: { Length: > 0 } id } recipient)
            {
                owners.Add(new GroupOwner
                {
                    ObjectId = id,
                    UserPrincipalName = recipient.PrimarySmtpAddress ?? "",
                    DisplayName = recipient.DisplayName ?? recipient.Name ?? id,
                });
            }
        }
        return owners;
    }

    private static OwnersUnconfirmedException Unconfirmed(ManagedGroup group, ExchangeOutcome outcome) =>
        new(group.DisplayName, GroupTenant.Plain(outcome));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Owners of group {GroupId} could not be read from Exchange; using the stored list: {Reason}")]
    private static partial void LogOwnersUnavailable(ILogger logger, Guid groupId, string reason);
}

/// <summary>Exchange did not say who owns a group; nobody is treated as its owner meanwhile.</summary>
public sealed class OwnersUnconfirmedException(string groupName, string reason)
    : MemberRequestRuleException($"Exchange could not confirm the current owners of {groupName}, so no decision was taken: {reason}")
{
    public string GroupName { get; } = groupName;

    public string Reason { get; } = reason;
}
