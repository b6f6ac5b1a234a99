using System.Globalization;
using System.Security.Cryptography;

namespace Dropzone.Portal.Core.Tests.Audit;

/// <summary>
/// An attacker who can write the database file but does not hold the chain key: each attack is played with SQL
/// on a copy of a real database file, through a plain SQLite connection, and must be found with the right kind
/// at the right sequence.
/// </summary>
public sealed class AuditTamperTests
{
    /// <summary>Ten entries, verified (which checkpoints head 10 outside the database and records entry 11), copied.</summary>
    private static async Task<(AuditDatabase Original, AuditDatabase Copy)> CheckpointedCopyAsync()
    {
        var original = await AuditDatabase.CreateAsync();
        await original.SeedAsync(10);
        Assert.True((await original.Monitor.VerifyChainAsync(AuditActor.System)).Intact);
        return (original, await original.CopyAsync());
    }

    /// <summary>What the documented format lets anyone compute without the key: SHA-256 of the canonical form.</summary>
    private static string Rehash(AuditEntry entry) => Convert.ToHexStringLower(SHA256.HashData(AuditChain.CanonicalBytes(entry)));

    private static string Sql(string? text) => text is null ? "NULL" : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    [Fact]
    public async Task EditedAndRehashedWithoutTheKey_ContentEditedAtTheEditedEntry()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        var entries = await copy.EntriesAsync();
        // Edit entry 4, then re-hash it and re-link every later entry, as the documented format allows.
        var previous = entries[2].Hash;
        var sql = new System.Text.StringBuilder();
        foreach (var entry in entries.Skip(3))
        {
            if (entry.Sequence == 4) entry.Answer = "forged";
            entry.PreviousHash = previous;
            entry.Hash = Rehash(entry);
            previous = entry.Hash;
            sql.Append(CultureInfo.InvariantCulture, $"UPDATE AuditEntries SET Answer = {Sql(entry.Answer)}, PreviousHash = '{entry.PreviousHash}', Hash = '{entry.Hash}' WHERE Sequence = {entry.Sequence};");
        }
        await copy.TamperAsync(sql.ToString());

        var result = await copy.Verifier.VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal((4L, AuditBreakKind.ContentEdited), (result.BrokenAtSequence!.Value, result.Break!.Value));
    }

    [Fact]
    public async Task NewestDeletedThenPortalAppends_CheckpointMismatchAtTheCheckpoint()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        await copy.TamperAsync("DELETE FROM AuditEntries WHERE Sequence >= 8;");
        // The portal keeps writing: the new entries chain, with valid MACs, from the shortened history.
        await copy.SeedAsync(6);

        var result = await copy.Verifier.VerifyAsync();

        Assert.Equal((10L, AuditBreakKind.CheckpointMismatch), (result.BrokenAtSequence!.Value, result.Break!.Value));
    }

    [Fact]
    public async Task NewestDeleted_TruncatedAfterTheLastRemainingEntry()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        await copy.TamperAsync("DELETE FROM AuditEntries WHERE Sequence >= 8;");

        var result = await copy.Verifier.VerifyAsync();
        var tail = await copy.Verifier.VerifyAsync(AuditVerificationScope.SinceCheckpoint);

        Assert.Equal((8L, AuditBreakKind.Truncated), (result.BrokenAtSequence!.Value, result.Break!.Value));
        Assert.Equal((8L, AuditBreakKind.Truncated), (tail.BrokenAtSequence!.Value, tail.Break!.Value));
    }

    [Fact]
    public async Task ForgedArchiveCutAndItsRangeDeleted_ArchiveCutForgedAtTheRangeStart()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        var sixth = (await copy.EntriesAsync())[5];
        // No trigger needs dropping: the cut table accepts inserts, and the cut then "authorises" the delete.
        await copy.ExecuteAsync($"""
            INSERT INTO AuditArchiveCuts (FromSequence, ThroughSequence, ThroughHash, EntryCount, FileName, FileSha256, CreatedAt)
            VALUES (1, 6, '{sixth.Hash}', 6, 'audit-000000000001-000000000006.jsonl', '{new string('0', 64)}', '2026-11-01 08:00:10');
            DELETE FROM AuditEntries WHERE Sequence <= 6;
            """);

        var result = await copy.Verifier.VerifyAsync();
        var archives = await copy.Archiver.VerifyArchivesAsync();

        Assert.Equal((1L, AuditBreakKind.ArchiveCutForged), (result.BrokenAtSequence!.Value, result.Break!.Value));
        Assert.False(archives.Intact);
    }

    [Fact]
    public async Task TwoEntriesSwapped_ReorderedAtTheFirst()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        await copy.TamperAsync("""
            UPDATE AuditEntries SET Sequence = -1 WHERE Sequence = 5;
            UPDATE AuditEntries SET Sequence = 5 WHERE Sequence = 6;
            UPDATE AuditEntries SET Sequence = 6 WHERE Sequence = -1;
            """);

        var result = await copy.Verifier.VerifyAsync();

        Assert.Equal((5L, AuditBreakKind.Reordered), (result.BrokenAtSequence!.Value, result.Break!.Value));
    }

    [Fact]
    public async Task ForgedEntryInsertedAndLaterOnesRenumbered_InsertedAtItsPosition()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        var entries = await copy.EntriesAsync();
        var forged = entries[5];
        forged.Answer = "an entry the portal never wrote";
        forged.PreviousHash = entries[4].Hash;
        forged.Hash = Rehash(forged);
        var shift = string.Concat(Enumerable.Range(6, 6).Reverse().Select(s => $"UPDATE AuditEntries SET Sequence = {s + 1} WHERE Sequence = {s};"));
        var columns = AuditSchema.SelectList;
        await copy.TamperAsync(shift + $"INSERT INTO AuditEntries ({columns}) SELECT {columns.Replace("\"Answer\"", Sql(forged.Answer), StringComparison.Ordinal).Replace("\"Hash\"", Sql(forged.Hash), StringComparison.Ordinal).Replace("\"Sequence\"", "6", StringComparison.Ordinal)} FROM AuditEntries WHERE Sequence = 7;");

        var result = await copy.Verifier.VerifyAsync();

        Assert.Equal(12, (await copy.EntriesAsync()).Count);
        Assert.Equal((6L, AuditBreakKind.Inserted), (result.BrokenAtSequence!.Value, result.Break!.Value));
    }

    [Fact]
    public async Task EntryDeletedInTheMiddle_EntryMissingAtIt()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        await copy.TamperAsync("DELETE FROM AuditEntries WHERE Sequence = 6;");

        var result = await copy.Verifier.VerifyAsync();

        Assert.Equal((6L, AuditBreakKind.EntryMissing), (result.BrokenAtSequence!.Value, result.Break!.Value));
    }

    [Fact]
    public async Task EntryDeletedAndLaterOnesRenumbered_EntryMissingAtIt()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        var renumber = string.Concat(Enumerable.Range(7, 5).Select(s => $"UPDATE AuditEntries SET Sequence = {s - 1} WHERE Sequence = {s};"));
        await copy.TamperAsync("DELETE FROM AuditEntries WHERE Sequence = 6;" + renumber);

        var result = await copy.Verifier.VerifyAsync();

        Assert.Equal((6L, AuditBreakKind.EntryMissing), (result.BrokenAtSequence!.Value, result.Break!.Value));
    }

    [Fact]
    public async Task CheckpointWrittenWithoutTheKey_CheckpointForged()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        var entries = await copy.EntriesAsync();
        var fake = AuditCheckpoint.Sign(11, entries[^1].Hash, copy.Time.GetUtcNow(), AuditChainKey.Generate()) with { KeyId = copy.Key.Id };
        await File.AppendAllTextAsync(copy.AuditOptions.CheckpointFile, fake.ToJsonLine() + "\n");

        var result = await copy.Verifier.VerifyAsync();

        Assert.Equal((11L, AuditBreakKind.CheckpointForged), (result.BrokenAtSequence!.Value, result.Break!.Value));
    }

    [Fact]
    public async Task Untouched_Copy_VerifiesFullyAndSinceTheCheckpoint()
    {
        var (original, copy) = await CheckpointedCopyAsync();
        await using var _ = original;
        await using var __ = copy;
        await copy.SeedAsync(3);

        var full = await copy.Verifier.VerifyAsync();
        var tail = await copy.Verifier.VerifyAsync(AuditVerificationScope.SinceCheckpoint);

        Assert.True(full.Intact, full.Summary);
        Assert.Equal(14, full.EntriesChecked);
        Assert.True(tail.Intact, tail.Summary);
        // Only what follows the checkpoint at 10: the Audit.Verified entry and the three new ones.
        Assert.Equal((4L, 10L), (tail.EntriesChecked, tail.FromCheckpoint!.Value));
        Assert.Equal("Chain intact: 4 entries since checkpoint 10", tail.Summary);
    }
}
