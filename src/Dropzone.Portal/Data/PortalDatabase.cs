using System.Data.Common;
using Dropzone.Portal.Core;
using Dropzone.Portal.TenantClients;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dropzone.Portal.Data;

/// <summary>
/// Registers the portal database (<c>Database:Provider</c>: SQLite by default, or PostgreSQL) and, at start-up,
/// either brings its schema up to date or checks that it is (<see cref="PortalDatabaseOptions.MigrateOnStart"/>).
/// </summary>
public static class PortalDatabase
{
    public static IHostApplicationBuilder AddPortalDatabase(this IHostApplicationBuilder builder)
    {
        var options = PortalDatabaseOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        if (options.Provider == PortalDatabaseProvider.PostgreSql)
        {
            var connectionString = ResolvePostgreSqlConnectionString(builder.Configuration);
            builder.Services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(PortalDatabaseProvider.PostgreSql, connectionString));
            AddInstanceCoordination(builder.Services, connectionString);
            return builder;
        }
        var sqlite = ResolveSqliteConnectionString(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(new SqliteConnectionPragmas());
        builder.Services.AddDbContextFactory<PortalDbContext>((services, o) =>
            o.UsePortalDatabase(PortalDatabaseProvider.Sqlite, sqlite)
             .AddInterceptors(services.GetRequiredService<SqliteConnectionPragmas>()));
        return builder;
    }

    /// <summary>
    /// What several instances on one database share beyond the data: the per-tenant call limit (advisory-lock slots)
    /// and the push of run progress and request changes (LISTEN/NOTIFY). Registered before the features, whose
    /// in-process defaults are only added when nothing else is.
    /// </summary>
    private static void AddInstanceCoordination(IServiceCollection services, string connectionString)
    {
        services.AddSingleton<ITenantConcurrencyLimiter>(sp =>
            new PostgreSqlTenantConcurrencyLimiter(connectionString, sp.GetRequiredService<IOptions<TenantClientsOptions>>()));
        services.AddSingleton(sp => new PostgreSqlEventRelay(connectionString, sp, sp.GetRequiredService<ILogger<PostgreSqlEventRelay>>()));
        services.AddSingleton<IInstanceEventForwarder>(sp => sp.GetRequiredService<PostgreSqlEventRelay>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgreSqlEventRelay>());
    }

    /// <summary><c>ConnectionStrings:Portal</c>, which PostgreSQL needs (there is no default server).</summary>
    public static string ResolvePostgreSqlConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(PortalDatabaseDefaults.ConnectionStringName) is { Length: > 0 } configured
            ? configured
            : throw new InvalidOperationException(
                "Database:Provider is PostgreSql but ConnectionStrings:Portal is not set (e.g. \"Host=db;Database=dropzone;Username=dropzone;Password=…\").");

    /// <summary>
    /// The configured connection string, or a file under <c>data/</c> in the content root. Relative
    /// <c>Data Source</c> paths are anchored to the content root and their folder is created, so the
    /// portal starts the same way from any working directory.
    /// </summary>
    public static string ResolveSqliteConnectionString(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetConnectionString(PortalDatabaseDefaults.ConnectionStringName);
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(PortalDatabaseDefaults.DataFolder, PortalDatabaseDefaults.FileName)}"
            : configured);

        if (builder.Mode != SqliteOpenMode.Memory && !builder.DataSource.StartsWith(':'))
        {
            var path = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }
        builder.Pooling = true;
        return builder.ToString();
    }

    /// <summary>
    /// At start-up: applies pending migrations when <c>Database:MigrateOnStart</c> says so; otherwise refuses to
    /// start on a schema the <c>migrate</c> command has not brought up to date.
    /// </summary>
    public static async Task PreparePortalDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<PortalDatabaseOptions>().ShouldMigrateOnStart)
        {
            await services.MigratePortalDatabaseAsync(cancellationToken);
            return;
        }
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The portal database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}). Run " +
                "\"dotnet Dropzone.Portal.dll migrate\" once (or set Database:MigrateOnStart=true), then start the portal.");
        }
    }

    /// <summary>
    /// Applies pending migrations. On PostgreSQL a session advisory lock lets one instance at a time do it, so
    /// instances (or migrators) starting together apply each migration once and the others find nothing pending.
    /// On SQLite it also switches the file to write-ahead logging.
    /// </summary>
    public static async Task MigratePortalDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers (audit page, dashboards) proceed while a job writes; it is a property of the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            return;
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({PostgreSqlLocks.Migrations})", cancellationToken);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({PostgreSqlLocks.Migrations})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>
/// Sets the busy timeout on every SQLite connection so that concurrent writers (web requests and
/// background jobs) wait for the lock instead of failing with "database is locked".
/// </summary>
public sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    public const int BusyTimeoutMilliseconds = 10_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection) return;
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMilliseconds}; PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }
}
