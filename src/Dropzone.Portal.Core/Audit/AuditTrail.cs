namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The write path of the audit history. Callers add entries to the DbContext that carries their state change
/// and save once, so the entry and the change commit or fail together:
/// <code>
/// trail.Record(db, new AuditEvent(AuditActions.MemberAdded, actor) { Target = AuditTarget.Mailbox(address), GroupId = groupId, Command = redacted });
/// await db.SaveChangesAsync(ct);
/// </code>
/// Sequence and hashes are assigned during that save by <see cref="AuditChainInterceptor"/>.
/// </summary>
public sealed class AuditTrail(TimeProvider timeProvider)
{
    private static long _temporaryKey;
    private const string Truncated = "…[truncated]";

    /// <summary>Adds an entry to <paramref name="db"/>; it is written by the caller's next SaveChanges.</summary>
    public AuditEntry Record(PortalDbContext db, AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entry = Create(auditEvent, timeProvider.GetUtcNow());
        db.Set<AuditEntry>().Add(entry);
        return entry;
    }

    /// <summary>
    /// SaveChanges that retries when another writer took the next sequence first (only possible when the
    /// head was read outside the database write lock; see <see cref="AuditChainInterceptor"/>).
    /// </summary>
    public static async Task<int> SaveChangesAsync(PortalDbContext db, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (attempt < 5 && IsSequenceConflict(db, ex) && db.Database.CurrentTransaction is null)
            {
                // The failed save reset the pending entries; the next attempt chains from the new head.
            }
        }
    }

    /// <summary>
    /// Appends many entries in one transaction (bulk imports, the benchmark seed), chained exactly as
    /// <see cref="Record"/> does, under the same gate and database lock, but written by the engine's bulk path
    /// (a prepared INSERT on SQLite, a binary COPY on PostgreSQL) instead of the change tracker.
    /// </summary>
    public async Task<long> AppendBatchAsync(PortalDbContext db, IEnumerable<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(events);
        var dialect = PortalDatabaseDialect.Of(db.Database);
        var gate = AuditChainInterceptor.GateFor(db);
        await gate.WaitAsync(cancellationToken);
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            var owned = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            try
            {
                await dialect.LockAuditChainAsync(db, sync: false, cancellationToken);
                var head = await AuditChainHead.ReadAsync(db, cancellationToken);
                var key = AuditChainKeyOptions.KeyOf(db);
                long written = 0;
                await using (var writer = dialect.CreateAuditBatchWriter(db))
                {
                    foreach (var auditEvent in events)
                    {
                        var entry = Create(auditEvent, timeProvider.GetUtcNow());
                        entry.Sequence = head.Sequence + 1;
                        head = head.Seal(entry, key);
                        await writer.WriteAsync(entry, cancellationToken);
                        if ((++written & 0x3FF) == 0) cancellationToken.ThrowIfCancellationRequested();
                    }
                    await writer.CompleteAsync(cancellationToken);
                }
                if (owned is not null) await owned.CommitAsync(cancellationToken);
                return written;
            }
            finally
            {
                if (owned is not null) await owned.DisposeAsync();
                await db.Database.CloseConnectionAsync();
            }
        }
        finally
        {
            gate.Release();
        }
    }

    internal static long NextTemporaryKey() => Interlocked.Decrement(ref _temporaryKey);

    internal static AuditEntry Create(AuditEvent e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentException.ThrowIfNullOrWhiteSpace(e.Action);
        ArgumentNullException.ThrowIfNull(e.Actor);
        var entry = new AuditEntry
        {
            // A unique negative placeholder: EF needs distinct keys to track several pending entries.
            Sequence = NextTemporaryKey(),
            OccurredAt = AuditChain.Truncate(now),
            ActorKind = e.Actor.Kind,
            ActorId = e.Actor.Id,
            ActorUpn = e.Actor.Upn,
            ActorName = e.Actor.DisplayName,
            Action = e.Action,
            TargetType = e.Target?.Type,
            TargetId = e.Target?.Id,
            TargetDisplay = e.Target?.Display,
            GroupId = e.GroupId,
            Outcome = e.Outcome,
            Command = e.Command,
            Answer = e.Answer,
            RunId = e.RunId,
            StepAttemptId = e.StepAttemptId,
            RequestId = e.RequestId,
            TraceId = e.TraceId,
            ClientIp = e.ClientIp,
        };
        foreach (var column in AuditSchema.Columns)
        {
            if (column.Type == AuditColumnType.Text && column.MaxLength is { } max) column.Parse(entry, Cap(column.Format(entry), max));
        }
        return entry;
    }

    // Bounded so one huge tenant answer cannot bloat the table; the marker shows the cut happened.
    private static string? Cap(string? value, int max) =>
        Utf8Safe(value is null || value.Length <= max ? value : string.Concat(value.AsSpan(0, max - Truncated.Length), Truncated));

    // A lone surrogate has no UTF-8 form; replacing it now means the stored text, its UTF-8 bytes in SQLite and
    // the hashed bytes are the same thing (the verifier's fast path hashes SQLite's bytes).
    private static string? Utf8Safe(string? value) =>
        value is not null && value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0
            ? System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(value))
            : value;

    private static bool IsSequenceConflict(PortalDbContext db, DbUpdateException ex) =>
        PortalDatabaseDialect.Of(db.Database).IsAuditSequenceConflict(ex);
}
