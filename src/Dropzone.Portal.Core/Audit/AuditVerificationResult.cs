namespace Dropzone.Portal.Core.Audit;

/// <summary>Why the chain stopped verifying.</summary>
public enum AuditBreakKind
{
    /// <summary>The entry's fields no longer carry its MAC (edited, or re-hashed without the key).</summary>
    ContentEdited,

    /// <summary>A sequence number is missing: an entry was deleted (later ones possibly renumbered).</summary>
    EntryMissing,

    /// <summary>The entry's content is not valid at this position: it was moved (sequence numbers swapped).</summary>
    Reordered,

    /// <summary>The entry is authentic but names another predecessor.</summary>
    ChainLinkMismatch,

    /// <summary>An entry the portal did not write was inserted here; the entries after it were renumbered.</summary>
    Inserted,

    /// <summary>The history ends before a checkpoint's sequence: its newest entries were deleted.</summary>
    Truncated,

    /// <summary>The entry at a checkpoint's sequence is not the one checkpointed: the history was cut and continued.</summary>
    CheckpointMismatch,

    /// <summary>A checkpoint in the checkpoint file does not verify under the key.</summary>
    CheckpointForged,

    /// <summary>An archive cut the portal did not record: its range was deleted without being archived.</summary>
    ArchiveCutForged,
}

/// <summary>Whether a verification walks the whole chain or only what follows the newest checkpoint.</summary>
public enum AuditVerificationScope
{
    Full,
    SinceCheckpoint,
}

/// <summary>The outcome of one walk over the chain.</summary>
public sealed record AuditVerificationResult(
    bool Intact, long EntriesChecked, DateTimeOffset VerifiedAt,
    long? BrokenAtSequence = null, AuditBreakKind? Break = null, string? Detail = null)
{
    /// <summary>The last entry that verified (its sequence and hash): what the next checkpoint anchors.</summary>
    public long HeadSequence { get; init; }

    public string HeadHash { get; init; } = AuditChain.GenesisHash;

    /// <summary>Set when the walk started at a checkpoint instead of the start of the chain.</summary>
    public long? FromCheckpoint { get; init; }

    public string Summary => (Intact, FromCheckpoint) switch
    {
        (true, null) => string.Create(CultureInfo.InvariantCulture, $"Chain intact: {EntriesChecked:N0} entries"),
        (true, { } from) => string.Create(CultureInfo.InvariantCulture, $"Chain intact: {EntriesChecked:N0} entries since checkpoint {from}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"Chain broken at sequence {BrokenAtSequence}: {Break} ({Detail})"),
    };

    internal static AuditVerificationResult Broken(long sequence, AuditBreakKind kind, string detail) =>
        new(false, 0, default, sequence, kind, detail);
}
