using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dropzone.Portal.Core.Tests.Audit;

/// <summary>
/// A migrated portal database (triggers included) on either engine, a <see cref="TempDatabase"/>, with the audit
/// services over it; deleted on dispose.
/// </summary>
public sealed class AuditDatabase : IDbContextFactory<PortalDbContext>, IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDatabase _database;
    private readonly DbContextOptions<PortalDbContext> _options;

    private AuditDatabase(TempDatabase database)
    {
        _database = database;
        var folder = Folder = database.Folder;
        ConnectionString = database.ConnectionString;
        _options = new DbContextOptionsBuilder<PortalDbContext>().UsePortalDatabase(Provider, ConnectionString).UseAuditChainKey(Key).Options;
        AuditOptions = new() { ArchiveFolder = "archive", CheckpointFile = Path.Combine(folder, "audit-checkpoints.jsonl") };
        Trail = new AuditTrail(Time);
        Checkpoints = new AuditCheckpointLog(Options.Create(AuditOptions), Key, Time);
        Verifier = new AuditVerifier(this, Key, Checkpoints, Time);
        Query = new AuditQueryService(this, Options.Create(AuditOptions), Checkpoints);
    }

    /// <summary>The chain key, as the portal would keep it outside the database.</summary>
    public AuditChainKey Key { get; } = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public AuditCheckpointLog Checkpoints { get; }

    /// <summary>Log lines written by the integrity monitor (level and message), to check what operators see.</summary>
    public List<(LogLevel Level, string Message)> Logs { get; } = [];

    public AuditIntegrityMonitor Monitor => new(this, Trail, Verifier, Archiver, Checkpoints, new ListLogger<AuditIntegrityMonitor>(Logs));

    public PortalDatabaseProvider Provider => _database.Provider;
    public string Folder { get; }
    public string ConnectionString { get; }
    public FakeTimeProvider Time { get; } = new(Start);
    public AuditOptions AuditOptions { get; }
    public AuditTrail Trail { get; }
    public AuditVerifier Verifier { get; }
    public AuditQueryService Query { get; }

    public AuditArchiver Archiver => new(this, Trail, Key, Time, Options.Create(AuditOptions), new TestEnvironment(Folder));

    public static async Task<AuditDatabase> CreateAsync(PortalDatabaseProvider provider = PortalDatabaseProvider.Sqlite) =>
        new(await TempDatabase.CreateAsync("dropzone-audit-tests", writeAheadLog: true, provider));

    public PortalDbContext CreateDbContext() => new(_options);

    public PortalDbContext CreateDbContext(string connectionString) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UsePortalDatabase(Provider, connectionString).UseAuditChainKey(Key).Options);

    /// <summary>Appends <paramref name="count"/> entries, one per second, through the real write path.</summary>
    public async Task SeedAsync(int count, Func<int, AuditEvent>? make = null)
    {
        await using var db = CreateDbContext();
        for (var i = 0; i < count; i++)
        {
            Trail.Record(db, make?.Invoke(i) ?? new AuditEvent(AuditActions.MemberAdded, AuditActor.System)
            {
                Target = AuditTarget.Mailbox($"user{i}@contoso.com"),
                GroupId = "group-a",
            });
            Time.Advance(TimeSpan.FromSeconds(1));
        }
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Archiving after one day: appends <paramref name="count"/> entries and lets two days pass, so they are due
    /// for the next archive cut.
    /// </summary>
    public async Task SeedDueForArchiveAsync(int count)
    {
        AuditOptions.ArchiveAfterDays = 1;
        await SeedAsync(count);
        Time.Advance(TimeSpan.FromDays(2));
    }

    /// <summary><see cref="SeedDueForArchiveAsync"/>, then the archive cut of what is due.</summary>
    public async Task<AuditArchiveCut?> SeedAndArchiveAsync(int count)
    {
        await SeedDueForArchiveAsync(count);
        return await Archiver.ArchiveDueAsync();
    }

    /// <summary>Plays an attacker with file access: drops the append-only triggers, then runs raw SQL.</summary>
    public Task TamperAsync(string sql) => ExecuteAsync(AuditTriggers.For(Provider).Drop + sql);

    /// <summary>
    /// A byte copy of this database file (and of the checkpoint file), as an attacker or an auditor would take
    /// it: the write-ahead log is folded into the file first so the copy holds everything committed.
    /// </summary>
    public async Task<AuditDatabase> CopyAsync()
    {
        Assert.Equal(PortalDatabaseProvider.Sqlite, Provider);
        await ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteConnection.ClearAllPools();
        var copy = new AuditDatabase(await TempDatabase.CreateAsync("dropzone-audit-tests"));
        SqliteConnection.ClearAllPools();
        File.Copy(Path.Combine(Folder, "portal.db"), Path.Combine(copy.Folder, "portal.db"), overwrite: true);
        if (File.Exists(AuditOptions.CheckpointFile)) File.Copy(AuditOptions.CheckpointFile, copy.AuditOptions.CheckpointFile);
        copy.Time.SetUtcNow(Time.GetUtcNow());
        return copy;
    }

    /// <summary>Every entry as stored, in sequence order.</summary>
    public async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = CreateDbContext();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>Runs raw SQL on a connection of its own (identifiers quoted, so it reads the same on both engines).</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var db = CreateDbContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private sealed class ListLogger<T>(List<(LogLevel Level, string Message)> lines) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines) lines.Add((logLevel, formatter(state, exception)));
        }
    }

    private sealed class TestEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "Tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
