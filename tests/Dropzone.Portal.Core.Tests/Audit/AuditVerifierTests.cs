namespace Dropzone.Portal.Core.Tests.Audit;

public sealed class AuditVerifierTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_EmptyHistory_IntactWithNoEntries(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);

        var result = await database.Verifier.VerifyAsync();

        Assert.True(result.Intact);
        Assert.Equal(0, result.EntriesChecked);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_IntactChain_ReportsCountAndTime(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(10);

        var result = await database.Verifier.VerifyAsync();

        Assert.True(result.Intact);
        Assert.Equal(10, result.EntriesChecked);
        Assert.Equal(database.Time.GetUtcNow(), result.VerifiedAt);
        Assert.Equal("Chain intact: 10 entries", result.Summary);
        await using var db = database.CreateDbContext();
        Assert.Equal((10L, (await db.AuditEntries.SingleAsync(e => e.Sequence == 10)).Hash), (result.HeadSequence, result.HeadHash));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_EntryEditedInSqlite_ReportsContentEditedAtThatSequence(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(10);

        await database.TamperAsync("UPDATE \"AuditEntries\" SET \"Command\" = 'Remove-DistributionGroup' WHERE \"Sequence\" = 4;");

        var result = await database.Verifier.VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(4, result.BrokenAtSequence);
        Assert.Equal(AuditBreakKind.ContentEdited, result.Break);
        Assert.Equal(3, result.EntriesChecked);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_EntryDeletedInSqlite_ReportsEntryMissing(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(10);

        await database.TamperAsync("DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = 6;");

        var result = await database.Verifier.VerifyAsync();
        Assert.Equal(6, result.BrokenAtSequence);
        Assert.Equal(AuditBreakKind.EntryMissing, result.Break);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_EntriesSwappedInSqlite_ReportsReordered(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(10);

        await database.TamperAsync("""
            UPDATE "AuditEntries" SET "Sequence" = -1 WHERE "Sequence" = 5;
            UPDATE "AuditEntries" SET "Sequence" = 5 WHERE "Sequence" = 6;
            UPDATE "AuditEntries" SET "Sequence" = 6 WHERE "Sequence" = -1;
            """);

        var result = await database.Verifier.VerifyAsync();
        Assert.Equal(5, result.BrokenAtSequence);
        Assert.Equal(AuditBreakKind.Reordered, result.Break);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_EntryEditedAndRehashedWithTheKey_ReportsChainLinkMismatchAtSuccessor(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(10);
        AuditEntry forged;
        await using (var db = database.CreateDbContext())
        {
            forged = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 3);
        }
        forged.Answer = "forged";
        forged.Hash = AuditChain.ComputeHash(forged, database.Key);

        await database.TamperAsync($"UPDATE \"AuditEntries\" SET \"Answer\" = 'forged', \"Hash\" = '{forged.Hash}' WHERE \"Sequence\" = 3;");

        var result = await database.Verifier.VerifyAsync();
        Assert.Equal(4, result.BrokenAtSequence);
        Assert.Equal(AuditBreakKind.ChainLinkMismatch, result.Break);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_NonAsciiAndNullFields_FastPathAgreesWithEntityHashes(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(3, i => new AuditEvent(AuditActions.OwnerChanged, AuditActor.User("oid", "zoë@contoso.com", "Zoë 👋 Ünïcode"))
        {
            Answer = i == 1 ? null : "Réponse: «ok» \uD800 lone surrogate",
            Command = "",
        });

        var result = await database.Verifier.VerifyAsync();

        Assert.True(result.Intact, result.Summary);
        await using var db = database.CreateDbContext();
        Assert.All(await db.AuditEntries.ToListAsync(), e => Assert.True(AuditChain.HashMatches(e, database.Key)));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_LongestMultiByteTexts_FastPathGrowsItsBufferAndAgreesWithEntityWalk(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        // Two longest texts of 3-byte characters: a row's canonical form larger than the fast paths' first buffers.
        await database.SeedAsync(3, i => new AuditEvent(AuditActions.RunFailed, AuditActor.System)
        {
            Command = new string('€', AuditEntry.MaxTextLength),
            Answer = i == 2 ? "short" : new string('ü', AuditEntry.MaxTextLength),
        });

        await AssertScansAgreeAsync(database, null, 3);
        await database.TamperAsync($"UPDATE \"AuditEntries\" SET \"Command\" = '{new string('€', AuditEntry.MaxTextLength - 1)}x' WHERE \"Sequence\" = 3;");
        await AssertScansAgreeAsync(database, (3, AuditBreakKind.ContentEdited), 2);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Verify_BreaksAcrossSeveralBatches_FastPathAgreesWithEntityWalk(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await using (var db = database.CreateDbContext())
        {
            // More than two of the fast path's batches, so MACs are computed on another thread while rows are read.
            await database.Trail.AppendBatchAsync(db, Enumerable.Range(0, 5000).Select(i => new AuditEvent(AuditActions.MemberAdded, AuditActor.System)
            {
                Target = AuditTarget.Mailbox($"user{i}@contoso.com"),
                Answer = i % 7 == 0 ? null : "Succeeded",
            }));
        }
        await AssertScansAgreeAsync(database, null, 5000);
        var entry2500 = (await database.EntriesAsync())[2499];
        await AssertScansAgreeAsync(database, null, 2500, after: (2500, entry2500.Hash));

        // Each tampering lies before the last, so each scan must find the new one first.
        await database.TamperAsync("UPDATE \"AuditEntries\" SET \"Answer\" = 'forged' WHERE \"Sequence\" = 4500;");
        await AssertScansAgreeAsync(database, (4500, AuditBreakKind.ContentEdited), 4499);
        await database.TamperAsync("DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = 3000;");
        await AssertScansAgreeAsync(database, (3000, AuditBreakKind.EntryMissing), 2999);
        await AssertScansAgreeAsync(database, (3000, AuditBreakKind.EntryMissing), 499, after: (2500, entry2500.Hash));
        await database.TamperAsync("UPDATE \"AuditEntries\" SET \"PreviousHash\" = \"Hash\" WHERE \"Sequence\" = 100;");
        await AssertScansAgreeAsync(database, (100, AuditBreakKind.Reordered), 99);
    }

    /// <summary>The engine's fast path and the walk over materialized entries give the same break, count and head.</summary>
    private static async Task AssertScansAgreeAsync(
        AuditDatabase database, (long Sequence, AuditBreakKind Kind)? expected, long expectedChecked, (long Sequence, string Hash)? after = null)
    {
        var (afterSequence, startHash) = after ?? (0, AuditChain.GenesisHash);
        await using var db = database.CreateDbContext();
        var fast = await PortalDatabaseDialect.Of(db.Database).TryScanAuditChainAsync(db, database.Key, afterSequence, startHash, default);
        var entities = await AuditVerifier.ScanEntitiesAsync(db, database.Key, afterSequence, startHash, default);

        Assert.NotNull(fast);
        Assert.Equal(entities, fast);
        Assert.Equal(expected, fast.Broken is { } broken ? (broken.BrokenAtSequence!.Value, broken.Break!.Value) : null);
        Assert.Equal(expectedChecked, fast.Checked);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task VerifyAndRecord_Intact_RecordsAuditVerifiedShownAsLastResult(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(3);

        await database.Monitor.VerifyChainAsync(AuditActor.User("oid-1", "ada@contoso.com", "Ada"));

        // A fresh monitor (another process) reads the recorded result.
        var last = (await database.Monitor.GetStateAsync()).Chain;
        Assert.NotNull(last);
        Assert.True(last.Intact);
        Assert.Equal("Chain intact: 3 entries", last.Summary);
        Assert.Equal("ada@contoso.com", last.By);
        Assert.True((await database.Verifier.VerifyAsync()).Intact);
    }
}
