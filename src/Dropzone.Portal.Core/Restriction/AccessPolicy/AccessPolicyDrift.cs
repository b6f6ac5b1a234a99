namespace Dropzone.Portal.Core.Restriction.AccessPolicy;

/// <summary>
/// The access policy mode's drift: its policy removed or altered. Other policies for the application are not this
/// group's drift: the re-check names those the portal did not make, and effective access says what they change.
/// </summary>
internal static class AccessPolicyDrift
{
    public static async Task<IReadOnlyList<string>> FindAsync(RestrictionTarget target, TenantCallLog calls, CancellationToken cancellationToken)
    {
        var drift = new List<string>();
        var r = target.Request;
        var policies = await calls.InvokeAsync(AccessPolicyCommands.GetPolicies(), cancellationToken);
        if (!policies.IsSuccess && policies.Outcome is not ExchangeOutcome.NotFound)
        {
            return drift;
        }

        var forApp = policies.Rows.Select(ApplicationAccessPolicyInfo.From)
            .Where(p => string.Equals(p.AppId, r.RestrictedAppId, StringComparison.OrdinalIgnoreCase)).ToList();
        var ours = forApp.Where(p => AccessPolicyCommands.IsThisGroup(p, r, target.GroupIdentity, target.GroupDistinguishedName)).ToList();
        if (ours.Count == 0)
        {
            drift.Add("The application access policy was removed");
        }
        else if (ours.Any(p => p.AccessRight != AccessPolicyCommands.RestrictAccess))
        {
            drift.Add($"The application access policy was altered (AccessRight {ours[0].AccessRight})");
        }

        return drift;
    }
}
