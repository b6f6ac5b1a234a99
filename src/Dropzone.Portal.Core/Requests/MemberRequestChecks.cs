namespace Dropzone.Portal.Core.Requests;

/// <summary>
/// What a membership change must satisfy before it is recorded, whoever asks (a requester, or an owner or admin
/// changing members directly): a justification, a mailbox Exchange knows (not a group), no other open request
/// for it, and a change that is needed. Each refusal is a <see cref="MemberRequestRuleException"/> that says why.
/// </summary>
public sealed class MemberRequestChecks(IDbContextFactory<PortalDbContext> dbFactory, GroupTenant tenant)
{
    public const int MaxMailboxLength = 320;

    private static readonly MemberRequestState[] OpenStates = [MemberRequestState.Pending, MemberRequestState.Approved, MemberRequestState.Failed];

    /// <summary>The mailbox the change is for, once every check passed; an empty <paramref name="mailbox"/> means the caller's own.</summary>
    public async Task<TenantMailbox> CheckAsync(
        ManagedGroup group, RequestCaller caller, string? mailbox, MembershipChange change, string? justification, CancellationToken cancellationToken)
    {
        CheckJustification(justification);
        var resolved = await ResolveMailboxAsync(mailbox, caller, cancellationToken);
        await EnsureNoOpenRequestAsync(group, resolved, cancellationToken);
        await EnsureChangeNeededAsync(group, resolved, change, cancellationToken);
        return resolved;
    }

    private async Task<TenantMailbox> ResolveMailboxAsync(string? identity, RequestCaller caller, CancellationToken cancellationToken)
    {
        var named = identity?.Trim();
        if (named is { Length: > MaxMailboxLength })
        {
            throw new MemberRequestRuleException($"The mailbox name is {named.Length} characters; an address has at most {MaxMailboxLength}.");
        }
        if (named is not null && named.Any(char.IsControl))
        {
            throw new MemberRequestRuleException("The mailbox name contains control characters; type the address again.");
        }
        var own = string.IsNullOrEmpty(named);
        var mailbox = await tenant.FindMailboxAsync(own ? caller.ObjectId : named!, cancellationToken) ?? throw new MemberRequestRuleException(own
            ? "Exchange has no mailbox for your account, so it cannot be a member. Name a shared mailbox or another person's mailbox instead."
            : $"Exchange has no mailbox \"{named}\". Check the address; only mailboxes can be members.");
        if (mailbox.TypeDetails?.Contains("Group", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Access policies and RBAC scopes look at direct members only: a nested group would grant nothing.
            throw new MemberRequestRuleException(
                $"{mailbox.Address} is a group, not a mailbox. Ask for the mailboxes themselves: members of a nested group are not covered by the restriction.");
        }
        return mailbox;
    }

    private async Task EnsureNoOpenRequestAsync(ManagedGroup group, TenantMailbox mailbox, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var address = mailbox.Address;
        var objectId = mailbox.ObjectId;
        var open = await db.MemberRequests.AsNoTracking()
            .Where(r => r.GroupId == group.Id && OpenStates.Contains(r.State)
                && (r.MailboxAddress == address || (objectId != null && r.MailboxObjectId == objectId)))
            .FirstOrDefaultAsync(cancellationToken);
        if (open is null)
        {
            return;
        }
        var asked = open.RequestedAt.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        throw new MemberRequestRuleException(open.State == MemberRequestState.Pending
            ? $"{mailbox.Address} already has a pending request for {group.DisplayName} (asked by {open.RequestedByName} on {asked}). Wait for the owners' decision, or cancel that request first."
            : $"{mailbox.Address} already has an approved request for {group.DisplayName} that is being applied ({open.State.ToString().ToLowerInvariant()}).");
    }

    private async Task EnsureChangeNeededAsync(ManagedGroup group, TenantMailbox mailbox, MembershipChange change, CancellationToken cancellationToken)
    {
        var isMember = await tenant.IsMemberAsync(group, mailbox, cancellationToken);
        if (change == MembershipChange.Add && isMember)
        {
            throw new MemberRequestRuleException($"{mailbox.Address} is already a member of {group.DisplayName}.");
        }
        if (change == MembershipChange.Remove && !isMember)
        {
            throw new MemberRequestRuleException($"{mailbox.Address} is not a member of {group.DisplayName}, so there is nothing to remove.");
        }
    }

    private static void CheckJustification(string? justification)
    {
        var trimmed = (justification ?? "").Trim();
        if (trimmed.Length == 0)
        {
            throw new MemberRequestRuleException("Say why the mailbox should be added or removed: owners decide on the justification.");
        }
        if (trimmed.Length > MemberRequest.MaxJustificationLength)
        {
            throw new MemberRequestRuleException($"The justification is {trimmed.Length} characters; keep it to {MemberRequest.MaxJustificationLength}.");
        }
    }
}
