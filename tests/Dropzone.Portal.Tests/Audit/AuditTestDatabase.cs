namespace Dropzone.Portal.Tests.Audit;

/// <summary>A <see cref="TempDatabase"/> seeded with audit entries for the audit page tests.</summary>
public sealed class AuditTestDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = TempDatabase.Create("dropzone-audit-page-tests");

    public AuditTestDatabase(int entries = 30)
    {
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

    public FakeTimeProvider Time { get; } = new(Start);
    public AuditTrail Trail { get; }
    public AuditQueryService Query => new(this, Options.Create(new AuditOptions()));
    public AuditVerifier Verifier => new(this, Trail, Time);

    public PortalDbContext CreateDbContext() => _database.CreateDbContext();

    public void Dispose() => _database.Dispose();
}
