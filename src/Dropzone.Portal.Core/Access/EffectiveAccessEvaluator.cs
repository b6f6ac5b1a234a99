namespace Dropzone.Portal.Core.Access;

/// <summary>
/// Computes what the application can reach in every mailbox from the sources that decide it (docs/effective-access.md):
/// Entra application permissions reach every mailbox; RBAC for Applications roles reach their scope; then Exchange's
/// application access policies, with Microsoft's documented precedence: a DenyAccess policy covering the mailbox
/// denies; else a RestrictAccess policy covering it allows; else any RestrictAccess policy for the app denies;
/// with no policy for the app, the grants stand. Pure: no tenant calls, no clock.
/// </summary>
public static class EffectiveAccessEvaluator
{
    public static EffectiveAccess Evaluate(AccessSources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var mailboxes = sources.Mailboxes.Select(m => EvaluateMailbox(sources, m)).ToList();
        var established = sources.Gaps.Count == 0 && mailboxes.All(m => m.Established);
        return new EffectiveAccess(sources, mailboxes, AccessSummary.Describe(sources, mailboxes, established), established);
    }

    public static MailboxAccess EvaluateMailbox(AccessSources sources, MailboxRef mailbox)
    {
        var established = true;
        var grants = new List<AccessGrant>();
        foreach (var permission in sources.EntraGrants)
        {
            grants.Add(new($"the Entra application permission {permission.Name} (every mailbox)", permission.Channel, permission.Ability, IsUnscoped: true));
        }

        foreach (var assignment in sources.Assignments.Where(a => a.Ability != MailAbility.None))
        {
            if (assignment.ScopeName is null || assignment.Scope.Contains(mailbox))
            {
                grants.Add(new(assignment.Describe, MailPermissions.RbacChannel(assignment.Role), assignment.Ability, IsUnscoped: assignment.ScopeName is null));
            }
            else if (!assignment.Scope.IsKnown)
            {
                established = false;
            }
        }

        var (allows, reason, policiesKnown) = ApplyPolicies(sources.Policies, mailbox);
        established &= policiesKnown;
        var ability = allows ? grants.Aggregate(MailAbility.None, (a, g) => a | g.Ability) : MailAbility.None;
        return new MailboxAccess(mailbox, ability, grants, allows, reason, established);
    }

    /// <summary>The application access policies' decision for one mailbox, Microsoft's precedence in order.</summary>
    private static (bool Allows, string Reason, bool Known) ApplyPolicies(IReadOnlyList<PolicySource> policies, MailboxRef mailbox)
    {
        if (policies.Count == 0)
        {
            return (true, "No application access policy exists for the application, so the grants stand.", true);
        }

        var known = policies.All(p => p.Scope.IsKnown);
        if (policies.FirstOrDefault(p => p.IsDeny && p.Scope.Contains(mailbox)) is { } deny)
        {
            return (false, $"Denied by the {deny.Describe} (DenyAccess wins over every grant).", true);
        }

        var restricts = policies.Where(p => p.IsRestrict).ToList();
        if (restricts.Count == 0)
        {
            return (true, "No RestrictAccess policy exists for the application and no DenyAccess policy covers the mailbox.", known);
        }

        if (restricts.FirstOrDefault(p => p.Scope.Contains(mailbox)) is { } restrict)
        {
            return (true, $"Allowed by the {restrict.Describe}.", known);
        }

        var names = string.Join(", ", restricts.Select(p => p.ScopeName));
        return (false, $"Denied: RestrictAccess policies exist for the application ({names}) and the mailbox is in none of their scopes.", known);
    }
}
