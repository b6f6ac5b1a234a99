namespace Dropzone.Portal.Testing;

/// <summary>
/// A real, migrated portal database (audit triggers included) on either engine, deleted on dispose: the one way
/// tests get a portal database outside the portal host. On SQLite a file in its own temp folder; on PostgreSQL a
/// fresh database on the run's private cluster (<see cref="PostgreSqlServer"/>). Hosts built by a test take its
/// <see cref="Provider"/> and <see cref="ConnectionString"/> (see <see cref="Settings"/>); plain services take it as
/// their <see cref="IDbContextFactory{TContext}"/>.
/// </summary>
public sealed class TempDatabase : IDbContextFactory<PortalDbContext>, IAsyncDisposable, IDisposable
{
    private readonly DbContextOptions<PortalDbContext> _options;
    private readonly PostgreSqlServer? _server;

    private TempDatabase(string purpose, PortalDatabaseProvider provider, string connectionString, PostgreSqlServer? server)
    {
        Folder = TestFolder.Create(purpose);
        Provider = provider;
        _server = server;
        ConnectionString = connectionString.Replace("{folder}", Folder, StringComparison.Ordinal);
        _options = new DbContextOptionsBuilder<PortalDbContext>().UsePortalDatabase(provider, ConnectionString).Options;
    }

    public PortalDatabaseProvider Provider { get; }

    /// <summary>A folder of the test's own; the SQLite file is there, and fixtures keep other files (archives) beside it.</summary>
    public string Folder { get; }

    public string ConnectionString { get; }

    /// <summary>The settings that point a portal host at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:Portal"] = ConnectionString,
    };

    /// <summary>
    /// A new migrated (or, with <paramref name="migrated"/> false, empty) database. <paramref name="writeAheadLog"/> switches a SQLite journal to WAL, as the portal runs
    /// it, for tests where readers and a writer overlap (PostgreSQL always lets them).
    /// </summary>
    public static async Task<TempDatabase> CreateAsync(
        string purpose = "dropzone-db-tests", bool writeAheadLog = false, PortalDatabaseProvider provider = PortalDatabaseProvider.Sqlite,
        bool migrated = true)
    {
        if (provider == PortalDatabaseProvider.PostgreSql)
        {
            var server = await PostgreSqlServer.GetAsync();
            return new TempDatabase(purpose, provider, await server.CreateDatabaseAsync(purpose, migrated), server);
        }
        var database = new TempDatabase(purpose, provider, SqliteConnectionString(), null);
        await using var db = database.CreateDbContext();
        if (writeAheadLog)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        if (migrated) await db.Database.MigrateAsync();
        return database;
    }

    /// <summary>A new migrated database, for fixtures that are built in a constructor.</summary>
    public static TempDatabase Create(string purpose = "dropzone-db-tests", PortalDatabaseProvider provider = PortalDatabaseProvider.Sqlite)
    {
        if (provider == PortalDatabaseProvider.PostgreSql) return CreateAsync(purpose, provider: provider).GetAwaiter().GetResult();
        var database = new TempDatabase(purpose, provider, SqliteConnectionString(), null);
        using var db = database.CreateDbContext();
        db.Database.Migrate();
        return database;
    }

    // No pooling: a pooled connection would keep the file open after the test and block its deletion.
    private static string SqliteConnectionString() =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine("{folder}", "portal.db"), Pooling = false, DefaultTimeout = 30 }.ToString();

    public PortalDbContext CreateDbContext() => new(_options);

    public void Dispose()
    {
        if (_server is not null)
        {
            _server.DropDatabaseAsync(ConnectionString).GetAwaiter().GetResult();
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
        TestFolder.TryDelete(Folder);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(ConnectionString);
            TestFolder.TryDelete(Folder);
            return;
        }
        Dispose();
    }
}
