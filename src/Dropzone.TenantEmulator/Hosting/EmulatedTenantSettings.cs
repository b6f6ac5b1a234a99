namespace Dropzone.TenantEmulator.Hosting;

/// <summary>
/// The settings a host needs to work against the emulated tenant, as the emulator defines them: the same keys
/// a real tenant's deployment configures (README, "Connect a real tenant"). A host mounting the emulator applies
/// these and never needs to know the demo directory behind them.
/// </summary>
public static class EmulatedTenantSettings
{
    public const string TenantId = DemoTenant.TenantId;
    public const string Domain = DemoTenant.Domain;

    /// <summary>Sign-in and app-only tokens: always these, whatever else is configured.</summary>
    public static IReadOnlyDictionary<string, string> Required { get; } = new Dictionary<string, string>
    {
        ["AzureAd:Instance"] = DemoTenant.Instance,
        ["AzureAd:TenantId"] = DemoTenant.TenantId,
        ["AzureAd:Domain"] = DemoTenant.Domain,
        ["AzureAd:ClientId"] = DemoTenant.PortalClientId,
        ["AzureAd:ClientCredentials:0:SourceType"] = "ClientSecret",
        ["AzureAd:ClientCredentials:0:ClientSecret"] = DemoTenant.PortalClientSecret,
    };

    /// <summary>
    /// Defaults for settings left empty: the application the wizard restricts (the demo tenant's Dropzone AI),
    /// and a sender for notification mail (the emulator records sent mail, so the workflow can be watched).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["RestrictedApp:ClientId"] = DemoTenant.RestrictedAppId,
        ["Notifications:SenderMailbox"] = DemoTenant.SecurityTeamMailbox,
    };
}
