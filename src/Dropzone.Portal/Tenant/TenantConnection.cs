namespace Dropzone.Portal.Tenant;

/// <summary>
/// Which tenant the portal talks to. With no <c>AzureAd:ClientId</c> configured and outside Production,
/// the portal runs on the built-in emulated tenant, so a fresh clone works with no Microsoft 365 tenant.
/// </summary>
public sealed record TenantConnection(bool IsEmulated, string? TenantId, string? Domain)
{
    public static TenantConnection FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var clientId = configuration["AzureAd:ClientId"];
        var isEmulated = string.IsNullOrWhiteSpace(clientId) && !environment.IsProduction();
        return new TenantConnection(isEmulated, configuration["AzureAd:TenantId"], configuration["AzureAd:Domain"]);
    }
}
