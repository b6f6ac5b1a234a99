namespace Dropzone.Portal.Core.Access;

/// <summary>
/// The tenant-wide sentence: "Can read: exactly Dropzone Mailboxes", "Can read: A ∪ B",
/// "Can read: every mailbox (unscoped grant Mail.Read)", with the exceptions and what it can send as.
/// </summary>
internal static class AccessSummary
{
    public static string Describe(AccessSources sources, IReadOnlyList<MailboxAccess> mailboxes, bool established)
    {
        var text = "Can read: " + ReadPart(sources, mailboxes) + SendPart(mailboxes);
        return established ? text : $"Not established ({(sources.Gaps.Count > 0 ? string.Join("; ", sources.Gaps) : "a scope could not be read")}). " + text;
    }

    private static string ReadPart(AccessSources sources, IReadOnlyList<MailboxAccess> mailboxes)
    {
        var readable = mailboxes.Where(m => m.CanRead).ToList();
        if (readable.Count == 0)
        {
            return "no mailbox.";
        }

        var unscoped = readable.SelectMany(m => m.Grants).Where(g => g.IsUnscoped && g.Ability.HasFlag(MailAbility.Read)).Select(g => g.Source).Distinct().ToList();
        if (readable.Count == mailboxes.Count)
        {
            return unscoped.Count > 0 ? $"every mailbox ({Unscoped(unscoped)})." : $"every mailbox ({mailboxes.Count}).";
        }

        var restricts = sources.Policies.Where(p => p.IsRestrict).ToList();
        var areas = new List<(string Label, MailboxSet Set)>();
        if (restricts.Count > 0)
        {
            areas.AddRange(restricts.Where(p => readable.Any(m => p.Scope.Contains(m.Mailbox))).Select(p => (p.ScopeName, p.Scope)));
        }
        else if (unscoped.Count == 0)
        {
            areas.AddRange(sources.Assignments.Where(a => a.Ability.HasFlag(MailAbility.Read) && a.ScopeName is not null && readable.Any(m => a.Scope.Contains(m.Mailbox)))
                .Select(a => (a.ScopeLabel, a.Scope)));
        }

        areas = [.. areas.DistinctBy(a => a.Label, StringComparer.OrdinalIgnoreCase)];
        if (areas.Count == 0)
        {
            // Unscoped grants narrowed only by DenyAccess policies.
            var denied = mailboxes.Count - readable.Count;
            return $"every mailbox except {denied} ({Unscoped(unscoped)}; {DenyReasons(mailboxes)}).";
        }

        var union = mailboxes.Where(m => areas.Any(a => a.Set.Contains(m.Mailbox))).ToList();
        var missing = union.Where(m => !m.CanRead).ToList();
        var beyond = readable.Count(m => !areas.Any(a => a.Set.Contains(m.Mailbox)));
        var head = areas.Count == 1 ? $"exactly {areas[0].Label}" : string.Join(" ∪ ", areas.Select(a => a.Label));
        var tail = missing.Count > 0 ? $", except {missing.Count} of its mailbox(es) ({DenyReasons(missing)})" : "";
        var extra = beyond > 0 ? $", and {beyond} mailbox(es) beyond it" : "";
        return $"{head} ({readable.Count} mailbox(es)){tail}{extra}.";
    }

    private static string SendPart(IReadOnlyList<MailboxAccess> mailboxes)
    {
        var sendOnly = mailboxes.Count(m => m.CanSend && !m.CanRead);
        if (sendOnly == 0)
        {
            return "";
        }

        return sendOnly == mailboxes.Count(m => !m.CanRead) && sendOnly > 0
            ? " It can also send as every mailbox it cannot read."
            : $" It can also send as {sendOnly} mailbox(es) it cannot read.";
    }

    private static string Unscoped(IReadOnlyList<string> sources) => "unscoped grant: " + string.Join(", ", sources);

    private static string DenyReasons(IEnumerable<MailboxAccess> denied) =>
        string.Join("; ", denied.Where(m => !m.PolicyAllows).Select(m => m.PolicyReason).Distinct().Take(2)) is { Length: > 0 } reasons ? reasons : "no grant reaches them";
}
