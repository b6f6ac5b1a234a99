namespace Dropzone.Portal.Core.Requests;

/// <summary>A mailbox as Exchange knows it.</summary>
public sealed record TenantMailbox(string Address, string? ObjectId, string DisplayName, string? TypeDetails);

/// <summary>
/// What the request services read from Exchange: a group's current members and the mailbox a request names.
/// Exchange, not the portal's copy, is the authority for both (owners: <see cref="GroupOwnership"/>).
/// </summary>
public sealed class GroupTenant(IExchangeClient exchange)
{
    /// <summary>The identity Exchange accepts for the group: its directory object id once known, else its address.</summary>
    public static string IdentityOf(ManagedGroup group) =>
        string.IsNullOrWhiteSpace(group.DirectoryObjectId) ? group.PrimarySmtpAddress : group.DirectoryObjectId;

    /// <summary>Finds the mailbox a request names (address, UPN or object id); null when Exchange has no such mailbox.</summary>
    public async Task<TenantMailbox?> FindMailboxAsync(string identity, CancellationToken cancellationToken = default)
    {
        var result = await exchange.InvokeAsync(ExchangeCommands.GetRecipient(identity.Trim()), cancellationToken);
        if (result.Outcome is ExchangeOutcome.NotFound || (result.IsSuccess && result.FirstRow is null))
        {
            return null;
        }
        if (!result.IsSuccess)
        {
            throw new MemberRequestRuleException($"Exchange could not look up {identity}: {Plain(result.Outcome)}");
        }
        var recipient = RecipientInfo.From(result.FirstRow!.Value);
        if (recipient.PrimarySmtpAddress is null)
        {
            return null;
        }
        return new TenantMailbox(recipient.PrimarySmtpAddress, recipient.ExternalDirectoryObjectId,
            recipient.DisplayName ?? recipient.Name ?? recipient.PrimarySmtpAddress, recipient.RecipientTypeDetails);
    }

    /// <summary>The group's direct members as Exchange lists them now (all pages).</summary>
    public async Task<IReadOnlyList<RecipientInfo>> ReadMembersAsync(ManagedGroup group, CancellationToken cancellationToken = default)
    {
        var result = await exchange.InvokeAsync(ExchangeCommands.GetDistributionGroupMember(IdentityOf(group)), cancellationToken);
        if (!result.IsSuccess)
        {
            throw new MemberRequestRuleException($"Exchange could not list the members of {group.DisplayName}: {Plain(result.Outcome)}");
        }
        return [.. result.Rows.Select(RecipientInfo.From)];
    }

    public async Task<bool> IsMemberAsync(ManagedGroup group, TenantMailbox mailbox, CancellationToken cancellationToken = default)
    {
        var members = await ReadMembersAsync(group, cancellationToken);
        return members.Any(m => IsSame(m, mailbox));
    }

    public static bool IsSame(RecipientInfo member, TenantMailbox mailbox) =>
        (mailbox.ObjectId is not null && string.Equals(member.ExternalDirectoryObjectId, mailbox.ObjectId, StringComparison.OrdinalIgnoreCase))
        || string.Equals(member.PrimarySmtpAddress, mailbox.Address, StringComparison.OrdinalIgnoreCase);

    /// <summary>An outcome in words for people: Exchange's own message, and the remedy when it is a permission.</summary>
    public static string Plain(ExchangeOutcome outcome) => outcome switch
    {
        ExchangeOutcome.PermissionMissing p => $"{p.Message} {p.Remedy}".Trim(),
        ExchangeOutcome.Throttled or ExchangeOutcome.Transient or ExchangeOutcome.Timeout =>
            $"Exchange is busy or did not answer in time ({(string.IsNullOrWhiteSpace(outcome.Message) ? outcome.Kind : outcome.Message)}). Try again in a few minutes.",
        _ when string.IsNullOrWhiteSpace(outcome.Message) => outcome.Kind,
        _ => outcome.Message,
    };
}
