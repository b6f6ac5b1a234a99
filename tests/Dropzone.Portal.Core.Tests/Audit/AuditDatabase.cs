using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dropzone.Portal.Core.Tests.Audit;

/// <summary>A migrated SQLite file in a temp folder (triggers included), deleted on dispose.</summary>
public sealed class AuditDatabase : IDbContextFactory<PortalDbContext>, IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly DbContextOptions<PortalDbContext> _options;

    private AuditDatabase(string folder)
    {
        Folder = folder;
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "portal.db"), Pooling = false }.ToString();
        _options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(ConnectionString).Options;
        Trail = new AuditTrail(Time);
        Verifier = new AuditVerifier(this, Trail, Time);
        Query = new AuditQueryService(this, Options.Create(AuditOptions));
    }

    public string Folder { get; }
    public string ConnectionString { get; }
    public FakeTimeProvider Time { get; } = new(Start);
    public AuditOptions AuditOptions { get; } = new() { ArchiveFolder = "archive" };
    public AuditTrail Trail { get; }
    public AuditVerifier Verifier { get; }
    public AuditQueryService Query { get; }

    public AuditArchiver Archiver => new(this, Trail, Time, Options.Create(AuditOptions), new TestEnvironment(Folder));

    public static async Task<AuditDatabase> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "dropzone-audit-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var database = new AuditDatabase(folder);
        await using var db = database.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await db.Database.MigrateAsync();
        return database;
    }

    public PortalDbContext CreateDbContext() => new(_options);

    public PortalDbContext CreateDbContext(string connectionString) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite(connectionString).Options);

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

    /// <summary>Plays an attacker with file access: drops the append-only triggers, then runs raw SQL.</summary>
    public async Task TamperAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = Data.Migrations.AuditTriggers.Drop + sql;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platform: the temp folder is cleaned by the OS eventually.
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
