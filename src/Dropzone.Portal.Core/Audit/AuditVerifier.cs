using System.Globalization;
using Dropzone.Portal.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Dropzone.Portal.Core.Audit;

/// <summary>Why the chain stopped verifying.</summary>
public enum AuditBreakKind
{
    /// <summary>The entry's fields no longer hash to its stored hash.</summary>
    ContentEdited,

    /// <summary>A sequence number is missing: an entry was deleted.</summary>
    EntryMissing,

    /// <summary>The entry's content is not valid at this position: it was moved (sequence numbers swapped).</summary>
    Reordered,

    /// <summary>The entry is self-consistent but names another predecessor: inserted, or a predecessor re-hashed.</summary>
    ChainLinkMismatch,
}

/// <summary>The outcome of one walk over the chain.</summary>
public sealed record AuditVerificationResult(
    bool Intact, long EntriesChecked, DateTimeOffset VerifiedAt,
    long? BrokenAtSequence = null, AuditBreakKind? Break = null, string? Detail = null)
{
    /// <summary>The last entry that verified (its sequence and hash): worth keeping outside the database.</summary>
    public long HeadSequence { get; init; }

    public string HeadHash { get; init; } = AuditChain.GenesisHash;

    public string Summary => Intact
        ? string.Create(CultureInfo.InvariantCulture, $"Chain intact: {EntriesChecked:N0} entries")
        : string.Create(CultureInfo.InvariantCulture, $"Chain broken at sequence {BrokenAtSequence}: {Break} ({Detail})");
}

/// <summary>
/// Walks the chain in sequence order, streaming (no tracking, constant memory), from the genesis hash or from
/// the newest archive cut, and reports the first broken link. Also the recurring-job hook
/// (<see cref="VerifyAndRecordAsync"/>) and the source of the page's chain status (<see cref="LastResultAsync"/>).
/// </summary>
public sealed class AuditVerifier(
    IDbContextFactory<PortalDbContext> dbFactory, AuditTrail trail, TimeProvider timeProvider, ILogger<AuditVerifier>? logger = null)
{
    public async Task<AuditVerificationResult> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cut = await db.AuditArchiveCuts.AsNoTracking().OrderByDescending(c => c.ThroughSequence).FirstOrDefaultAsync(cancellationToken);
        var expectedSequence = (cut?.ThroughSequence ?? 0) + 1;
        var expectedPrevious = cut?.ThroughHash ?? AuditChain.GenesisHash;
        long checkedCount = 0;

        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                // Off the caller's thread: the scan is synchronous and a Blazor circuit must stay responsive.
                var (broken, scanned, headSequence, headHash) = await Task.Run(
                    () => SqliteChainScanner.Scan(sqlite, expectedSequence - 1, expectedPrevious, cancellationToken), cancellationToken);
                var result = broken ?? new AuditVerificationResult(true, 0, default);
                return result with { EntriesChecked = scanned, VerifiedAt = timeProvider.GetUtcNow(), HeadSequence = headSequence, HeadHash = headHash };
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        var entries = AuditEntryReader.StreamAsync(db, db.AuditEntries.OrderBy(e => e.Sequence), cancellationToken);
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            var broken = Check(entry, expectedSequence, expectedPrevious);
            if (broken is not null)
            {
                return broken with
                {
                    EntriesChecked = checkedCount,
                    VerifiedAt = timeProvider.GetUtcNow(),
                    HeadSequence = expectedSequence - 1,
                    HeadHash = expectedPrevious,
                };
            }
            checkedCount++;
            expectedSequence = entry.Sequence + 1;
            expectedPrevious = entry.Hash;
        }
        return new AuditVerificationResult(true, checkedCount, timeProvider.GetUtcNow())
        {
            HeadSequence = expectedSequence - 1,
            HeadHash = expectedPrevious,
        };
    }

    /// <summary>
    /// Classifies the first problem at one position. Sequence gaps are checked first (a deletion), then the
    /// entry's own hash: if it fails while the entry still names the expected predecessor, a field was edited;
    /// if it fails and names another predecessor, the entry was moved. A valid entry naming the wrong predecessor
    /// is a broken link.
    /// </summary>
    internal static AuditVerificationResult? Check(AuditEntry entry, long expectedSequence, string expectedPrevious) =>
        Classify(entry.Sequence, expectedSequence,
            hashMatches: entry.Sequence == expectedSequence && AuditChain.HashMatches(entry),
            namesPredecessor: string.Equals(entry.PreviousHash, expectedPrevious, StringComparison.Ordinal));

    internal static AuditVerificationResult? Classify(long sequence, long expectedSequence, bool hashMatches, bool namesPredecessor)
    {
        if (sequence > expectedSequence)
        {
            return Broken(expectedSequence, AuditBreakKind.EntryMissing,
                $"expected sequence {expectedSequence}, next present is {sequence}");
        }
        if (sequence < expectedSequence)
        {
            return Broken(sequence, AuditBreakKind.ChainLinkMismatch, "entry lies inside an archived range");
        }
        if (!hashMatches)
        {
            return namesPredecessor
                ? Broken(sequence, AuditBreakKind.ContentEdited, "content does not match its hash")
                : Broken(sequence, AuditBreakKind.Reordered, "content belongs at another position in the chain");
        }
        return namesPredecessor
            ? null
            : Broken(sequence, AuditBreakKind.ChainLinkMismatch, "previous hash does not match the preceding entry");
    }

    private static AuditVerificationResult Broken(long sequence, AuditBreakKind kind, string detail) =>
        new(false, 0, default, sequence, kind, detail);

    /// <summary>
    /// Verifies and records the result as an <see cref="AuditActions.AuditVerified"/> entry, which is also what
    /// the page shows as the chain status. Plain method so the jobs feature can schedule it.
    /// </summary>
    public async Task<AuditVerificationResult> VerifyAndRecordAsync(AuditActor actor, string? traceId = null, CancellationToken cancellationToken = default)
    {
        var result = await VerifyAsync(cancellationToken);
        // The log files live outside the database: a head written there each day lets a later check notice a
        // history that was cut short or rewritten wholesale, which the chain alone cannot show.
        logger?.LogInformation("Audit chain verified: {Summary}; head {HeadSequence} {HeadHash}", result.Summary, result.HeadSequence, result.HeadHash);
        if (!result.Intact) logger?.LogError("Audit chain broken at {Sequence}: {Break} ({Detail})", result.BrokenAtSequence, result.Break, result.Detail);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        trail.Record(db, new AuditEvent(AuditActions.AuditVerified, actor, result.Intact ? AuditOutcome.Succeeded : AuditOutcome.Failed)
        {
            Target = new AuditTarget(AuditTargetTypes.Audit, "chain", "Audit chain"),
            Answer = result.Summary,
            TraceId = traceId,
        });
        await AuditTrail.SaveChangesAsync(db, cancellationToken);
        return result;
    }

    /// <summary>The newest recorded verification, or null if the chain was never verified.</summary>
    public async Task<AuditEntry?> LastResultAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AuditActions.AuditVerified)
            .OrderByDescending(e => e.Sequence)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
