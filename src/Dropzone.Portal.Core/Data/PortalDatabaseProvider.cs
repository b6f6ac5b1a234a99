namespace Dropzone.Portal.Core.Data;

/// <summary>The database engine the portal keeps its data in.</summary>
public enum PortalDatabaseProvider
{
    /// <summary>A file beside the portal: the embedded default, for one instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: the production engine, shared by any number of instances.</summary>
    PostgreSql,
}

/// <summary>Settings under <c>Database</c>; the connection string itself is <c>ConnectionStrings:Portal</c>.</summary>
public sealed class PortalDatabaseOptions
{
    public const string Section = "Database";

    public PortalDatabaseProvider Provider { get; set; } = PortalDatabaseProvider.Sqlite;

    /// <summary>
    /// Whether start-up applies pending migrations. Unset means yes on SQLite (one instance owns its file) and no on
    /// PostgreSQL, where the <c>migrate</c> command applies them once before the instances start; an instance then
    /// refuses to start on a schema that is not up to date.
    /// </summary>
    public bool? MigrateOnStart { get; set; }

    public bool ShouldMigrateOnStart => MigrateOnStart ?? Provider == PortalDatabaseProvider.Sqlite;

    public static PortalDatabaseOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var options = new PortalDatabaseOptions();
        if (section[nameof(Provider)] is { Length: > 0 } provider)
        {
            options.Provider = Enum.TryParse<PortalDatabaseProvider>(provider.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new InvalidOperationException($"Database:Provider \"{provider}\" is not a provider; use Sqlite or PostgreSql.");
        }
        if (section[nameof(MigrateOnStart)] is { Length: > 0 } migrate)
        {
            options.MigrateOnStart = bool.TryParse(migrate, out var value)
                ? value
                : throw new InvalidOperationException($"Database:MigrateOnStart \"{migrate}\" is not true or false.");
        }
        return options;
    }
}

/// <summary>Points a context at a provider, with that provider's migrations assembly.</summary>
public static class PortalDatabaseProviders
{
    /// <summary>EF Core's pattern for several providers: one migrations assembly each (referenced by the host).</summary>
    public const string SqliteMigrationsAssembly = "Dropzone.Portal.Migrations.Sqlite";
    public const string PostgreSqlMigrationsAssembly = "Dropzone.Portal.Migrations.PostgreSql";

    public static DbContextOptionsBuilder UsePortalDatabase(
        this DbContextOptionsBuilder options, PortalDatabaseProvider provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return provider switch
        {
            PortalDatabaseProvider.Sqlite => options.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly)),
            PortalDatabaseProvider.PostgreSql => options.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgreSqlMigrationsAssembly)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Not a database provider."),
        };
    }

    public static DbContextOptionsBuilder<TContext> UsePortalDatabase<TContext>(
        this DbContextOptionsBuilder<TContext> options, PortalDatabaseProvider provider, string connectionString)
        where TContext : DbContext
    {
        UsePortalDatabase((DbContextOptionsBuilder)options, provider, connectionString);
        return options;
    }
}
