namespace Dropzone.Portal.Core.Restriction.Rbac;

/// <summary>RBAC for Applications' drift: the management scope removed or its filter altered, role assignments removed.</summary>
internal static class RbacDrift
{
    public static async Task<IReadOnlyList<string>> FindAsync(RestrictionTarget target, TenantCallLog calls, CancellationToken cancellationToken)
    {
        var drift = new List<string>();
        var (r, options) = (target.Request, target.Options);
        var scope = await calls.InvokeAsync(RbacCommands.GetScope(r, options), cancellationToken);
        if (scope.Outcome is ExchangeOutcome.NotFound)
        {
            drift.Add("The management scope was removed");
        }
        else if (scope.FirstRow is { } s && target.GroupDistinguishedName is { } dn
            && !string.Equals(ManagementScopeInfo.From(s).RecipientFilter, RbacCommands.ScopeFilter(dn), StringComparison.OrdinalIgnoreCase))
        {
            drift.Add("The management scope's filter was altered");
        }

        var gets = await calls.InvokeManyAsync([.. r.RbacRoles.Select(role => RbacCommands.GetAssignment(r, options, role))], cancellationToken);
        var missing = gets.Count(g => g.Outcome is ExchangeOutcome.NotFound || (g.IsSuccess && g.Rows.Count == 0));
        if (missing > 0)
        {
            drift.Add($"{missing} role assignment(s) were removed");
        }

        return drift;
    }
}
