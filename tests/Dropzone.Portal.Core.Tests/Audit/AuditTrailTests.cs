using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;

namespace Dropzone.Portal.Core.Tests.Audit;

public sealed class AuditTrailTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task Record_ThenSave_AssignsSequencesAndChainsHashes(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(3);
        await database.SeedAsync(2);

        await using var db = database.CreateDbContext();
        var entries = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Sequence));
        Assert.Equal(AuditChain.GenesisHash, entries[0].PreviousHash);
        for (var i = 1; i < entries.Count; i++) Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
        // Read back from SQLite, every stored hash still matches its content: the time survived the round trip.
        Assert.All(entries, e => Assert.True(AuditChain.HashMatches(e, database.Key)));
        Assert.Equal(AuditDatabase.Start.UtcDateTime, entries[0].OccurredAt);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Record_ClockGoesBackwards_TimeNeverDecreasesAlongChain(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(1);
        var lateClock = new AuditTrail(new FakeTimeProvider(AuditDatabase.Start.AddHours(-1)));

        await using var db = database.CreateDbContext();
        lateClock.Record(db, new AuditEvent(AuditActions.MemberAdded, AuditActor.System));
        await db.SaveChangesAsync();

        var times = await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.OccurredAt).ToListAsync();
        Assert.Equal(times[0], times[1]);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SaveChanges_StateChangeFails_NoAuditEntryWritten(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await using (var first = database.CreateDbContext())
        {
            first.DataProtectionKeys.Add(new DataProtectionKey { Id = 1, FriendlyName = "k1", Xml = "<key/>" });
            await first.SaveChangesAsync();
        }

        await using var db = database.CreateDbContext();
        // The same primary key again: the state change violates a constraint at commit time.
        db.DataProtectionKeys.Add(new DataProtectionKey { Id = 1, FriendlyName = "duplicate", Xml = "<key/>" });
        database.Trail.Record(db, new AuditEvent(AuditActions.GroupCreated, AuditActor.System));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        await using var check = database.CreateDbContext();
        Assert.Equal(0, await check.AuditEntries.CountAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SaveChanges_StateChangeSucceeds_AuditEntryCommittedWithIt(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await using var db = database.CreateDbContext();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "k1", Xml = "<key/>" });
        database.Trail.Record(db, new AuditEvent(AuditActions.GroupCreated, AuditActor.System));

        await db.SaveChangesAsync();

        await using var check = database.CreateDbContext();
        Assert.Equal(1, await check.DataProtectionKeys.CountAsync());
        Assert.Equal(1, await check.AuditEntries.CountAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SaveChanges_CallerTransactionRolledBack_NeitherStateNorEntryRemains(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await using var db = database.CreateDbContext();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "k1", Xml = "<key/>" });
            database.Trail.Record(db, new AuditEvent(AuditActions.GroupCreated, AuditActor.System));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using var check = database.CreateDbContext();
        Assert.Equal(0, await check.DataProtectionKeys.CountAsync());
        Assert.Equal(0, await check.AuditEntries.CountAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SaveChanges_FailedThenRetried_ChainsFromCurrentHead(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await using var db = database.CreateDbContext();
        db.DataProtectionKeys.Add(new DataProtectionKey { Id = 5, Xml = "<key/>" });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        var duplicate = db.DataProtectionKeys.Add(new DataProtectionKey { Id = 5, Xml = "<key/>" });
        database.Trail.Record(db, new AuditEvent(AuditActions.GroupCreated, AuditActor.System));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        await database.SeedAsync(2);

        duplicate.State = EntityState.Detached;
        await db.SaveChangesAsync();

        Assert.True((await database.Verifier.VerifyAsync()).Intact);
        await using var check = database.CreateDbContext();
        Assert.Equal(3, await check.AuditEntries.CountAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SaveChanges_ConcurrentAppenders_OneUnbrokenChain(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        const int writers = 6, perWriter = 15;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await using var db = database.CreateDbContext();
                database.Trail.Record(db, new AuditEvent(AuditActions.MemberAdded, AuditActor.Job($"writer-{w}")));
                await db.SaveChangesAsync();
            }
        })));

        var result = await database.Verifier.VerifyAsync();
        Assert.True(result.Intact, result.Summary);
        Assert.Equal(writers * perWriter, result.EntriesChecked);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SaveChanges_WritersWithSeparateGates_DatabaseLockStillKeepsOneChain(PortalDatabaseProvider provider)
    {
        // The in-process gate is keyed by connection string; a second spelling of the same database gets its own gate,
        // which is what a second process (another instance) would have. The chain must then hold by the database lock alone.
        await using var database = await AuditDatabase.CreateAsync(provider);
        var otherSpelling = database.ConnectionString + (provider == PortalDatabaseProvider.Sqlite ? ";Default Timeout=31" : ";Application Name=second-instance");

        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                await using var db = w % 2 == 0 ? database.CreateDbContext() : database.CreateDbContext(otherSpelling);
                database.Trail.Record(db, new AuditEvent(AuditActions.MemberAdded, AuditActor.Job($"writer-{w}")));
                await AuditTrail.SaveChangesAsync(db);
            }
        })));

        var result = await database.Verifier.VerifyAsync();
        Assert.True(result.Intact, result.Summary);
        Assert.Equal(90, result.EntriesChecked);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task AppendBatch_ManyEntries_OneTransactionOneChain(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await using var db = database.CreateDbContext();

        var written = await database.Trail.AppendBatchAsync(db,
            Enumerable.Range(0, 2_500).Select(i => new AuditEvent(AuditActions.MemberAdded, AuditActor.System) { GroupId = $"g{i % 3}" }));

        Assert.Equal(2_500, written);
        // Then the ordinary path continues the same chain.
        database.Trail.Record(db, new AuditEvent(AuditActions.GroupCreated, AuditActor.System));
        await db.SaveChangesAsync();
        var result = await database.Verifier.VerifyAsync();
        Assert.True(result.Intact, result.Summary);
        Assert.Equal(2_501, result.EntriesChecked);
        // Rows written by the prepared insert read back through EF exactly as hashed.
        await using var check = database.CreateDbContext();
        Assert.All(await check.AuditEntries.Where(e => e.Sequence <= 20).ToListAsync(), e => Assert.True(AuditChain.HashMatches(e, database.Key)));
        var page = await database.Query.GetPageAsync(new AuditFilter { From = AuditDatabase.Start, GroupId = "g1" }, AuditScope.All, new AuditPageRequest());
        Assert.Equal(833, page.TotalCount);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Database_UpdateOfEntry_Refused(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(2);

        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.ExecuteAsync("UPDATE \"AuditEntries\" SET \"Answer\" = 'x' WHERE \"Sequence\" = 1"));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Database_DeleteOfEntry_Refused(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(2);

        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.ExecuteAsync("DELETE FROM \"AuditEntries\""));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Database_EveryChangeToTheHistory_RefusedWithItsMessage(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        var cut = await database.SeedAndArchiveAsync(3);
        await database.SeedAsync(2);

        await AssertRefusedAsync(database, "UPDATE \"AuditEntries\" SET \"Answer\" = 'x'", "audit entries are append-only: UPDATE refused");
        await AssertRefusedAsync(database, "DELETE FROM \"AuditEntries\"", "audit entries are append-only: DELETE refused outside an archive cut");
        await AssertRefusedAsync(database, "UPDATE \"AuditArchiveCuts\" SET \"FileName\" = 'x'", "audit archive cuts are append-only: UPDATE refused");
        await AssertRefusedAsync(database, "DELETE FROM \"AuditArchiveCuts\"", "audit archive cuts are append-only: DELETE refused");
        await using var db = database.CreateDbContext();
        Assert.Equal((1, 3), (await db.AuditArchiveCuts.CountAsync(), await db.AuditEntries.CountAsync(e => e.Sequence > cut!.ThroughSequence)));
    }

    [Theory, OnPostgreSql]
    public async Task Database_Truncate_RefusedOnBothTables(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAndArchiveAsync(2);

        await AssertRefusedAsync(database, "TRUNCATE \"AuditEntries\"", "audit history is append-only: TRUNCATE of AuditEntries refused");
        await AssertRefusedAsync(database, "TRUNCATE \"AuditArchiveCuts\" CASCADE", "audit history is append-only: TRUNCATE of AuditArchiveCuts refused");
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Database_DroppedAndCreatedAgain_RefuseAgain(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(2);

        await database.TamperAsync("UPDATE \"AuditEntries\" SET \"Answer\" = 'x' WHERE \"Sequence\" = 1;" + AuditTriggers.For(provider).Create);

        await AssertRefusedAsync(database, "UPDATE \"AuditEntries\" SET \"Answer\" = 'y'", "audit entries are append-only: UPDATE refused");
        Assert.Equal("x", (await database.EntriesAsync())[0].Answer);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task SaveChanges_ModifiedOrDeletedEntry_RefusedByCode(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(1);
        await using var db = database.CreateDbContext();
        var entry = await db.AuditEntries.SingleAsync();

        db.AuditEntries.Remove(entry);

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    /// <summary>The database itself refuses the statement, with the message its trigger gives.</summary>
    private static async Task AssertRefusedAsync(AuditDatabase database, string sql, string message)
    {
        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.ExecuteAsync(sql));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
