namespace Dropzone.Portal.Testing;

/// <summary>
/// A real, migrated SQLite file (audit triggers included) in its own temp folder, deleted on dispose: the one
/// way tests get a portal database outside the portal host. Hosts built by a test take its
/// <see cref="ConnectionString"/>; plain services take it as their <see cref="IDbContextFactory{TContext}"/>.
/// </summary>
public sealed class TempDatabase : IDbContextFactory<PortalDbContext>, IAsyncDisposable, IDisposable
{
    private readonly DbContextOptions<PortalDbContext> _options;

    private TempDatabase(string purpose)
    {
        Folder = TestFolder.Create(purpose);
        // No pooling: a pooled connection would keep the file open after the test and block its deletion.
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(Folder, "portal.db"), Pooling = false, DefaultTimeout = 30 }.ToString();
        _options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(ConnectionString).Options;
    }

    /// <summary>The folder of the database file; fixtures keep their other files (archives) beside it.</summary>
    public string Folder { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// A new migrated database. <paramref name="writeAheadLog"/> switches the journal to WAL, as the portal runs it,
    /// for tests where readers and a writer overlap.
    /// </summary>
    public static async Task<TempDatabase> CreateAsync(string purpose = "dropzone-db-tests", bool writeAheadLog = false)
    {
        var database = new TempDatabase(purpose);
        await using var db = database.CreateDbContext();
        if (writeAheadLog)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        await db.Database.MigrateAsync();
        return database;
    }

    /// <summary>A new migrated database, for fixtures that are built in a constructor.</summary>
    public static TempDatabase Create(string purpose = "dropzone-db-tests")
    {
        var database = new TempDatabase(purpose);
        using var db = database.CreateDbContext();
        db.Database.Migrate();
        return database;
    }

    public PortalDbContext CreateDbContext() => new(_options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.TryDelete(Folder);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
