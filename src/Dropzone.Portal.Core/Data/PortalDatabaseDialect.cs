using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;

namespace Dropzone.Portal.Core.Data;

/// <summary>
/// What differs between the database engines, in one class per provider (<see cref="SqliteDialect"/>,
/// <see cref="PostgreSqlDialect"/>): model details EF cannot express portably, the lock that serializes audit
/// appends, the case-insensitive text match and the audit fast paths. Code elsewhere asks
/// <see cref="Of(DatabaseFacade)"/> instead of testing the connection type.
/// </summary>
public abstract class PortalDatabaseDialect
{
    public static PortalDatabaseDialect Of(DatabaseFacade database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.IsNpgsql() ? PostgreSqlDialect.Instance : SqliteDialect.Instance;
    }

    public static PortalDatabaseDialect Of(PortalDatabaseProvider provider) => provider switch
    {
        PortalDatabaseProvider.PostgreSql => PostgreSqlDialect.Instance,
        _ => SqliteDialect.Instance,
    };

    public abstract PortalDatabaseProvider Provider { get; }

    /// <summary>Collations and other engine-specific parts of the model.</summary>
    internal abstract void ConfigureModel(ModelBuilder modelBuilder);

    /// <summary>
    /// Called inside the transaction that reads the audit chain's head and appends after it: returns once no other
    /// connection, in this process or another, can append until that transaction ends.
    /// </summary>
    internal abstract Task LockAuditChainAsync(DbContext db, bool sync, CancellationToken cancellationToken);

    /// <summary>True when a save failed because another writer took the audit sequence first.</summary>
    internal abstract bool IsAuditSequenceConflict(DbUpdateException exception);

    /// <summary>The engine's LIKE that ignores case, with <c>\</c> as its escape: <c>(text, pattern) =&gt; …</c>.</summary>
    private protected abstract Expression<Func<string, string, bool>> LikeIgnoringCase { get; }

    private static readonly ParameterExpression Entry = Expression.Parameter(typeof(AuditEntry), "e");

    // The columns the audit page's text search looks in.
    private static readonly Expression[] SearchedText =
    [
        .. new[] { nameof(AuditEntry.TargetDisplay), nameof(AuditEntry.TargetId), nameof(AuditEntry.Command), nameof(AuditEntry.Answer) }
            .Select(name => Expression.Property(Entry, name)),
    ];

    /// <summary>Entries whose searchable text contains the LIKE <paramref name="pattern"/> (escape <c>\</c>), ignoring case.</summary>
    internal IQueryable<AuditEntry> WhereTextLike(IQueryable<AuditEntry> query, string pattern)
    {
        // Read from a closure, as in a written lambda, so EF sends the pattern as a parameter.
        Expression<Func<string>> patternValue = () => pattern;
        var anyMatches = SearchedText
            .Select(text => new ReplacingExpressionVisitor(LikeIgnoringCase.Parameters, [text, patternValue.Body]).Visit(LikeIgnoringCase.Body))
            .Aggregate(Expression.OrElse);
        return query.Where(Expression.Lambda<Func<AuditEntry, bool>>(anyMatches, Entry));
    }

    /// <summary>Inserts chained entries in bulk inside the caller's transaction.</summary>
    internal abstract IAuditBatchWriter CreateAuditBatchWriter(DbContext db);

    /// <summary>
    /// Writes the ordered query's entries by an engine-specific path, or returns null (having written nothing) to
    /// let the caller stream them through <see cref="AuditEntryReader"/>.
    /// </summary>
    internal virtual Task<long?> TryExportAuditAsync(
        PortalDbContext db, IQueryable<AuditEntry> ordered, AuditExportFormat format, Stream output, CancellationToken cancellationToken) =>
        Task.FromResult<long?>(null);

    /// <summary>Checks the chain after <paramref name="afterSequence"/> by an engine-specific path, or returns null.</summary>
    internal virtual Task<AuditChainScan?> TryScanAuditChainAsync(
        PortalDbContext db, AuditChainKey key, long afterSequence, string startHash, CancellationToken cancellationToken) =>
        Task.FromResult<AuditChainScan?>(null);

    /// <summary>Runs an engine's raw scan on the context's own connection, opened for it and closed after.</summary>
    private protected static async Task<AuditChainScan?> ScanOnConnectionAsync<TConnection>(
        PortalDbContext db, Func<TConnection, Task<AuditChainScan>> scan, CancellationToken cancellationToken)
        where TConnection : System.Data.Common.DbConnection
    {
        var connection = (TConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // Off the caller's context: the rows are checked between reads and a Blazor circuit must stay responsive.
            return await Task.Run(() => scan(connection), cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>The first break (or null), the number of intact entries before it, and the last link checked.</summary>
internal sealed record AuditChainScan(AuditVerificationResult? Broken, long Checked, long HeadSequence, string HeadHash);

/// <summary>Writes already-chained audit entries in bulk (see <see cref="AuditTrail.AppendBatchAsync"/>).</summary>
internal interface IAuditBatchWriter : IAsyncDisposable
{
    ValueTask WriteAsync(AuditEntry entry, CancellationToken cancellationToken);

    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
