namespace Dropzone.Portal.Core.Audit;

/// <summary>What an offline check of a JSON Lines export found.</summary>
public sealed record AuditExportReport(
    long Entries, long Links, long? FirstSequence, long? LastSequence, AuditCheckpoint? Checkpoint, bool CheckpointInRange, string? Problem)
{
    public bool Verified => Problem is null;

    public string Summary => Problem ?? string.Create(CultureInfo.InvariantCulture,
        $"Export verified: {Entries:N0} entries from {FirstSequence} to {LastSequence}, each authentic; {Links:N0} links checked; {CheckpointText}");

    private string CheckpointText => Checkpoint switch
    {
        null => "no checkpoint in the export.",
        _ when CheckpointInRange => $"the checkpoint of {Checkpoint.CreatedAt} (sequence {Checkpoint.Sequence}) is authentic and matches.",
        _ => $"the checkpoint of {Checkpoint.CreatedAt} (sequence {Checkpoint.Sequence}) is authentic; its entry is not in this export.",
    };
}

/// <summary>
/// Checks a JSON Lines export (or archive file) with the chain key and nothing else, as an auditor would offline:
/// every entry's MAC, every link between consecutive sequences (a filtered export has gaps; those are not links),
/// and the checkpoint: authentic, and matching its entry when the export holds it. An export of the whole history
/// must also start at sequence 1 or at an archive cut; the report gives the range for that comparison.
/// </summary>
public static class AuditExportVerifier
{
    public static async Task<AuditExportReport> VerifyAsync(string path, AuditChainKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // The checkpoint comes last; read it first so the entries stream past it once.
        AuditCheckpoint? checkpoint = null;
        foreach (var line in File.ReadLines(path))
        {
            if (AuditCheckpoint.FromJsonLine(line) is { } found) checkpoint = found;
        }
        if (checkpoint is not null && !checkpoint.IsAuthentic(key))
        {
            return new AuditExportReport(0, 0, null, null, checkpoint, false, $"The checkpoint of {checkpoint.CreatedAt} does not verify under key {key.Id}.");
        }

        long entries = 0, links = 0;
        long? first = null, previousSequence = null;
        string? previousHash = null;
        var checkpointInRange = false;
        using var reader = new StreamReader(path, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 || AuditCheckpoint.FromJsonLine(line) is not null) continue;
            var entry = AuditExporter.ReadJson(Encoding.UTF8.GetBytes(line));
            AuditExportReport Fail(string problem) => new(entries, links, first, previousSequence, checkpoint, checkpointInRange, problem);
            if (previousSequence is { } before && entry.Sequence <= before) return Fail($"Entry {entry.Sequence} follows entry {before}: the export is out of order.");
            if (!AuditChain.HashMatches(entry, key)) return Fail($"Entry {entry.Sequence} does not verify under key {key.Id}: it was changed or not written by the portal.");
            if (previousSequence == entry.Sequence - 1)
            {
                if (entry.PreviousHash != previousHash) return Fail($"Entry {entry.Sequence} does not name entry {previousSequence} as its predecessor.");
                links++;
            }
            if (checkpoint?.Sequence == entry.Sequence)
            {
                if (checkpoint.HeadHash != entry.Hash) return Fail($"Entry {entry.Sequence} is not the entry checkpointed at {checkpoint.CreatedAt}.");
                checkpointInRange = true;
            }
            first ??= entry.Sequence;
            (previousSequence, previousHash) = (entry.Sequence, entry.Hash);
            entries++;
        }
        if (checkpoint is not null && previousSequence is { } last && links == entries - 1 && checkpoint.Sequence > last && first is not null)
        {
            // A continuous export that ends before the checkpoint: its newest entries are missing.
            return new AuditExportReport(entries, links, first, last, checkpoint, false,
                $"The export ends at {last} but the checkpoint of {checkpoint.CreatedAt} recorded sequence {checkpoint.Sequence}: entries are missing.");
        }
        return new AuditExportReport(entries, links, first, previousSequence, checkpoint, checkpointInRange, null);
    }
}
