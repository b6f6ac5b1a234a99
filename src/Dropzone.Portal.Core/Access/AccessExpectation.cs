namespace Dropzone.Portal.Core.Access;

/// <summary>What was read from the tenant, and what the admin asked for: the members of the portal's own groups for the application.</summary>
public sealed record AccessReading(AccessSources Sources, MailboxSet Intended, IReadOnlyList<PortalOwnedGroup> OwnGroups)
{
    public EffectiveAccess Evaluate() => EffectiveAccessEvaluator.Evaluate(Sources);
}

/// <summary>The effective access held against the intended set: green only when they are the same mailboxes.</summary>
public sealed record AccessComparison(bool Matches, string Summary, IReadOnlyList<string> Reasons, int Missing, int Extra)
{
    /// <summary>The stored sentence: the tenant summary, then why it is not what was asked for.</summary>
    public string Text => Matches ? Summary : string.Join(" ", Reasons.Prepend(Summary));

    public static AccessComparison Compare(EffectiveAccess access, AccessReading reading)
    {
        var groups = reading.OwnGroups.Count == 0 ? "the portal's groups" : string.Join(" ∪ ", reading.OwnGroups.Select(g => g.DisplayName));
        if (!access.Established)
        {
            return new(false, access.Summary, ["Not restricted as far as the portal can establish: until every source is read, nothing is shown green."], 0, 0);
        }

        var reasons = new List<string>();
        var extra = access.Mailboxes.Where(m => (m.CanRead || m.CanSend) && !reading.Intended.Contains(m.Mailbox)).ToList();
        var missing = access.Mailboxes.Where(m => !m.CanRead && reading.Intended.Contains(m.Mailbox)).ToList();
        if (extra.Count > 0)
        {
            var e = extra[0];
            reasons.Add($"Not restricted: it can reach {extra.Count} mailbox(es) outside {groups}, e.g. {e.Mailbox.Address} ({string.Join("; ", e.Reasons)})");
        }

        if (missing.Count > 0)
        {
            var m = missing[0];
            reasons.Add($"It cannot read {missing.Count} member(s) of {groups}, e.g. {m.Mailbox.Address} ({string.Join("; ", m.Reasons)})");
        }

        return new(reasons.Count == 0, access.Summary, reasons, missing.Count, extra.Count);
    }
}
