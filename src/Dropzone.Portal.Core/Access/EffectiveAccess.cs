namespace Dropzone.Portal.Core.Access;

/// <summary>One grant that reaches a mailbox before the application access policies are applied.</summary>
public sealed record AccessGrant(string Source, MailChannel Channel, MailAbility Ability, bool IsUnscoped);

/// <summary>
/// What the application can do in one mailbox and why: the grants that reach it, the policy that decided, and the
/// resulting ability. <see cref="Established"/> is false when a scope the verdict depends on could not be read.
/// </summary>
public sealed record MailboxAccess(MailboxRef Mailbox, MailAbility Ability, IReadOnlyList<AccessGrant> Grants, bool PolicyAllows, string PolicyReason, bool Established)
{
    public bool CanRead => Ability.HasFlag(MailAbility.Read);

    public bool CanSend => Ability.HasFlag(MailAbility.Send);

    /// <summary>Whether the application can read this mailbox through <paramref name="channel"/> (Graph or EWS).</summary>
    public bool CanReadThrough(MailChannel channel) =>
        PolicyAllows && Grants.Any(g => g.Channel == channel && g.Ability.HasFlag(MailAbility.Read));

    /// <summary>The reasons in words, grants first, then the policy's decision.</summary>
    public IReadOnlyList<string> Reasons =>
        Grants.Count == 0 ? ["No Entra permission or RBAC assignment reaches this mailbox."]
        : [.. Grants.Select(g => $"Granted by {g.Source}"), PolicyReason];

    /// <summary>"Can read", "Can send as", "Cannot read": the verdict in one phrase.</summary>
    public string Verdict => CanRead ? CanSend ? "Can read and send" : "Can read" : CanSend ? "Can send as (cannot read)" : "Cannot read";
}

/// <summary>The application's effective access over every mailbox of the tenant, and the sentence that sums it up.</summary>
public sealed record EffectiveAccess(AccessSources Sources, IReadOnlyList<MailboxAccess> Mailboxes, string Summary, bool Established)
{
    public IEnumerable<MailboxAccess> Readable => Mailboxes.Where(m => m.CanRead);

    public IEnumerable<MailboxAccess> Sendable => Mailboxes.Where(m => m.CanSend);

    /// <summary>The mailbox named by address or object id, or null when the tenant has no such mailbox.</summary>
    public MailboxAccess? Find(string addressOrId) => Mailboxes.FirstOrDefault(m =>
        string.Equals(m.Mailbox.Address, addressOrId.Trim(), StringComparison.OrdinalIgnoreCase)
        || string.Equals(m.Mailbox.ObjectId, addressOrId.Trim(), StringComparison.OrdinalIgnoreCase));
}
