using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Dropzone.Portal.Core.Tests.Audit;

/// <summary>The audit services over a <see cref="TempDatabase"/>, on a clock the test moves.</summary>
public sealed class AuditDatabase : IDbContextFactory<PortalDbContext>, IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDatabase _database;

    private AuditDatabase(TempDatabase database)
    {
        _database = database;
        Trail = new AuditTrail(Time);
        Verifier = new AuditVerifier(this, Trail, Time);
        Query = new AuditQueryService(this, Options.Create(AuditOptions));
    }

    public string Folder => _database.Folder;
    public string ConnectionString => _database.ConnectionString;
    public FakeTimeProvider Time { get; } = new(Start);
    public AuditOptions AuditOptions { get; } = new() { ArchiveFolder = "archive" };
    public AuditTrail Trail { get; }
    public AuditVerifier Verifier { get; }
    public AuditQueryService Query { get; }

    public AuditArchiver Archiver => new(this, Trail, Time, Options.Create(AuditOptions), new TestEnvironment(Folder));

    public static async Task<AuditDatabase> CreateAsync() =>
        new(await TempDatabase.CreateAsync("dropzone-audit-tests", writeAheadLog: true));

    public PortalDbContext CreateDbContext() => _database.CreateDbContext();

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

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private sealed class TestEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "Tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
