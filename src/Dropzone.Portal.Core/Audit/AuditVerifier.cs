namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// Verifies the chain under the <see cref="AuditChainKey"/>: the newest archive cut must have been recorded by
/// the portal, every entry must carry its MAC and name its predecessor, and every checkpoint must be authentic
/// and match the entry at its sequence (the history may neither end before it nor hold another entry there).
/// Walks in sequence order, streaming, and reports the first break. Recording, logging and the status shown to
/// people are <see cref="AuditIntegrityMonitor"/>'s.
/// </summary>
public sealed class AuditVerifier(
    IDbContextFactory<PortalDbContext> dbFactory, AuditChainKey key, AuditCheckpointLog checkpoints, TimeProvider timeProvider)
{
    public async Task<AuditVerificationResult> VerifyAsync(
        AuditVerificationScope scope = AuditVerificationScope.Full, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var result = await WalkAsync(db, scope, cancellationToken);
        return result with { VerifiedAt = timeProvider.GetUtcNow() };
    }

    private async Task<AuditVerificationResult> WalkAsync(PortalDbContext db, AuditVerificationScope scope, CancellationToken cancellationToken)
    {
        var cut = await db.AuditArchiveCuts.AsNoTracking().OrderByDescending(c => c.ThroughSequence).FirstOrDefaultAsync(cancellationToken);
        if (cut is not null && !await IsRecordedAsync(db, cut, cancellationToken))
        {
            return AuditVerificationResult.Broken(cut.FromSequence, AuditBreakKind.ArchiveCutForged,
                $"no archive of sequences {cut.FromSequence}–{cut.ThroughSequence} was recorded; the range was deleted");
        }
        var all = await checkpoints.ReadAllAsync(cancellationToken);
        if (all.FirstOrDefault(c => !c.IsAuthentic(key)) is { } forged)
        {
            return AuditVerificationResult.Broken(forged.Sequence, AuditBreakKind.CheckpointForged,
                $"checkpoint of {forged.CreatedAt} in {checkpoints.Path} does not verify under key {key.Id}");
        }

        var start = (Sequence: cut?.ThroughSequence ?? 0, Hash: cut?.ThroughHash ?? AuditChain.GenesisHash);
        var toCheck = all.Where(c => c.Sequence > start.Sequence).ToList();
        long? fromCheckpoint = null;
        if (scope == AuditVerificationScope.SinceCheckpoint && toCheck.Count > 0)
        {
            var latest = toCheck[^1];
            toCheck = [latest];
            if (await CheckAsync(db, [latest], long.MaxValue, cancellationToken) is { } broken) return broken;
            start = (latest.Sequence, latest.HeadHash);
            fromCheckpoint = latest.Sequence;
        }

        var walked = await ScanAsync(db, start.Sequence, start.Hash, cancellationToken);
        if (!walked.Intact) return await AuditBreakDiagnosis.RefineAsync(db, key, walked, cancellationToken);
        return await CheckAsync(db, toCheck, walked.HeadSequence, cancellationToken) ?? walked with { FromCheckpoint = fromCheckpoint };
    }

    /// <summary>The archiver records each cut, word for word, in the <see cref="AuditActions.AuditArchived"/> entry of its transaction.</summary>
    private static Task<bool> IsRecordedAsync(PortalDbContext db, AuditArchiveCut cut, CancellationToken cancellationToken)
    {
        var description = cut.Describe();
        return db.AuditEntries.AnyAsync(
            e => e.Action == AuditActions.AuditArchived && e.Sequence > cut.ThroughSequence && e.Command == description, cancellationToken);
    }

    /// <summary>Each checkpoint's entry must still be there, with the checkpointed MAC.</summary>
    private static async Task<AuditVerificationResult?> CheckAsync(
        PortalDbContext db, IReadOnlyList<AuditCheckpoint> list, long headSequence, CancellationToken cancellationToken)
    {
        foreach (var chunk in list.Chunk(500))
        {
            var sequences = chunk.Select(c => c.Sequence).ToList();
            var stored = await db.AuditEntries.AsNoTracking().Where(e => sequences.Contains(e.Sequence))
                .Select(e => new { e.Sequence, e.Hash }).ToDictionaryAsync(e => e.Sequence, e => e.Hash, cancellationToken);
            var newest = headSequence == long.MaxValue
                ? await db.AuditEntries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0
                : headSequence;
            foreach (var checkpoint in chunk)
            {
                if (checkpoint.Sequence > newest)
                {
                    return AuditVerificationResult.Broken(newest + 1, AuditBreakKind.Truncated, string.Create(CultureInfo.InvariantCulture,
                        $"the checkpoint of {checkpoint.CreatedAt} recorded sequence {checkpoint.Sequence}; the history ends at {newest}"));
                }
                if (!stored.TryGetValue(checkpoint.Sequence, out var hash) || hash != checkpoint.HeadHash)
                {
                    return AuditVerificationResult.Broken(checkpoint.Sequence, AuditBreakKind.CheckpointMismatch,
                        $"entry {checkpoint.Sequence} is not the entry checkpointed at {checkpoint.CreatedAt}");
                }
            }
        }
        return null;
    }

    private async Task<AuditVerificationResult> ScanAsync(PortalDbContext db, long afterSequence, string startHash, CancellationToken cancellationToken)
    {
        var scan = await PortalDatabaseDialect.Of(db.Database).TryScanAuditChainAsync(db, key, afterSequence, startHash, cancellationToken)
            ?? await ScanEntitiesAsync(db, key, afterSequence, startHash, cancellationToken);
        return (scan.Broken ?? new AuditVerificationResult(true, 0, default)) with
        {
            EntriesChecked = scan.Checked,
            HeadSequence = scan.HeadSequence,
            HeadHash = scan.HeadHash,
        };
    }

    /// <summary>The walk over materialized entries: what an engine without a fast path gets, and what the fast paths must agree with.</summary>
    internal static async Task<AuditChainScan> ScanEntitiesAsync(
        PortalDbContext db, AuditChainKey key, long afterSequence, string startHash, CancellationToken cancellationToken)
    {
        var (expectedSequence, expectedPrevious) = (afterSequence + 1, startHash);
        long checkedCount = 0;
        var query = db.AuditEntries.Where(e => e.Sequence > afterSequence).OrderBy(e => e.Sequence);
        await foreach (var entry in AuditEntryReader.StreamAsync(db, query, cancellationToken).WithCancellation(cancellationToken))
        {
            if (Check(entry, expectedSequence, expectedPrevious, key) is { } broken)
            {
                return new AuditChainScan(broken, checkedCount, expectedSequence - 1, expectedPrevious);
            }
            checkedCount++;
            (expectedSequence, expectedPrevious) = (entry.Sequence + 1, entry.Hash);
        }
        return new AuditChainScan(null, checkedCount, expectedSequence - 1, expectedPrevious);
    }

    /// <summary>
    /// Classifies the first problem at one position. Sequence gaps are checked first (a deletion), then the
    /// entry's MAC: if it fails while the entry still names the expected predecessor, a field was edited;
    /// if it fails and names another predecessor, the entry was moved. An authentic entry naming the wrong
    /// predecessor is a broken link.
    /// </summary>
    internal static AuditVerificationResult? Check(AuditEntry entry, long expectedSequence, string expectedPrevious, AuditChainKey key) =>
        Classify(entry.Sequence, expectedSequence,
            hashMatches: entry.Sequence == expectedSequence && AuditChain.HashMatches(entry, key),
            namesPredecessor: string.Equals(entry.PreviousHash, expectedPrevious, StringComparison.Ordinal));

    internal static AuditVerificationResult? Classify(long sequence, long expectedSequence, bool hashMatches, bool namesPredecessor)
    {
        if (sequence > expectedSequence)
        {
            return AuditVerificationResult.Broken(expectedSequence, AuditBreakKind.EntryMissing,
                $"expected sequence {expectedSequence}, next present is {sequence}");
        }
        if (sequence < expectedSequence)
        {
            return AuditVerificationResult.Broken(sequence, AuditBreakKind.ChainLinkMismatch, "entry lies inside an archived range");
        }
        if (!hashMatches)
        {
            return namesPredecessor
                ? AuditVerificationResult.Broken(sequence, AuditBreakKind.ContentEdited, "content does not match its MAC")
                : AuditVerificationResult.Broken(sequence, AuditBreakKind.Reordered, "content belongs at another position in the chain");
        }
        return namesPredecessor
            ? null
            : AuditVerificationResult.Broken(sequence, AuditBreakKind.ChainLinkMismatch, "previous hash does not match the preceding entry");
    }
}
