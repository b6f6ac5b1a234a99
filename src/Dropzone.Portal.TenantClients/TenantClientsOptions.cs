namespace Dropzone.Portal.TenantClients;

/// <summary>Settings of the tenant clients (configuration section <c>TenantClients</c>); docs/tenant-clients.md lists them.</summary>
public sealed class TenantClientsOptions
{
    public const string SectionName = "TenantClients";

    /// <summary>The tenant GUID (the token's <c>tid</c>). Empty: <c>AzureAd:TenantId</c> is used.</summary>
    public string? TenantId { get; set; }

    /// <summary>The configuration section holding the app registration (Instance, TenantId, ClientId, credentials).</summary>
    public string AzureAdSection { get; set; } = "AzureAd";

    public Uri ExchangeBaseUrl { get; set; } = new("https://outlook.office365.com");

    public string ExchangeScope { get; set; } = "https://outlook.office365.com/.default";

    /// <summary>Graph root including the version segment.</summary>
    public Uri GraphBaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0");

    public string GraphScope { get; set; } = "https://graph.microsoft.com/.default";

    /// <summary>Calls in flight to one tenant at once; Exchange publishes no limit, so stay small.</summary>
    public int MaxConcurrencyPerTenant { get; set; } = 4;

    /// <summary>Retries after the first attempt (the official module retries 5 times).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First backoff delay; doubles each retry, with jitter (the official module uses 2 s × 2ⁿ).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A <c>Retry-After</c> longer than this is cut to it, so one answer cannot park a job for hours.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>One HTTP attempt. Bulk membership calls near the 2,000 threshold can take minutes.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(150);

    /// <summary>All attempts of one call, backoff included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the "tenant" health check reuses its last connection report.</summary>
    public TimeSpan HealthCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sent as <c>X-ClientApplication</c>.</summary>
    public string ClientApplication { get; set; } = "Dropzone.Portal";

    /// <summary>Name under which the app registration's options are bound for token acquisition.</summary>
    public string AuthenticationOptionsName { get; set; } = "TenantClients";
}
