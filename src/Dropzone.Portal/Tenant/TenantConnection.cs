namespace Dropzone.Portal.Tenant;

/// <summary>
/// Which tenant the portal talks to. The built-in emulated tenant signs anyone in as anyone, so it runs only
/// in Development with no <c>AzureAd:ClientId</c> configured (a fresh clone works with no Microsoft 365 tenant),
/// or where <c>TenantEmulator:Enabled=true</c> says so explicitly, and never in Production. Any other
/// environment without a tenant refuses to start rather than quietly becoming a demo.
/// </summary>
public sealed record TenantConnection(bool IsEmulated, string? TenantId, string? Domain)
{
    public const string EmulatorEnabledKey = "TenantEmulator:Enabled";

    public static TenantConnection FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var clientId = configuration["AzureAd:ClientId"];
        var forced = configuration.GetValue<bool?>(EmulatorEnabledKey);
        if (forced == true && environment.IsProduction())
        {
            throw new InvalidOperationException(
                $"The tenant emulator cannot run in the Production environment: it signs anyone in as anyone. " +
                $"Remove '{EmulatorEnabledKey}' and configure AzureAd (Instance, TenantId, ClientId and a credential) for a real tenant.");
        }
        var noTenant = string.IsNullOrWhiteSpace(clientId);
        if (forced is null && noTenant && !environment.IsDevelopment() && !environment.IsProduction())
        {
            throw new InvalidOperationException(
                $"No tenant is configured for the '{environment.EnvironmentName}' environment. Configure AzureAd (Instance, TenantId, " +
                $"ClientId and a credential) for a real tenant, or set '{EmulatorEnabledKey}=true' to run the emulated demo tenant, " +
                "which signs anyone in as anyone, outside Development.");
        }
        var isEmulated = forced ?? (noTenant && environment.IsDevelopment());
        return isEmulated
            ? new TenantConnection(true, EmulatedTenantSettings.TenantId, EmulatedTenantSettings.Domain)
            : new TenantConnection(false, configuration["AzureAd:TenantId"], configuration["AzureAd:Domain"]);
    }

    /// <summary>
    /// The connection this host was built for, decided once by <see cref="TenantRegistration.AddTenantConnection"/>
    /// (the emulator rewrites AzureAd, so deciding again later would give another answer).
    /// </summary>
    public static TenantConnection Of(IHostApplicationBuilder builder) =>
        builder.Properties.TryGetValue(typeof(TenantConnection), out var connection) && connection is TenantConnection decided
            ? decided
            : throw new InvalidOperationException("Call AddTenantConnection first: the tenant connection is decided there.");
}
