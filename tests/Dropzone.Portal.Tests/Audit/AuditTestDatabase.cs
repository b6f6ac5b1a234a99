using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dropzone.Portal.Tests.Audit;

/// <summary>
/// A migrated, seeded portal database for the audit page tests, on either engine (a <see cref="TempDatabase"/>);
/// deleted on dispose.
/// </summary>
public sealed class AuditTestDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database;
    private readonly DbContextOptions<PortalDbContext> _options;
    private readonly IOptions<AuditOptions> _auditOptions;

    public AuditTestDatabase(int entries = 30, PortalDatabaseProvider provider = PortalDatabaseProvider.Sqlite)
    {
        _database = TempDatabase.Create("dropzone-audit-page-tests", provider);
        Folder = _database.Folder;
        _options = new DbContextOptionsBuilder<PortalDbContext>()
            .UsePortalDatabase(provider, _database.ConnectionString)
            .UseAuditChainKey(Key)
            .Options;
        _auditOptions = Options.Create(new AuditOptions { ArchiveFolder = Path.Combine(Folder, "archive"), CheckpointFile = Path.Combine(Folder, "audit-checkpoints.jsonl") });
        Trail = new AuditTrail(Time);
        using var db = CreateDbContext();
        // Entry i (sequence i + 1): groups cycle a/b/c, runs of ten, every fifth failed.
        for (var i = 0; i < entries; i++)
        {
            Trail.Record(db, new AuditEvent(i % 2 == 0 ? AuditActions.MemberAdded : AuditActions.MemberRemoved,
                AuditActor.User("oid-ada", "ada@contoso.com", "Ada"), i % 5 == 0 ? AuditOutcome.Failed : AuditOutcome.Succeeded)
            {
                Target = AuditTarget.Mailbox($"box{i}@contoso.com"),
                GroupId = "group-" + (char)('a' + i % 3),
                Command = $"Add-DistributionGroupMember -Identity 'group-{(char)('a' + i % 3)}' -Member 'box{i}@contoso.com'",
                Answer = "Succeeded",
                RunId = "run-" + (i / 10),
            });
            Time.Advance(TimeSpan.FromSeconds(1));
        }
        db.SaveChanges();
    }

    public string Folder { get; }
    public FakeTimeProvider Time { get; } = new(Start);
    public AuditTrail Trail { get; }
    public AuditChainKey Key { get; } = AuditChainKey.Generate();
    public AuditCheckpointLog Checkpoints => new(_auditOptions, Key, Time);
    public AuditQueryService Query => new(this, _auditOptions, Checkpoints);
    public AuditVerifier Verifier => new(this, Key, Checkpoints, Time);
    public AuditArchiver Archiver => new(this, Trail, Key, Time, _auditOptions, new HostingEnvironment { ContentRootPath = Folder });

    public AuditIntegrityMonitor CreateMonitor(ILogger<AuditIntegrityMonitor>? logger = null) =>
        new(this, Trail, Verifier, Archiver, Checkpoints, logger ?? NullLogger<AuditIntegrityMonitor>.Instance);

    public PortalDbContext CreateDbContext() => new(_options);

    public void Dispose() => _database.Dispose();
}
