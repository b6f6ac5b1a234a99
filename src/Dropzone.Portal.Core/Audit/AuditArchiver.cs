namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// Retention: moves entries older than <see cref="AuditOptions.ArchiveAfterDays"/> to a JSON Lines file and
/// deletes them, the only deletion the audit table allows. Steps, so that a crash at any point loses nothing:
/// (1) stream the range to a temporary file, checking its chain on the way (a broken range is not archived:
/// that would carry the evidence out of the verifier's reach), (2) flush and rename it into place,
/// (3) in one transaction insert the <see cref="AuditArchiveCut"/> (which authorises the delete trigger),
/// record <see cref="AuditActions.AuditArchived"/>, and delete the range. A crash before (3) leaves a stray file
/// that the next run overwrites.
/// </summary>
public sealed class AuditArchiver(
    IDbContextFactory<PortalDbContext> dbFactory, AuditTrail trail, AuditChainKey key, TimeProvider timeProvider,
    IOptions<AuditOptions> options, IHostEnvironment environment)
{
    public string ArchiveFolder => Path.GetFullPath(options.Value.ArchiveFolder, environment.ContentRootPath);

    /// <summary>Archives what is due under the configured setting; null when nothing was (or is configured to be).</summary>
    public Task<AuditArchiveCut?> ArchiveDueAsync(CancellationToken cancellationToken = default) =>
        options.Value.ArchiveAfterDays is { } days
            ? ArchiveOlderThanAsync(timeProvider.GetUtcNow().AddDays(-days), cancellationToken)
            : Task.FromResult<AuditArchiveCut?>(null);

    public async Task<AuditArchiveCut?> ArchiveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var previousCut = await db.AuditArchiveCuts.AsNoTracking().OrderByDescending(c => c.ThroughSequence).FirstOrDefaultAsync(cancellationToken);
        var cutoffTime = cutoff.UtcDateTime;
        // Time never decreases along the chain, so the newest entry before the cutoff closes the range.
        var through = await db.AuditEntries.Where(e => e.OccurredAt < cutoffTime).OrderByDescending(e => e.OccurredAt)
            .Select(e => (long?)e.Sequence).FirstOrDefaultAsync(cancellationToken);
        var from = (previousCut?.ThroughSequence ?? 0) + 1;
        if (through is not { } last || last < from) return null;

        Directory.CreateDirectory(ArchiveFolder);
        var fileName = string.Create(CultureInfo.InvariantCulture, $"audit-{from:D12}-{last:D12}.jsonl");
        var path = Path.Combine(ArchiveFolder, fileName);
        var (count, throughHash, fileHash) = await WriteRangeAsync(db, key, from, last, previousCut?.ThroughHash ?? AuditChain.GenesisHash, path + ".tmp", cancellationToken);
        File.Move(path + ".tmp", path, overwrite: true);

        var cut = new AuditArchiveCut
        {
            FromSequence = from,
            ThroughSequence = last,
            ThroughHash = throughHash,
            EntryCount = count,
            FileName = fileName,
            FileSha256 = fileHash,
            CreatedAt = AuditChain.Truncate(timeProvider.GetUtcNow()),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.AuditArchiveCuts.Add(cut);
        trail.Record(db, new AuditEvent(AuditActions.AuditArchived, AuditActor.System)
        {
            Target = new AuditTarget(AuditTargetTypes.Audit, fileName, fileName),
            Command = cut.Describe(),
            Answer = string.Create(CultureInfo.InvariantCulture, $"Archived sequences {from}–{last} ({count} entries) to {fileName}, sha256 {fileHash}"),
        });
        await db.SaveChangesAsync(cancellationToken);
        // The delete trigger lets these rows go only because the cut row above now covers them.
        await db.AuditEntries.Where(e => e.Sequence >= from && e.Sequence <= last).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return cut;
    }

    /// <summary>
    /// Re-verifies the archived part of the history: each cut's file must exist and match its recorded SHA-256, and
    /// the entries in the files must chain from the genesis hash through every cut's hash. Together with
    /// <see cref="AuditVerifier.VerifyAsync"/> (which starts at the newest cut) this covers the whole history.
    /// </summary>
    public async Task<AuditVerificationResult> VerifyArchivesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cuts = await db.AuditArchiveCuts.AsNoTracking().OrderBy(c => c.ThroughSequence).ToListAsync(cancellationToken);
        var expectedSequence = 1L;
        var previousHash = AuditChain.GenesisHash;
        long checkedCount = 0;
        // Each cut is recorded by its Audit.Archived entry, which lies in a later archive file or in the database.
        var recorded = (await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.AuditArchived && e.Command != null)
            .Select(e => e.Command!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        AuditVerificationResult Broken(long sequence, AuditBreakKind kind, string detail) =>
            new(false, checkedCount, timeProvider.GetUtcNow(), sequence, kind, detail);

        foreach (var cut in cuts)
        {
            var path = Path.Combine(ArchiveFolder, cut.FileName);
            if (!File.Exists(path)) return Broken(cut.FromSequence, AuditBreakKind.EntryMissing, $"archive file {cut.FileName} is missing");
            await using var file = File.OpenRead(path);
            if (Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken)) != cut.FileSha256)
            {
                return Broken(cut.FromSequence, AuditBreakKind.ContentEdited, $"archive file {cut.FileName} does not match its recorded SHA-256");
            }
            file.Position = 0;
            using var reader = new StreamReader(file);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0) continue;
                var entry = AuditExporter.ReadJson(System.Text.Encoding.UTF8.GetBytes(line));
                if (AuditVerifier.Check(entry, expectedSequence, previousHash, key) is { } broken)
                {
                    return broken with { EntriesChecked = checkedCount, VerifiedAt = timeProvider.GetUtcNow() };
                }
                if (entry.Action == AuditActions.AuditArchived && entry.Command is { } recordedCut) recorded.Add(recordedCut);
                expectedSequence = entry.Sequence + 1;
                previousHash = entry.Hash;
                checkedCount++;
            }
            if (expectedSequence != cut.ThroughSequence + 1 || previousHash != cut.ThroughHash)
            {
                return Broken(expectedSequence, AuditBreakKind.ChainLinkMismatch, $"archive file {cut.FileName} does not end at its cut");
            }
        }
        if (cuts.FirstOrDefault(c => !recorded.Contains(c.Describe())) is { } forged)
        {
            return Broken(forged.FromSequence, AuditBreakKind.ArchiveCutForged, $"no archive of sequences {forged.FromSequence}–{forged.ThroughSequence} was recorded");
        }
        return new AuditVerificationResult(true, checkedCount, timeProvider.GetUtcNow());
    }

    private static async Task<(long Count, string ThroughHash, string FileHash)> WriteRangeAsync(
        PortalDbContext db, AuditChainKey key, long from, long through, string previousHash, string path, CancellationToken cancellationToken)
    {
        using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        await using var json = new Utf8JsonWriter(buffer);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        long count = 0;
        var expected = from;
        var entries = AuditEntryReader.StreamAsync(db, db.AuditEntries.Where(e => e.Sequence >= from && e.Sequence <= through).OrderBy(e => e.Sequence), cancellationToken);
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            if (AuditVerifier.Check(entry, expected, previousHash, key) is { } broken)
            {
                throw new InvalidOperationException($"Not archiving a broken chain: {broken.Summary}");
            }
            AuditExporter.WriteJson(json, entry);
            await json.FlushAsync(cancellationToken);
            buffer.Write("\n"u8);
            json.Reset(buffer);
            fileHash.AppendData(buffer.WrittenSpan);
            await file.WriteAsync(buffer.WrittenMemory, cancellationToken);
            buffer.ResetWrittenCount();
            previousHash = entry.Hash;
            expected = entry.Sequence + 1;
            count++;
        }
        if (expected != through + 1) throw new InvalidOperationException($"Not archiving a broken chain: sequence {expected} is missing.");
        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
        return (count, previousHash, Convert.ToHexStringLower(fileHash.GetHashAndReset()));
    }
}
