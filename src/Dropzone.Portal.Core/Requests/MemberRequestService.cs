namespace Dropzone.Portal.Core.Requests;

/// <summary>What a person asks for on the request form. An empty mailbox means "my own".</summary>
public sealed record SubmitMemberRequest(Guid GroupId, MembershipChange Change, string? Mailbox, string Justification);

public enum RequestDecision
{
    Approve,
    Reject,
}

/// <summary>How one request of a (possibly multi-select) decision ended.</summary>
public sealed record DecisionResult(Guid RequestId, bool Succeeded, string Message);

/// <summary>A request with the name of its group, for lists.</summary>
public sealed record MemberRequestItem(MemberRequest Request, string GroupName, string GroupAddress);

/// <summary>A group people can ask to join (its owners approve members).</summary>
public sealed record RequestableGroup(Guid Id, string DisplayName, string PrimarySmtpAddress);

/// <summary>One page of a group's members as Exchange lists them.</summary>
public sealed record GroupMembersPage(IReadOnlyList<RecipientInfo> Members, int Total, int Page, int PageSize);

/// <summary>
/// Delegated member approvals: submit, cancel, decide, retry, direct changes by owners. Every rule is checked
/// here, on the server, whatever the page showed: only current owners (read again from Exchange before each
/// decision) or admins decide, and never on their own request. Each transition and its audit entry are saved
/// together; mails and page refreshes follow the commit and cannot undo it.
/// </summary>
public sealed partial class MemberRequestService(
    IDbContextFactory<PortalDbContext> dbFactory,
    GroupTenant tenant,
    GroupOwnership ownership,
    MemberRequestChecks checks,
    AuditTrail audit,
    IMemberRequestQueue queue,
    RequestNotifier notifier,
    MemberRequestEvents events,
    TimeProvider time,
    ILogger<MemberRequestService> logger)
{
    public const int MaxMailboxLength = MemberRequestChecks.MaxMailboxLength;

    /// <summary>Audit action for a failed request sent to be applied again (the audit catalogue has no name for it).</summary>
    public const string RequestRetriedAction = "Request.Retried";

    public async Task<IReadOnlyList<RequestableGroup>> ListRequestableGroupsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var groups = await db.ManagedGroups.AsNoTracking()
            .Where(g => g.OwnersApproveMembers && g.Status != ManagedGroupStatus.Abandoned)
            .Select(g => new RequestableGroup(g.Id, g.DisplayName, g.PrimarySmtpAddress))
            .ToListAsync(cancellationToken);
        return [.. groups.OrderBy(g => g.DisplayName, StringComparer.CurrentCultureIgnoreCase)];
    }

    /// <summary>Any signed-in user asks for their own mailbox, or one they name, to be added to or removed from a group.</summary>
    public async Task<MemberRequest> SubmitAsync(RequestCaller caller, SubmitMemberRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        var group = await LoadGroupAsync(input.GroupId, cancellationToken);
        if (group.Status == ManagedGroupStatus.Abandoned)
        {
            throw new MemberRequestRuleException($"{group.DisplayName} is no longer managed by this portal: its setup was abandoned.");
        }
        if (!group.OwnersApproveMembers)
        {
            throw new MemberRequestRuleException(
                $"{group.DisplayName} does not take membership requests: its owners have not turned on approvals. Ask a portal admin to change the group.");
        }
        var mailbox = await checks.CheckAsync(group, caller, input.Mailbox, input.Change, input.Justification, cancellationToken);

        var request = MemberRequest.Submit(group.Id, input.Change, mailbox.Address, mailbox.ObjectId, mailbox.DisplayName,
            input.Justification, caller.User, time.GetUtcNow());
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.MemberRequests.Add(request);
            Record(db, AuditActions.RequestSubmitted, caller, request, group, answer: request.Justification);
            await AuditTrail.SaveChangesAsync(db, cancellationToken);
        }
        LogSubmitted(logger, request.Id, group.Id, request.Change);
        events.Publish(new(request.Id, group.Id, request.State));

        // Owners are read again so that the mail goes to today's owners; the stored list will do if Exchange is down.
        group.Owners = [.. await ownership.TryRefreshAsync(group, cancellationToken) ?? group.Owners];
        await notifier.RequestSubmittedAsync(request, group, cancellationToken);
        return request;
    }

    public async Task<IReadOnlyList<MemberRequestItem>> ListMineAsync(RequestCaller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await (from r in db.MemberRequests.AsNoTracking()
                          join g in db.ManagedGroups.AsNoTracking() on r.GroupId equals g.Id
                          where r.RequestedByObjectId == caller.ObjectId
                          select new MemberRequestItem(r, g.DisplayName, g.PrimarySmtpAddress)).ToListAsync(cancellationToken);
        // Ordered here: SQLite cannot order by DateTimeOffset.
        return [.. rows.OrderByDescending(i => i.Request.RequestedAt)];
    }

    /// <summary>The requester withdraws a request nobody has decided yet.</summary>
    public async Task<MemberRequest> CancelAsync(RequestCaller caller, Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.MemberRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null || !caller.User.IsSamePerson(request.RequestedByObjectId))
        {
            // The same answer whether it does not exist or is someone else's: ids of others' requests reveal nothing.
            throw new MemberRequestNotFoundException("You have no request with that id.");
        }
        var group = await db.ManagedGroups.AsNoTracking().FirstAsync(g => g.Id == request.GroupId, cancellationToken);
        request.Cancel(time.GetUtcNow());
        Record(db, AuditActions.RequestCancelled, caller, request, group);
        await SaveTransitionAsync(db, cancellationToken);
        events.Publish(new(request.Id, request.GroupId, request.State));
        return request;
    }

    /// <summary>
    /// "My approvals": pending requests of the groups the caller owns (all of them for an admin), without the
    /// caller's own requests, which someone else must decide. Owners of groups with pending requests are read
    /// again from Exchange first, so a new owner sees the queue and a removed one does not.
    /// </summary>
    /// <remarks>With <paramref name="readOwnersFromExchange"/> false (live refreshes) the stored owners are used.</remarks>
    public async Task<IReadOnlyList<MemberRequestItem>> GetApprovalQueueAsync(
        RequestCaller caller, bool readOwnersFromExchange = true, CancellationToken cancellationToken = default)
    {
        if (readOwnersFromExchange)
        {
            await RefreshQueueOwnersAsync(cancellationToken);
        }
        return await QueryQueueAsync(caller, cancellationToken);
    }

    /// <summary>
    /// Reads again from Exchange the owners of the groups with pending requests; returns why, for each group
    /// Exchange could not confirm. The page shows the queue from the stored owners first and calls this after.
    /// </summary>
    public Task<IReadOnlyList<string>> RefreshQueueOwnersAsync(CancellationToken cancellationToken = default) =>
        ownership.RefreshGroupsWithPendingRequestsAsync(cancellationToken);

    /// <summary>The badge's number: like <see cref="GetApprovalQueueAsync"/> from the stored owners, without calling Exchange.</summary>
    public async Task<int> CountPendingApprovalsAsync(RequestCaller caller, CancellationToken cancellationToken = default) =>
        (await QueryQueueAsync(caller, cancellationToken)).Count;

    /// <summary>Approves or rejects one or several requests. Each one succeeds or fails on its own, with a message.</summary>
    public async Task<IReadOnlyList<DecisionResult>> DecideAsync(
        RequestCaller caller, IReadOnlyCollection<Guid> requestIds, RequestDecision decision, string? comment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        if (requestIds.Count == 0)
        {
            throw new MemberRequestRuleException("Select at least one request to decide.");
        }
        if (comment?.Trim() is { Length: > MemberRequest.MaxCommentLength } tooLong)
        {
            throw new MemberRequestRuleException($"The comment is {tooLong.Length} characters; keep it to {MemberRequest.MaxCommentLength}.");
        }

        var results = new List<DecisionResult>();
        var ownership = new Dictionary<Guid, bool>();
        foreach (var requestId in requestIds.Distinct())
        {
            try
            {
                results.Add(await DecideOneAsync(caller, requestId, decision, comment, ownership, cancellationToken));
            }
            catch (MemberRequestRuleException ex)
            {
                results.Add(new DecisionResult(requestId, false, ex.Message));
            }
        }
        return results;
    }

    /// <summary>Sends a failed request to be applied again, once its cause is fixed: current owners and admins.</summary>
    public async Task<MemberRequest> RetryAsync(RequestCaller caller, Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.MemberRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new MemberRequestNotFoundException("There is no request with that id.");
        var group = await db.ManagedGroups.AsNoTracking().Include(g => g.Owners).FirstAsync(g => g.Id == request.GroupId, cancellationToken);
        if (!await IsAdminOrCurrentOwnerAsync(caller, group, cancellationToken))
        {
            throw new MemberRequestDeniedException(
                $"Only the current owners of {group.DisplayName} or a portal admin can retry this request.");
        }
        request.Retry(time.GetUtcNow());
        Record(db, RequestRetriedAction, caller, request, group, answer: "Sent to be applied again.");
        await SaveTransitionAsync(db, cancellationToken);
        queue.EnqueueApply(request.Id);
        events.Publish(new(request.Id, request.GroupId, request.State));
        return request;
    }

    /// <summary>
    /// An owner or admin adds or removes a member directly. It is recorded as a request they submitted and approved
    /// at once, and applied by the same job, so the history reads the same as for any other change.
    /// </summary>
    public async Task<MemberRequest> ChangeMemberDirectlyAsync(
        RequestCaller caller, Guid groupId, MembershipChange change, string mailboxIdentity, string? reason, CancellationToken cancellationToken = default)
    {
        var group = await LoadGroupAsync(groupId, cancellationToken);
        if (!await IsAdminOrCurrentOwnerAsync(caller, group, cancellationToken))
        {
            throw new MemberRequestDeniedException($"Only the current owners of {group.DisplayName} or a portal admin can change its members.");
        }
        if (string.IsNullOrWhiteSpace(mailboxIdentity))
        {
            throw new MemberRequestRuleException("Name the mailbox to add or remove.");
        }
        var justification = string.IsNullOrWhiteSpace(reason)
            ? $"{(change == MembershipChange.Add ? "Added" : "Removed")} directly by {caller.User.DisplayName} as {(caller.IsAdmin ? "portal admin" : "group owner")}."
            : reason;
        var mailbox = await checks.CheckAsync(group, caller, mailboxIdentity, change, justification, cancellationToken);

        var now = time.GetUtcNow();
        var request = MemberRequest.Submit(group.Id, change, mailbox.Address, mailbox.ObjectId, mailbox.DisplayName, justification, caller.User, now);
        request.Approve(caller.User, reason, now);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.MemberRequests.Add(request);
            Record(db, AuditActions.RequestSubmitted, caller, request, group, answer: justification);
            Record(db, AuditActions.RequestApproved, caller, request, group, answer: "Direct change by an owner or admin.");
            await AuditTrail.SaveChangesAsync(db, cancellationToken);
        }
        queue.EnqueueApply(request.Id);
        events.Publish(new(request.Id, group.Id, request.State));
        return request;
    }

    /// <summary>One page of the group's members, read from Exchange: owners, admins and auditors.</summary>
    public async Task<GroupMembersPage> GetMembersAsync(
        RequestCaller caller, Guid groupId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        var group = await LoadGroupAsync(groupId, cancellationToken);
        if (!caller.IsAuditor && !await IsAdminOrCurrentOwnerAsync(caller, group, cancellationToken))
        {
            // The refusal reaches someone who may not see the group, so it names no part of it.
            throw new MemberRequestDeniedException("Only the group's owners, portal admins and auditors can see its members.");
        }
        var members = await tenant.ReadMembersAsync(group, cancellationToken);
        var size = Math.Clamp(pageSize, 1, 500);
        var ordered = members.OrderBy(m => m.DisplayName ?? m.PrimarySmtpAddress, StringComparer.CurrentCultureIgnoreCase).ToList();
        var index = Math.Max(0, page);
        return new GroupMembersPage([.. ordered.Skip(index * size).Take(size)], ordered.Count, index, size);
    }

    /// <summary>The group's latest requests (any state), for its owners, admins and auditors: where changes stand, and what to retry.</summary>
    public async Task<IReadOnlyList<MemberRequest>> ListGroupRequestsAsync(
        RequestCaller caller, Guid groupId, int take = 50, CancellationToken cancellationToken = default)
    {
        var group = await LoadGroupAsync(groupId, cancellationToken);
        if (!caller.IsAuditor && !await IsAdminOrCurrentOwnerAsync(caller, group, cancellationToken))
        {
            throw new MemberRequestDeniedException("Only the group's owners, portal admins and auditors can see its requests.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.MemberRequests.AsNoTracking().Where(r => r.GroupId == groupId).ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(r => r.UpdatedAt).Take(Math.Clamp(take, 1, 500))];
    }

    /// <summary>The group for page titles; null when it does not exist.</summary>
    public async Task<ManagedGroup?> FindGroupAsync(Guid groupId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ManagedGroups.AsNoTracking().Include(g => g.Owners).FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken);
    }

    /// <summary>Whether the caller may decide and manage members of the group, with the owners read again from Exchange.</summary>
    public async Task<bool> CanManageAsync(RequestCaller caller, Guid groupId, CancellationToken cancellationToken = default)
    {
        var group = await FindGroupAsync(groupId, cancellationToken);
        return group is not null && await IsAdminOrCurrentOwnerAsync(caller, group, cancellationToken);
    }

    private async Task<DecisionResult> DecideOneAsync(
        RequestCaller caller, Guid requestId, RequestDecision decision, string? comment, Dictionary<Guid, bool> ownership, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.MemberRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new MemberRequestNotFoundException("There is no request with that id.");
        var group = await db.ManagedGroups.AsNoTracking().Include(g => g.Owners).FirstAsync(g => g.Id == request.GroupId, cancellationToken);
        var action = decision == RequestDecision.Approve ? AuditActions.RequestApproved : AuditActions.RequestRejected;

        string? refusal = null;
        if (caller.User.IsSamePerson(request.RequestedByObjectId))
        {
            refusal = "You asked for this yourself; another owner of the group or a portal admin must decide it.";
        }
        else
        {
            // Once per group per call: a multi-select of twenty requests of one group reads its owners once.
            if (!ownership.TryGetValue(group.Id, out var allowed))
            {
                allowed = await IsAdminOrCurrentOwnerAsync(caller, group, cancellationToken);
                ownership[group.Id] = allowed;
            }
            if (!allowed)
            {
                refusal = $"Only the current owners of {group.DisplayName} (as Exchange lists them now) or a portal admin can decide this request.";
            }
        }
        if (refusal is not null)
        {
            // A refused attempt is worth knowing about; it changes nothing else.
            Record(db, action, caller, request, group, answer: refusal, outcome: AuditOutcome.Denied);
            await AuditTrail.SaveChangesAsync(db, cancellationToken);
            LogRefused(logger, request.Id, caller.ObjectId, decision);
            throw new MemberRequestDeniedException(refusal);
        }

        var now = time.GetUtcNow();
        if (decision == RequestDecision.Approve)
        {
            request.Approve(caller.User, comment, now);
        }
        else
        {
            request.Reject(caller.User, comment, now);
        }
        Record(db, action, caller, request, group, answer: request.DecisionComment);
        await SaveTransitionAsync(db, cancellationToken);
        if (decision == RequestDecision.Approve)
        {
            queue.EnqueueApply(request.Id);
        }
        events.Publish(new(request.Id, request.GroupId, request.State));
        await notifier.RequestDecidedAsync(request, group, cancellationToken);
        return new DecisionResult(request.Id, true, decision == RequestDecision.Approve
            ? $"Approved: {request.MailboxAddress} will be {(request.Change == MembershipChange.Add ? "added to" : "removed from")} {group.DisplayName}."
            : $"Rejected: {request.MailboxAddress} for {group.DisplayName}.");
    }

    private async Task<IReadOnlyList<MemberRequestItem>> QueryQueueAsync(RequestCaller caller, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = from r in db.MemberRequests.AsNoTracking()
                      join g in db.ManagedGroups.AsNoTracking() on r.GroupId equals g.Id
                      where r.State == MemberRequestState.Pending && r.RequestedByObjectId != caller.ObjectId
                      select new { r, g };
        if (!caller.IsAdmin)
        {
            // The stored copy: the queue only shows; deciding confirms ownership with Exchange again.
            var owned = GroupOwnership.OwnedBy(db.ManagedGroups, caller.ObjectId).Select(g => g.Id);
            pending = pending.Where(x => owned.Contains(x.g.Id));
        }
        var rows = await pending.Select(x => new MemberRequestItem(x.r, x.g.DisplayName, x.g.PrimarySmtpAddress)).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(i => i.Request.RequestedAt)];
    }

    private async Task<ManagedGroup> LoadGroupAsync(Guid groupId, CancellationToken cancellationToken) =>
        await FindGroupAsync(groupId, cancellationToken) ?? throw new MemberRequestNotFoundException("That group is not managed by the portal.");

    private async Task<bool> IsAdminOrCurrentOwnerAsync(RequestCaller caller, ManagedGroup group, CancellationToken cancellationToken) =>
        caller.IsAdmin || await ownership.IsCurrentOwnerAsync(group, caller.ObjectId, cancellationToken);

    private void Record(PortalDbContext db, string action, RequestCaller caller, MemberRequest request, ManagedGroup group,
        string? answer = null, AuditOutcome outcome = AuditOutcome.Succeeded) =>
        audit.Record(db, new AuditEvent(action, caller.Actor, outcome)
        {
            Target = AuditTarget.Mailbox(request.MailboxAddress),
            GroupId = group.Id.ToString(),
            RequestId = request.Id.ToString(),
            Answer = answer,
            ClientIp = caller.ClientIp,
        });

    private static async Task SaveTransitionAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await AuditTrail.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new MemberRequestRuleException("Someone else changed this request a moment ago. Reload to see where it stands.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId} submitted for group {GroupId} ({Change})")]
    private static partial void LogSubmitted(ILogger logger, Guid requestId, Guid groupId, MembershipChange change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused to {Decision} request {RequestId} for user {ObjectId}: not a current owner, not an admin, or their own request")]
    private static partial void LogRefused(ILogger logger, Guid requestId, string objectId, RequestDecision decision);
}
