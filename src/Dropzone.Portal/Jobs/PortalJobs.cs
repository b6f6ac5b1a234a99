using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;

namespace Dropzone.Portal.Jobs;

/// <summary>
/// Hangfire with SQLite storage (its own file beside the portal database) or PostgreSQL storage (shared by every
/// instance), the recurring jobs of
/// <see cref="RecurringJobs"/> and the dashboard at <c>/jobs</c>. Jobs are thin: the domain tables, not the
/// job storage, are the source of truth.
/// </summary>
public static class PortalJobs
{
    public const string DashboardPath = "/jobs";
    private const string ConnectionStringName = "Jobs";

    public static IHostApplicationBuilder AddPortalJobs(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        // The storage is this host's own singleton, registered before AddHangfire (which only adds one if none
        // exists). Hangfire's default hands every host the process-wide JobStorage.Current, so two hosts in one
        // process (tests, a benchmark) could enqueue into each other's storage.
        // Created when first resolved, not here: a storage's constructor logs through Hangfire's process-wide log
        // provider, which this host's AddHangfire points at its own logger factory only once it is resolved (until then
        // it may still be a previous, disposed host's).
        builder.Services.AddSingleton<JobStorage>(_ => CreateStorage(builder.Configuration, builder.Environment.ContentRootPath, options));
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

    /// <summary>
    /// SQLite storage beside the portal's file, or, on PostgreSQL, the <c>hangfire</c> schema of
    /// <c>ConnectionStrings:Jobs</c> (default: the portal's own database), which every instance shares.
    /// </summary>
    private static JobStorage CreateStorage(IConfiguration configuration, string contentRoot, JobsOptions options)
    {
        if (PortalDatabaseOptions.From(configuration).Provider == PortalDatabaseProvider.PostgreSql)
        {
            var connectionString = configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } jobs
                ? jobs
                : PortalDatabase.ResolvePostgreSqlConnectionString(configuration);
            var storageOptions = new PostgreSqlStorageOptions
            {
                // A live worker keeps its job's fetch time fresh (every fifth of the timeout), so the timeout bounds
                // only how long the job of a killed instance stays invisible, not how long a job may run.
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = options.InvisibilityTimeout ?? JobsOptions.SharedInvisibilityTimeout,
                // Hangfire's locks (the scheduler's, a job's state lock) are rows; one a killed instance held is
                // removed once this old (Hangfire's default, 10 min, stalled every scheduled retry that long). Those
                // are held for milliseconds; the recurring jobs' no-overlap locks are held for the whole job, so a
                // re-check running longer than this may be started beside itself: it claims each group before checking
                // it (GroupRechecker), so no group is checked twice.
                DistributedLockTimeout = JobsOptions.SharedLockTimeout,
                QueuePollInterval = options.QueuePollInterval,
                // An enqueue sends NOTIFY and idle workers on every instance LISTEN, so a run starts at once after
                // Apply or a takeover instead of at the next poll.
                EnableLongPolling = true,
                // Creates or upgrades the schema under Hangfire's own lock, so instances starting together are safe.
                PrepareSchemaIfNecessary = true,
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions);
        }
        return new SQLiteStorage(ResolveDatabasePath(configuration, contentRoot), new SQLiteStorageOptions
        {
            // No sliding timeout in this storage: a job is invisible for this long whether its worker lives or not,
            // so it must outlast the longest run step (the lease, not Hangfire, keeps a step from running twice).
            InvisibilityTimeout = options.InvisibilityTimeout ?? JobsOptions.EmbeddedInvisibilityTimeout,
            QueuePollInterval = options.QueuePollInterval,
        });
    }

    /// <summary>
    /// The SQLite file for the job storage: <c>ConnectionStrings:Jobs</c>, or <c>data/jobs.db</c> under the
    /// content root. Hangfire.Storage.SQLite takes a file path, not a connection string.
    /// </summary>
    public static string ResolveDatabasePath(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        var dataSource = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine("data", "jobs.db")
            : new SqliteConnectionStringBuilder(configured).DataSource;
        var path = Path.GetFullPath(dataSource, contentRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
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
