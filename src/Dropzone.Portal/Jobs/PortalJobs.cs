using Microsoft.Data.Sqlite;

namespace Dropzone.Portal.Jobs;

/// <summary>
/// Hangfire on this host's own storage (<see cref="JobStorageFactory"/>), the recurring jobs of
/// <see cref="RecurringJobs"/> and the dashboard at <c>/jobs</c>. Jobs are thin: the domain tables, not the
/// job storage, are the source of truth.
/// </summary>
public static class PortalJobs
{
    public const string DashboardPath = "/jobs";

    public static IHostApplicationBuilder AddPortalJobs(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        // The storage is this host's own singleton, registered before AddHangfire (which only adds one if none
        // exists). Hangfire's default hands every host the process-wide JobStorage.Current, so two hosts in one
        // process (tests, a benchmark) could enqueue into each other's storage.
        // Created when first resolved, not here: a storage's constructor logs through Hangfire's process-wide log
        // provider, which this host's AddHangfire points at its own logger factory only once it is resolved (until then
        // it may still be a previous, disposed host's).
        builder.Services.AddSingleton<JobStorage>(_ => JobStorageFactory.Create(builder.Configuration, builder.Environment.ContentRootPath, options));
        builder.Services.AddHangfire((services, configuration) => configuration
            .UseLogProvider(new HostLogProvider(services.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        if (options.RunServer)
        {
            builder.Services.AddHangfireServer((services, server) =>
            {
                // This host's activator, not the process-wide JobActivator.Current that the last configured host set.
                server.Activator = services.GetRequiredService<JobActivator>();
                server.WorkerCount = options.WorkerCount;
                server.SchedulePollingInterval = options.QueuePollInterval;
                server.ServerName = $"portal-{Environment.MachineName}";
                server.Queues = RecurringJobs.Queues;
            });
            builder.Services.AddSingleton<ImmediateRunStart>();
            builder.Services.AddHostedService(services => services.GetRequiredService<ImmediateRunStart>());
        }
        builder.Services.AddOptions<RecurringJobsOptions>().Bind(builder.Configuration.GetSection(RecurringJobsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RecurringJobsOptions>, RecurringJobsOptionsValidation>();
        builder.Services.AddHostedService<RecurringJobsSchedule>();
        builder.Services.AddHealthChecks().AddCheck<JobStorageHealthCheck>("jobs", tags: [Health.PortalHealth.ReadyTag]);
        return builder;
    }

    private sealed class RecurringJobsOptionsValidation : IValidateOptions<RecurringJobsOptions>
    {
        public ValidateOptionsResult Validate(string? name, RecurringJobsOptions options) =>
            options.Invalid().ToList() is { Count: > 0 } invalid
                ? ValidateOptionsResult.Fail($"Not a cron expression (five fields, e.g. \"*/15 * * * *\"): {string.Join(", ", invalid)}.")
                : ValidateOptionsResult.Success;
    }

    private sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var monitoring = storage.GetMonitoringApi();
                var servers = monitoring.Servers().Count;
                var failed = monitoring.FailedCount();
                return Task.FromResult(HealthCheckResult.Healthy($"{servers} job server(s), {failed} failed job(s)"));
            }
            catch (Exception ex) when (ex is SqliteException or Npgsql.NpgsqlException or IOException or InvalidOperationException or SQLite.SQLiteException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("Job storage unreachable", ex));
            }
        }
    }
}

/// <summary>Settings under <c>Jobs</c>.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Whether this instance processes jobs (false for a UI-only instance).</summary>
    public bool RunServer { get; set; } = true;

    /// <summary>Concurrent jobs per instance; the tenant clients limit concurrent Exchange calls separately.</summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>How often idle workers look for new jobs; small so a run starts promptly after Apply.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>On SQLite: a fetched job's invisibility, whether its worker lives or died.</summary>
    public static readonly TimeSpan EmbeddedInvisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// On PostgreSQL: how long after its instance died a fetched job is retried elsewhere. Runs the dead instance
    /// held are taken over sooner by the instance registry; this covers a job fetched but not yet started.
    /// </summary>
    public static readonly TimeSpan SharedInvisibilityTimeout = TimeSpan.FromSeconds(20);

    /// <summary>On PostgreSQL: the age at which a Hangfire lock left by a dead instance is removed.</summary>
    public static readonly TimeSpan SharedLockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a job taken by a worker that died stays invisible before another worker retries it (default per storage, above).</summary>
    public TimeSpan? InvisibilityTimeout { get; set; }
}

public static class PortalJobsDashboard
{
    public static IEndpointConventionBuilder MapPortalJobsDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboard(PortalJobs.DashboardPath, new DashboardOptions
        {
            DashboardTitle = "Dropzone Portal · Jobs",
            AppPath = "/",
            DisplayStorageConnectionString = false,
            // The endpoint's authorization policy decides; Hangfire's own filter would only allow local requests.
            Authorization = [],
        }).RequireAuthorization(Dropzone.Portal.Core.Security.PortalPolicies.Admin);
}
