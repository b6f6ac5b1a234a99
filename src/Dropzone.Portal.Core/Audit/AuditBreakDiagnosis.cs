namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// Looks closer at a break found by the walk, using the fact that an authentic entry's MAC covers its original
/// sequence: an entry that verifies one position further on was shifted there. So a forged entry followed by
/// shifted ones was inserted, and an entry that belongs a few positions later, whose predecessor is nowhere
/// near, follows deleted and renumbered entries. Runs once per break, on a handful of rows.
/// </summary>
internal static class AuditBreakDiagnosis
{
    private const int MaxRenumbering = 64;

    public static async Task<AuditVerificationResult> RefineAsync(
        PortalDbContext db, AuditChainKey key, AuditVerificationResult broken, CancellationToken cancellationToken)
    {
        if (broken.BrokenAtSequence is not { } at || broken.Break is not (AuditBreakKind.ContentEdited or AuditBreakKind.Reordered)) return broken;
        var rows = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence >= at && e.Sequence <= at + 1)
            .OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        var here = rows.FirstOrDefault(e => e.Sequence == at);
        var next = rows.FirstOrDefault(e => e.Sequence == at + 1);
        if (here is null) return broken;

        if (broken.Break == AuditBreakKind.ContentEdited && next is not null && VerifiesAt(next, at, key))
        {
            return broken with { Break = AuditBreakKind.Inserted, Detail = "an entry the portal did not write was inserted; the entries after it were renumbered" };
        }
        if (broken.Break == AuditBreakKind.Reordered && next?.Hash != here.PreviousHash)
        {
            for (var shift = 1; shift <= MaxRenumbering; shift++)
            {
                if (VerifiesAt(here, at + shift, key))
                {
                    return broken with { Break = AuditBreakKind.EntryMissing, Detail = $"{shift} entries deleted here and the later ones renumbered" };
                }
            }
        }
        return broken;
    }

    private static bool VerifiesAt(AuditEntry entry, long sequence, AuditChainKey key)
    {
        var stored = entry.Sequence;
        entry.Sequence = sequence;
        try
        {
            return AuditChain.HashMatches(entry, key);
        }
        finally
        {
            entry.Sequence = stored;
        }
    }
}
