namespace Dropzone.Portal.TenantClients.Connection;

/// <summary>
/// What the preflight found. <see cref="Checked"/> is false when the manifest could not be read (a proxy, an outage):
/// the steps then report a refusal themselves. <see cref="MissingCmdlets"/> are the needed cmdlets the app's roles lack.
/// </summary>
public sealed record PermissionPreflightResult(bool Checked, bool Passed, MissingPermission? Missing, IReadOnlyList<string> MissingCmdlets, string Detail, string? Remedy);

/// <summary>Exchange cmdlets the portal needs for one purpose (e.g. "setups with application access policies").</summary>
public sealed record ExchangeCmdletRequirement(string Purpose, IReadOnlySet<string> Cmdlets);

/// <summary>What a part of the portal needs from Exchange, for the connection check to ask the tenant about.</summary>
public interface IExchangeCmdletRequirements
{
    IReadOnlyList<ExchangeCmdletRequirement> Requirements { get; }
}

/// <summary>
/// Tells, before anything is created, whether the portal's app may run the cmdlets a piece of work needs, and if not
/// exactly what is missing: the Exchange.ManageAsApp API permission, any Exchange role, or the named cmdlets in its role.
/// </summary>
public sealed class ExchangePermissionPreflight(ExchangeModuleManifestClient manifests)
{
    public async Task<PermissionPreflightResult> CheckAsync(IEnumerable<string> cmdlets, CancellationToken cancellationToken = default)
    {
        var needed = cmdlets.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var manifest = await manifests.GetAsync(cancellationToken);
        switch (manifest.Outcome)
        {
            case ExchangeOutcome.PermissionMissing refused:
                return new(true, false, refused.Which, needed, What(refused.Which) + " " + refused.Message, refused.Remedy);
            case { IsSuccess: false } other:
                return new(false, true, null, [], $"Could not read which cmdlets the portal's app may run ({other.Kind}: {other.Message}); each step reports a refusal itself.", null);
        }

        var missing = needed.Where(c => !manifest.ExportedCmdlets.Contains(c)).ToList();
        return missing.Count == 0
            ? new(true, true, null, [], $"The portal's app may run all {needed.Count} cmdlet(s) needed.", null)
            : new(true, false, MissingPermission.ExchangeRoleLacksCmdlet, missing,
                $"The portal's app has Exchange.ManageAsApp and an Exchange role, but its role lacks {missing.Count} needed cmdlet(s): {string.Join(", ", missing)}.",
                Remedies.ExchangeRoleLacksCmdlet(string.Join(", ", missing)));
    }

    private static string What(MissingPermission which) => which switch
    {
        MissingPermission.ExchangeManageAsApp => "Missing API permission: Exchange.ManageAsApp.",
        MissingPermission.ExchangeAdministratorRole => "Missing Exchange role: the portal's app has Exchange.ManageAsApp but no Exchange role.",
        MissingPermission.AppCredentials => "The portal could not sign in as its app.",
        _ => "Exchange refused.",
    };
}
