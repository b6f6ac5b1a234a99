using System.Text.RegularExpressions;

namespace Dropzone.Portal.Core.Access;

/// <summary>
/// Reads, from the tenant, every source that decides what the application can reach: its Entra app-role assignments
/// (Graph), its application access policies, its RBAC for Applications assignments and their scopes, the mailboxes,
/// and the members of every group a policy or scope names. A fixed number of calls plus one member read per group,
/// all counted on <see cref="TenantCallLog"/>.
/// </summary>
public static partial class EffectiveAccessReader
{
    public static async Task<AccessReading> ReadAsync(TenantCallLog calls, string appId, IReadOnlyList<PortalOwnedGroup> ownGroups, SetupOptions options, CancellationToken cancellationToken)
    {
        var gaps = new List<string>();
        // The mailbox listing is the one large read (eleven pages for 10,000 mailboxes): on its own, with only the columns
        // the verdict needs, in parallel with everything else rather than holding up the batch of the small reads.
        var listing = calls.InvokeAsync(MailboxListing, cancellationToken);
        var (appName, entra) = await ReadEntraAsync(calls, appId, gaps);
        var reads = await calls.InvokeManyAsync(
            [ExchangeCommands.GetApplicationAccessPolicy(), ExchangeCommands.GetManagementRoleAssignment(), ExchangeCommands.GetManagementScope()],
            cancellationToken);
        var (policyRows, assignmentRows, scopeRows) = (reads[0], reads[1], reads[2]);
        var policies = policyRows.Rows.Select(ApplicationAccessPolicyInfo.From)
            .Where(p => string.Equals(p.AppId, appId, StringComparison.OrdinalIgnoreCase)).ToList();
        var servicePrincipalIds = new[] { appId, entra.ServicePrincipalId }.OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var assignments = assignmentRows.Rows.Select(ManagementRoleAssignmentInfo.From)
            .Where(a => a.RoleAssignee is { } assignee && servicePrincipalIds.Contains(assignee) && a.Role is not null).ToList();
        var scopes = scopeRows.Rows.Select(ManagementScopeInfo.From).Where(s => s.Name is not null)
            .ToDictionary(s => s.Name!, s => s.RecipientFilter, StringComparer.OrdinalIgnoreCase);

        // One member read per distinct group that a policy or a scope names.
        var groupNames = policies.Select(p => p.ScopeName ?? p.ScopeIdentity).OfType<string>()
            .Concat(assignments.Select(a => ScopeGroupDn(a.CustomResourceScope, scopes)).OfType<string>())
            .Concat(ownGroups.Select(g => g.DistinguishedName ?? g.Address))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var memberAnswers = await calls.InvokeManyAsync([.. groupNames.Select(ExchangeCommands.GetDistributionGroupMember)], cancellationToken);
        var mailboxRows = await listing;
        foreach (var (answer, what) in new[] { (policyRows, "application access policies"), (assignmentRows, "role assignments"), (scopeRows, "management scopes"), (mailboxRows, "mailboxes") })
        {
            if (!answer.IsSuccess && answer.Outcome is not ExchangeOutcome.NotFound)
            {
                gaps.Add($"the {what} could not be read ({TenantCallLog.Describe(answer)})");
            }
        }

        var mailboxes = mailboxRows.Rows.Select(RecipientInfo.From).Where(m => !string.IsNullOrEmpty(m.PrimarySmtpAddress))
            .Select(m => new MailboxRef(m.PrimarySmtpAddress!, m.ExternalDirectoryObjectId, m.DisplayName)).ToList();
        var groupSets = groupNames.Select((name, i) => (name, set: MemberSet(memberAnswers[i], name, mailboxes)))
            .ToDictionary(x => x.name, x => x.set, StringComparer.OrdinalIgnoreCase);

        var policySources = policies.Select(p =>
        {
            var scope = p.ScopeName ?? p.ScopeIdentity ?? "";
            var own = p.AccessRight == "RestrictAccess" && ownGroups.Any(g => g.IsNamed(p.ScopeName) || g.IsNamed(p.ScopeIdentity));
            return new PolicySource(p.Identity ?? scope, p.AccessRight ?? "", scope, groupSets.GetValueOrDefault(scope) ?? MailboxSet.Unknown, own);
        }).ToList();
        var rbacSources = assignments.Select(a => Rbac(a, scopes, groupSets, ownGroups, options, gaps)).ToList();
        var intended = MailboxSet.Of(ownGroups.SelectMany(g => groupSets.GetValueOrDefault(g.DistinguishedName ?? g.Address) is { Keys: { } keys }
            ? keys.Select(k => new MailboxRef(k, null)) : []));
        return new AccessReading(new AccessSources(appId, appName, entra.Grants, policySources, rbacSources, mailboxes) { Gaps = gaps }, intended, ownGroups);
    }

    /// <summary>Every mailbox, with the three columns a verdict names it by.</summary>
    private static readonly ExchangeCommand MailboxListing =
        ExchangeCommands.FindMailboxes(unlimited: true).Selecting("PrimarySmtpAddress", "ExternalDirectoryObjectId", "DisplayName");

    private static RbacSource Rbac(ManagementRoleAssignmentInfo a, Dictionary<string, string?> scopes, Dictionary<string, MailboxSet> groupSets,
        IReadOnlyList<PortalOwnedGroup> ownGroups, SetupOptions options, List<string> gaps)
    {
        var scopeName = string.IsNullOrEmpty(a.CustomResourceScope) ? null : a.CustomResourceScope;
        var own = scopeName is not null && ownGroups.Any(g => string.Equals(g.RbacScopeName(options), scopeName, StringComparison.OrdinalIgnoreCase));
        if (scopeName is null)
        {
            return new RbacSource(a.Name ?? a.Role!, a.Role!, null, MailboxSet.Unknown, own);
        }

        var dn = ScopeGroupDn(scopeName, scopes);
        if (dn is null)
        {
            if (MailPermissions.RbacAbility(a.Role) != MailAbility.None)
            {
                gaps.Add(scopes.ContainsKey(scopeName)
                    ? $"the scope {scopeName} of {a.Name} has a filter other than MemberOfGroup, which the portal cannot evaluate"
                    : $"the scope {scopeName} of {a.Name} was not found");
            }

            return new RbacSource(a.Name ?? a.Role!, a.Role!, scopeName, MailboxSet.Unknown, own);
        }

        var groupName = ownGroups.FirstOrDefault(g => g.IsNamed(dn))?.DisplayName ?? CommonName(dn);
        return new RbacSource(a.Name ?? a.Role!, a.Role!, scopeName, groupSets.GetValueOrDefault(dn) ?? MailboxSet.Unknown, own, groupName);
    }

    private static async Task<(string? AppName, (string? ServicePrincipalId, IReadOnlyList<EntraMailPermission> Grants) Entra)> ReadEntraAsync(
        TenantCallLog calls, string appId, List<string> gaps)
    {
        try
        {
            var sp = await calls.CallDirectoryAsync($"GET /servicePrincipals(appId='{appId}')", d => d.GetServicePrincipalByAppIdAsync(appId));
            if (sp is null)
            {
                return (null, (null, []));
            }

            var report = await calls.CallDirectoryAsync($"GET /servicePrincipals/{sp.Id}/appRoleAssignments", d => d.GetAppRoleGrantsAsync(sp.Id));
            IReadOnlyList<EntraMailPermission> grants = [.. report.Select(g => MailPermissions.FindEntra(g.AppRoleId)).OfType<EntraMailPermission>().Distinct()];
            return (sp.DisplayName, (sp.Id, grants));
        }
        catch (DirectoryException ex)
        {
            gaps.Add($"the application's Entra permissions could not be read ({ex.Message})");
            return (null, (null, []));
        }
    }

    /// <summary>The group's direct members; a policy scoped to one mailbox names that mailbox; a removed group covers nothing.</summary>
    private static MailboxSet MemberSet(ExchangeResult answer, string name, IReadOnlyList<MailboxRef> mailboxes)
    {
        if (answer.IsSuccess)
        {
            return MailboxSet.Of(answer.Rows.Select(RecipientInfo.From)
                .Select(m => new MailboxRef(m.PrimarySmtpAddress ?? "", m.ExternalDirectoryObjectId)));
        }

        if (answer.Outcome is ExchangeOutcome.NotFound)
        {
            return MailboxSet.Of(mailboxes.Where(m => string.Equals(m.Address, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(m.ObjectId, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(m.DisplayName, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(m.Address.Split('@')[0], name, StringComparison.OrdinalIgnoreCase)));
        }

        return MailboxSet.Unknown;
    }

    private static string? ScopeGroupDn(string? scopeName, Dictionary<string, string?> scopes) =>
        scopeName is not null && scopes.TryGetValue(scopeName, out var filter) && filter is not null && MemberOfGroup().Match(filter) is { Success: true } m
            ? m.Groups["dn"].Value.Replace("''", "'", StringComparison.Ordinal)
            : null;

    private static string CommonName(string dn) => dn.StartsWith("CN=", StringComparison.OrdinalIgnoreCase) ? dn[3..].Split(',')[0] : dn;

    [GeneratedRegex("""^\s*MemberOfGroup\s+-eq\s+(['"])(?<dn>.+)\1\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex MemberOfGroup();
}
