namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// A range of entries moved to an archive file. The cut keeps the hash of the last archived entry so the
/// verifier can start the remaining chain from it, and it is what authorises the database to delete that
/// range (see docs/decisions/006-audit-hash-chain.md). Append-only like the entries.
/// </summary>
public sealed class AuditArchiveCut
{
    public long Id { get; internal set; }
    public long FromSequence { get; internal set; }
    public long ThroughSequence { get; internal set; }

    /// <summary>Hash of the entry at <see cref="ThroughSequence"/>: the next entry's previous hash.</summary>
    public string ThroughHash { get; internal set; } = "";

    public long EntryCount { get; internal set; }

    /// <summary>File name inside the archive folder (JSON Lines, one entry per line, hashes included).</summary>
    public string FileName { get; internal set; } = "";

    /// <summary>SHA-256 of the archive file, so a swapped or truncated file is noticed.</summary>
    public string FileSha256 { get; internal set; } = "";

    public DateTime CreatedAt { get; internal set; }

    /// <summary>
    /// The cut in words, recorded as the command of its <see cref="AuditActions.AuditArchived"/> entry: that entry
    /// carries the chain's MAC, so a cut row without its entry was not made by the portal.
    /// </summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"archive-cut from={FromSequence} through={ThroughSequence} count={EntryCount} through-hash={ThroughHash} file={FileName} sha256={FileSha256}");
}
