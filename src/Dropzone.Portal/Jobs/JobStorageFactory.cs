using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;

namespace Dropzone.Portal.Jobs;

/// <summary>
/// Where the jobs are kept: Hangfire's SQLite storage (its own file beside the portal database) or its PostgreSQL
/// storage (shared by every instance), chosen by <c>Database:Provider</c> as the portal's database is.
/// </summary>
internal static class JobStorageFactory
{
    private const string ConnectionStringName = "Jobs";

    /// <summary>
    /// SQLite storage beside the portal's file, or, on PostgreSQL, the <c>hangfire</c> schema of
    /// <c>ConnectionStrings:Jobs</c> (default: the portal's own database), which every instance shares.
    /// </summary>
    public static JobStorage Create(IConfiguration configuration, string contentRoot, JobsOptions options)
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
}
