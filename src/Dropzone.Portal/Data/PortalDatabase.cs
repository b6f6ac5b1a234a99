using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dropzone.Portal.Data;

/// <summary>Registers the portal database (SQLite by default) and brings its schema up to date at start-up.</summary>
public static class PortalDatabase
{
    public static IHostApplicationBuilder AddPortalDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = ResolveSqliteConnectionString(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(new SqliteConnectionPragmas());
        builder.Services.AddDbContextFactory<PortalDbContext>((services, options) =>
            options.UseSqlite(connectionString)
                   .AddInterceptors(services.GetRequiredService<SqliteConnectionPragmas>()));
        return builder;
    }

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

    /// <summary>Applies pending migrations and switches the file to write-ahead logging.</summary>
    public static async Task MigratePortalDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers (audit page, dashboards) proceed while a job writes; it is a property of the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        await db.Database.MigrateAsync(cancellationToken);
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
