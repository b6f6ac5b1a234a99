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
        var prepared = new Prepared(sources);
        var mailboxes = sources.Mailboxes.Select(prepared.Evaluate).ToList();
        var established = sources.Gaps.Count == 0 && mailboxes.All(m => m.Established);
        return new EffectiveAccess(sources, mailboxes, AccessSummary.Describe(sources, mailboxes, established), established);
    }

    public static MailboxAccess EvaluateMailbox(AccessSources sources, MailboxRef mailbox) => new Prepared(sources).Evaluate(mailbox);

    /// <summary>The grants and sentences that do not depend on the mailbox, built once: 10,000 mailboxes share them.</summary>
    private sealed class Prepared(AccessSources sources)
    {
        private readonly List<AccessGrant> _entra = [.. sources.EntraGrants.Select(p =>
            new AccessGrant($"the Entra application permission {p.Name} (every mailbox)", p.Channel, p.Ability, IsUnscoped: true))];

        private readonly List<(RbacSource Source, AccessGrant Grant)> _rbac = [.. sources.Assignments.Where(a => a.Ability != MailAbility.None)
            .Select(a => (a, new AccessGrant(a.Describe, MailPermissions.RbacChannel(a.Role), a.Ability, IsUnscoped: a.ScopeName is null)))];

        private readonly Policies _policies = new(sources.Policies);

        public MailboxAccess Evaluate(MailboxRef mailbox)
        {
            var established = true;
            var grants = new List<AccessGrant>(_entra);
            foreach (var (assignment, grant) in _rbac)
            {
                if (assignment.ScopeName is null || assignment.Scope.Contains(mailbox))
                {
                    grants.Add(grant);
                }
                else if (!assignment.Scope.IsKnown)
                {
                    established = false;
                }
            }

            var (allows, reason, policiesKnown) = _policies.Apply(mailbox);
            established &= policiesKnown;
            var ability = allows ? grants.Aggregate(MailAbility.None, (a, g) => a | g.Ability) : MailAbility.None;
            return new MailboxAccess(mailbox, ability, grants, allows, reason, established);
        }
    }

    /// <summary>The application access policies' decision for one mailbox, Microsoft's precedence in order; the sentences built once.</summary>
    private sealed class Policies(IReadOnlyList<PolicySource> policies)
    {
        private readonly bool _known = policies.All(p => p.Scope.IsKnown);
        private readonly List<(PolicySource Policy, string Reason)> _denies = [.. policies.Where(p => p.IsDeny)
            .Select(p => (p, $"Denied by the {p.Describe} (DenyAccess wins over every grant)."))];
        private readonly List<(PolicySource Policy, string Reason)> _restricts = [.. policies.Where(p => p.IsRestrict).Select(p => (p, $"Allowed by the {p.Describe}."))];
        private readonly string _outsideEvery = $"Denied: RestrictAccess policies exist for the application ({string.Join(", ", policies.Where(p => p.IsRestrict).Select(p => p.ScopeName))}) and the mailbox is in none of their scopes.";

        public (bool Allows, string Reason, bool Known) Apply(MailboxRef mailbox)
        {
            if (policies.Count == 0)
            {
                return (true, "No application access policy exists for the application, so the grants stand.", true);
            }

            foreach (var (deny, reason) in _denies)
            {
                if (deny.Scope.Contains(mailbox))
                {
                    return (false, reason, true);
                }
            }

            if (_restricts.Count == 0)
            {
                return (true, "No RestrictAccess policy exists for the application and no DenyAccess policy covers the mailbox.", _known);
            }

            foreach (var (restrict, reason) in _restricts)
            {
                if (restrict.Scope.Contains(mailbox))
                {
                    return (true, reason, _known);
                }
            }

            return (false, _outsideEvery, _known);
        }
    }
}
