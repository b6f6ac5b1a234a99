using Dropzone.TenantEmulator.Hosting;

namespace Dropzone.Portal.Tenant;

/// <summary>
/// Which tenant the portal talks to. With no <c>AzureAd:ClientId</c> configured and outside Production,
/// the portal runs on the built-in emulated tenant, so a fresh clone works with no Microsoft 365 tenant.
/// <c>TenantEmulator:Enabled</c> forces the choice either way; forcing it on in Production is refused,
/// because the emulator signs anyone in as anyone.
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
        var isEmulated = forced ?? (string.IsNullOrWhiteSpace(clientId) && !environment.IsProduction());
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
