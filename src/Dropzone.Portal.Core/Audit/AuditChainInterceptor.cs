using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// Gives pending audit entries their sequence, previous hash and hash at the moment the caller's
/// <c>SaveChanges</c> writes them, so they commit in the caller's transaction together with the state change.
/// <para>
/// Why this cannot fork the chain: the head (last sequence and hash) is read and the new entries are written
/// while holding, in order,
/// (1) an in-process <see cref="SemaphoreSlim"/> per database, so the portal's own writers queue cheaply
///     instead of spinning on SQLite's busy handler, and
/// (2) the database's write lock: the head is read inside a transaction (the caller's, or one this interceptor
///     opens). Microsoft.Data.Sqlite begins transactions with <c>BEGIN IMMEDIATE</c>, which takes SQLite's single
///     writer lock before the read, so no other connection or process can append between our read and our
///     commit. On PostgreSQL, where many connections write at once, <c>SELECT pg_advisory_xact_lock(…)</c> is
///     taken before the read and held until the transaction ends (<see cref="PortalDatabaseDialect.LockAuditChainAsync"/>),
///     which serializes appends across every instance of the portal.
/// As a last line, <see cref="AuditEntry.Sequence"/> is the primary key: if a writer ever read a stale head
/// (a deferred caller transaction, another database engine), its insert of an existing sequence fails instead of
/// creating a second successor. The entries stay Added with their chain fields reset, so saving again re-chains
/// them; <see cref="AuditTrail.SaveChangesAsync"/> does that retry.
/// </para>
/// It is registered by <c>PortalDbContext.OnConfiguring</c>, so every context of the portal gets it.
/// It also refuses to save a modified or deleted audit entry: there is no update or delete path in code.
/// </summary>
public sealed class AuditChainInterceptor : SaveChangesInterceptor
{
    public static AuditChainInterceptor Instance { get; } = new();

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<DbContext, Appending> _appending = new();

    private AuditChainInterceptor()
    {
    }

    private sealed record Appending(SemaphoreSlim Gate, IDbContextTransaction? OwnedTransaction, List<EntityEntry<AuditEntry>> Entries);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } db) BeginAppend(db, sync: true, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db) await BeginAppend(db, sync: false, cancellationToken);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } db) EndAppend(db, committed: true, sync: true).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db) await EndAppend(db, committed: true, sync: false);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } db) EndAppend(db, committed: false, sync: true).GetAwaiter().GetResult();
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        eventData.Context is { } db ? EndAppend(db, committed: false, sync: false) : Task.CompletedTask;

    public override void SaveChangesCanceled(DbContextEventData eventData)
    {
        if (eventData.Context is { } db) EndAppend(db, committed: false, sync: true).GetAwaiter().GetResult();
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        eventData.Context is { } db ? EndAppend(db, committed: false, sync: false) : Task.CompletedTask;

    private async Task BeginAppend(DbContext db, bool sync, CancellationToken cancellationToken)
    {
        var pending = new List<EntityEntry<AuditEntry>>();
        foreach (var entry in db.ChangeTracker.Entries<AuditEntry>())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    pending.Add(entry);
                    break;
                case EntityState.Modified or EntityState.Deleted:
                    throw new InvalidOperationException("Audit entries are append-only: they cannot be changed or deleted.");
            }
        }
        if (pending.Count == 0) return;

        // Temporary keys count down from -1 in recording order (see AuditTrail), so this restores that order.
        pending.Sort((a, b) => b.Entity.Sequence.CompareTo(a.Entity.Sequence));

        var gate = GateFor(db);
        if (sync) gate.Wait(cancellationToken); else await gate.WaitAsync(cancellationToken);
        IDbContextTransaction? owned = null;
        try
        {
            if (db.Database.CurrentTransaction is null)
            {
                owned = sync ? db.Database.BeginTransaction() : await db.Database.BeginTransactionAsync(cancellationToken);
            }
            await PortalDatabaseDialect.Of(db.Database).LockAuditChainAsync(db, sync, cancellationToken);
            var head = sync ? AuditChainHead.Read(db) : await AuditChainHead.ReadAsync(db, cancellationToken);
            Chain(pending, head, AuditChainKeyOptions.KeyOf(db));
            _appending.AddOrUpdate(db, new Appending(gate, owned, pending));
        }
        catch
        {
            if (owned is not null) await owned.DisposeAsync();
            gate.Release();
            throw;
        }
    }

    /// <summary>The in-process gate of one database (keyed by connection string).</summary>
    internal static SemaphoreSlim GateFor(DbContext db) =>
        Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));

    private static void Chain(List<EntityEntry<AuditEntry>> pending, AuditChainHead head, AuditChainKey key)
    {
        foreach (var entry in pending)
        {
            // Changing the key through the entry (not the property) keeps EF's identity map in step.
            entry.Property(e => e.Sequence).CurrentValue = head.Sequence + 1;
            head = head.Seal(entry.Entity, key);
        }
    }

    private async Task EndAppend(DbContext db, bool committed, bool sync)
    {
        if (!_appending.TryGetValue(db, out var appending)) return;
        _appending.Remove(db);
        try
        {
            if (appending.OwnedTransaction is { } transaction)
            {
                if (committed)
                {
                    if (sync) transaction.Commit(); else await transaction.CommitAsync();
                }
                if (sync) transaction.Dispose(); else await transaction.DisposeAsync();
            }
            if (!committed)
            {
                // Back to unassigned temporary keys so a retry chains from the then-current head.
                foreach (var entry in appending.Entries)
                {
                    entry.Property(e => e.Sequence).CurrentValue = AuditTrail.NextTemporaryKey();
                    entry.Entity.PreviousHash = "";
                    entry.Entity.Hash = "";
                }
            }
        }
        finally
        {
            appending.Gate.Release();
        }
    }
}

/// <summary>The last link of the chain: the newest entry, or the newest archive cut when it is newer.</summary>
internal sealed record AuditChainHead(long Sequence, string Hash, DateTime OccurredAt)
{
    public static readonly AuditChainHead Genesis = new(0, AuditChain.GenesisHash, DateTime.MinValue);

    /// <summary>
    /// Links <paramref name="entry"/> (its sequence already set to the next one) after this head and returns the
    /// new head. Time never goes backwards along the chain, so a time range is a sequence range (AuditQueryService).
    /// </summary>
    public AuditChainHead Seal(AuditEntry entry, AuditChainKey key)
    {
        if (entry.Sequence != Sequence + 1) throw new InvalidOperationException("Entries must be sealed in sequence order.");
        if (entry.OccurredAt < OccurredAt) entry.OccurredAt = OccurredAt;
        entry.PreviousHash = Hash;
        entry.Hash = AuditChain.ComputeHash(entry, key);
        return new AuditChainHead(entry.Sequence, entry.Hash, entry.OccurredAt);
    }

    public static AuditChainHead Read(DbContext db) => Pick(
        db.Set<AuditEntry>().AsNoTracking().Where(e => e.Sequence > 0).OrderByDescending(e => e.Sequence)
          .Select(e => new AuditChainHead(e.Sequence, e.Hash, e.OccurredAt)).FirstOrDefault(),
        db.Set<AuditArchiveCut>().AsNoTracking().OrderByDescending(c => c.ThroughSequence)
          .Select(c => new AuditChainHead(c.ThroughSequence, c.ThroughHash, c.CreatedAt)).FirstOrDefault());

    public static async Task<AuditChainHead> ReadAsync(DbContext db, CancellationToken cancellationToken) => Pick(
        await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Sequence > 0).OrderByDescending(e => e.Sequence)
          .Select(e => new AuditChainHead(e.Sequence, e.Hash, e.OccurredAt)).FirstOrDefaultAsync(cancellationToken),
        await db.Set<AuditArchiveCut>().AsNoTracking().OrderByDescending(c => c.ThroughSequence)
          .Select(c => new AuditChainHead(c.ThroughSequence, c.ThroughHash, c.CreatedAt)).FirstOrDefaultAsync(cancellationToken));

    private static AuditChainHead Pick(AuditChainHead? entry, AuditChainHead? cut) =>
        entry is not null && (cut is null || entry.Sequence >= cut.Sequence) ? entry
        : cut is not null ? cut with { OccurredAt = DateTime.MinValue }
        : Genesis;
}
