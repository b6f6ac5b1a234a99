namespace Dropzone.Portal.Security;

/// <summary>
/// Stops the portal at start-up, with a message naming the setting, when a Production deployment lacks
/// what sign-in and the tenant connection need. Better a clear refusal than a sign-in page that fails.
/// </summary>
public static class StartupValidation
{
    private static readonly string[] RequiredInProduction = ["AzureAd:Instance", "AzureAd:TenantId", "AzureAd:ClientId"];

    /// <summary>Checks the settings as it is added, so that a missing one stops the start before anything runs.</summary>
    public static IHostApplicationBuilder AddStartupValidation(this IHostApplicationBuilder builder)
    {
        if (!builder.Environment.IsProduction())
        {
            return builder;
        }
        var configuration = builder.Configuration;
        var missing = RequiredInProduction.Where(key => string.IsNullOrWhiteSpace(configuration[key])).ToList();
        if (!HasClientCredential(configuration))
        {
            missing.Add("AzureAd:ClientCredentials (a certificate or a client secret)");
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "The portal cannot start in Production without its Entra ID settings. Missing: " +
                string.Join(", ", missing) + ". See README, 'Connect a real tenant'.");
        }
        if (!Uri.TryCreate(configuration["AzureAd:Instance"], UriKind.Absolute, out var instance) || instance.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException("AzureAd:Instance must be an https URL such as https://login.microsoftonline.com/.");
        }
        return builder;
    }

    private static bool HasClientCredential(IConfiguration configuration) =>
        configuration.GetSection("AzureAd:ClientCredentials").GetChildren()
            .Any(c => !string.IsNullOrWhiteSpace(c["SourceType"]))
        || !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientSecret"]);
}
