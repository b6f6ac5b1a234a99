using System.Linq.Expressions;

namespace Dropzone.Portal.Core.Data;

/// <summary>The production engine: many instances, many connections, each append serialized by an advisory lock.</summary>
public sealed class PostgreSqlDialect : PortalDatabaseDialect
{
    /// <summary>The nondeterministic ICU collation under which "A@x" and "a@X" are the same UPN.</summary>
    public const string CaseInsensitiveCollation = "dropzone_case_insensitive";

    public static PostgreSqlDialect Instance { get; } = new();

    private PostgreSqlDialect()
    {
    }

    public override PortalDatabaseProvider Provider => PortalDatabaseProvider.PostgreSql;

    internal override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.HasCollation(CaseInsensitiveCollation, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        modelBuilder.Entity<AuditEntry>().Property(e => e.ActorUpn).UseCollation(CaseInsensitiveCollation);
    }

    internal override async Task LockAuditChainAsync(DbContext db, bool sync, CancellationToken cancellationToken)
    {
        // Held until the transaction ends, so the next writer reads the head this one committed.
        if (sync) db.Database.ExecuteSql($"SELECT pg_advisory_xact_lock({PostgreSqlLocks.AuditChain})");
        else await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgreSqlLocks.AuditChain})", cancellationToken);
    }

    internal override bool IsAuditSequenceConflict(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres
            && postgres.TableName == AuditEntryConfiguration.TableName;

    private protected override Expression<Func<string, string, bool>> LikeIgnoringCase { get; } =
        (text, pattern) => EF.Functions.ILike(text, pattern, "\\");

    internal override IAuditBatchWriter CreateAuditBatchWriter(DbContext db) => new PostgreSqlAuditCopy(db);

    internal override Task<AuditChainScan?> TryScanAuditChainAsync(
        PortalDbContext db, AuditChainKey key, long afterSequence, string startHash, CancellationToken cancellationToken) =>
        ScanOnConnectionAsync<NpgsqlConnection>(db, connection => PostgreSqlChainScanner.ScanAsync(connection, key, afterSequence, startHash, cancellationToken), cancellationToken);
}

/// <summary>
/// The advisory lock keys the portal takes (one namespace per database). Session locks are released when their
/// connection closes, transaction locks when their transaction ends, so a killed instance never keeps one.
/// </summary>
public static class PostgreSqlLocks
{
    /// <summary>Serializes appends to the audit chain (transaction lock).</summary>
    public const long AuditChain = 0x44_5A_41_55_44_49_54; // "DZAUDIT"

    /// <summary>Lets one instance at a time apply migrations (session lock).</summary>
    public const long Migrations = 0x44_5A_4D_49_47_52_54; // "DZMIGRT"
}
