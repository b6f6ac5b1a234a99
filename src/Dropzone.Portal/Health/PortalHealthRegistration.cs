using Dropzone.Portal.TenantClients.Connection;

namespace Dropzone.Portal.Health;

/// <summary>
/// The probes an orchestrator uses: <c>/healthz/live</c> (the process answers; no I/O) and
/// <c>/healthz/ready</c> (database and job storage, each time-boxed, the answer reused briefly);
/// <c>/healthz</c> answers as <c>/healthz/ready</c>. The tenant connection check never runs in a probe:
/// it is <c>/healthz/tenant</c>, for admins only, time-boxed as well.
/// </summary>
public static class PortalHealth
{
    /// <summary>Checks a readiness probe runs: what the portal cannot serve without.</summary>
    public const string ReadyTag = "ready";

    private const string LivePath = "/healthz/live";
    private const string TenantPath = "/healthz/tenant";

    /// <summary><c>/healthz</c> answers as <c>/healthz/ready</c>, for probes set up before the two were told apart.</summary>
    private static readonly string[] ReadyPaths = ["/healthz/ready", "/healthz"];

    /// <summary>Whether a request is an orchestrator's probe (answered often, so not worth a trace); as routing, ignoring case.</summary>
    public static bool IsProbe(PathString path) => path == LivePath || ReadyPaths.Any(ready => path == ready);

    public static IHostApplicationBuilder AddPortalHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>()
            .Bind(builder.Configuration.GetSection(HealthOptions.SectionName))
            .Validate(o => o.CheckTimeout > TimeSpan.Zero, "Health:CheckTimeout must be a positive duration such as 00:00:02.")
            .Validate(o => o.ReadyCacheDuration >= TimeSpan.Zero, "Health:ReadyCacheDuration must not be negative.")
            .Validate(o => o.TenantCheckTimeout > TimeSpan.Zero, "Health:TenantCheckTimeout must be a positive duration such as 00:00:30.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReadinessProbe>();
        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>(
            "database",
            tags: [ReadyTag],
            // Opening a SQLite connection proves nothing; reading the migration history reads the file.
            customTestQuery: async (db, cancellationToken) =>
                !(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any());
        builder.Services.AddOptions<HealthCheckServiceOptions>().PostConfigure<IOptions<HealthOptions>>((health, settings) =>
        {
            foreach (var registration in health.Registrations)
            {
                var timeout = registration.Tags.Contains(ReadyTag) ? settings.Value.CheckTimeout
                    : registration.Tags.Contains(TenantHealthCheck.Tag) ? settings.Value.TenantCheckTimeout
                    : (TimeSpan?)null;
                if (timeout is { } limit)
                {
                    var create = registration.Factory;
                    registration.Factory = services =>
                        new TimeBoxedHealthCheck(create(services), limit, services.GetService<TimeProvider>() ?? TimeProvider.System);
                }
            }
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapPortalHealth(this IEndpointRouteBuilder endpoints)
    {
        // Liveness is the process answering: no database, no disk, no tenant, so a slow dependency never gets it restarted.
        endpoints.MapGet(LivePath, (HttpContext context) => HealthResponse.WriteLiveAsync(context))
            .AllowAnonymous().DisableHttpMetrics().ExcludeFromDescription();
        foreach (var path in ReadyPaths)
        {
            endpoints.MapGet(path, async (HttpContext context, ReadinessProbe probe) =>
            {
                var report = await probe.GetReportAsync().WaitAsync(context.RequestAborted);
                await HealthResponse.WriteAsync(context, report);
            }).AllowAnonymous().DisableHttpMetrics().ExcludeFromDescription();
        }
        endpoints.MapGet(TenantPath, async (HttpContext context, HealthCheckService health) =>
        {
            var report = await health.CheckHealthAsync(r => r.Tags.Contains(TenantHealthCheck.Tag), context.RequestAborted);
            await HealthResponse.WriteAsync(context, report);
        }).RequireAuthorization(PortalPolicies.Admin).DisableHttpMetrics().ExcludeFromDescription();
        return endpoints;
    }
}
