using System.Linq.Expressions;

namespace Dropzone.Portal.Core.Data;

/// <summary>The embedded engine: one writer at a time by construction.</summary>
public sealed class SqliteDialect : PortalDatabaseDialect
{
    public static SqliteDialect Instance { get; } = new();

    private SqliteDialect()
    {
    }

    public override PortalDatabaseProvider Provider => PortalDatabaseProvider.Sqlite;

    internal override void ConfigureModel(ModelBuilder modelBuilder) =>
        // UPNs are case-insensitive; NOCASE lets the equality filter use the index.
        modelBuilder.Entity<AuditEntry>().Property(e => e.ActorUpn).UseCollation("NOCASE");

    // Microsoft.Data.Sqlite begins transactions with BEGIN IMMEDIATE, which takes SQLite's single writer lock
    // before anything is read: the transaction the caller opened is the lock.
    internal override Task LockAuditChainAsync(DbContext db, bool sync, CancellationToken cancellationToken) => Task.CompletedTask;

    internal override bool IsAuditSequenceConflict(DbUpdateException exception) =>
        exception.InnerException is SqliteException { SqliteErrorCode: 19 } sqlite
            && sqlite.Message.Contains(AuditEntryConfiguration.TableName + ".Sequence", StringComparison.Ordinal);

    // SQLite's LIKE ignores case (for ASCII) by default.
    private protected override Expression<Func<string, string, bool>> LikeIgnoringCase { get; } =
        (text, pattern) => EF.Functions.Like(text, pattern, "\\");

    internal override IAuditBatchWriter CreateAuditBatchWriter(DbContext db) => new SqliteAuditInsert(db);

    // Rows go from SQLite to the writer as UTF-8 bytes, never becoming strings.
    internal override Task<long?> TryExportAuditAsync(
        PortalDbContext db, IQueryable<AuditEntry> ordered, AuditExportFormat format, Stream output, CancellationToken cancellationToken) =>
        SqliteAuditExport.WriteAsync(db, ordered, format, output, cancellationToken);

    internal override Task<AuditChainScan?> TryScanAuditChainAsync(
        PortalDbContext db, AuditChainKey key, long afterSequence, string startHash, CancellationToken cancellationToken) =>
        ScanOnConnectionAsync<SqliteConnection>(db, connection => SqliteChainScanner.ScanAsync(connection, key, afterSequence, startHash, cancellationToken), cancellationToken);
}
