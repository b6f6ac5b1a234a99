namespace Dropzone.Portal.Health;

/// <summary>Settings under <c>Health</c>: how long the probes may take and how long a readiness answer is reused.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>Each readiness check (database, job storage) answers within this or counts as failed.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A readiness answer is reused for this long, so frequent probes from several orchestrators cost one check.</summary>
    public TimeSpan ReadyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The admin-only tenant connection check gives up after this long (Exchange may be throttling).</summary>
    public TimeSpan TenantCheckTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
