using System.Security.Cryptography;

namespace Dropzone.Portal.Core.Tests.Audit;

public sealed class AuditArchiverTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task ArchiveDue_NotConfigured_KeepsEverything(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(5);
        database.Time.Advance(TimeSpan.FromDays(400));

        Assert.Null(await database.Archiver.ArchiveDueAsync());

        await using var db = database.CreateDbContext();
        Assert.Equal(5, await db.AuditEntries.CountAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ArchiveDue_OldEntries_MovedToFileAndChainStillVerifies(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        database.AuditOptions.ArchiveAfterDays = 30;
        await database.SeedAsync(6);
        database.Time.Advance(TimeSpan.FromDays(31));
        await database.SeedAsync(4);

        var cut = await database.Archiver.ArchiveDueAsync();

        Assert.NotNull(cut);
        Assert.Equal((1, 6, 6L), (cut.FromSequence, cut.ThroughSequence, cut.EntryCount));
        var file = Path.Combine(database.Folder, "archive", cut.FileName);
        Assert.Equal(cut.FileSha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))));
        var archived = (await File.ReadAllLinesAsync(file)).Select(l => AuditExporter.ReadJson(Encoding.UTF8.GetBytes(l))).ToList();
        Assert.Equal([1L, 2, 3, 4, 5, 6], archived.Select(e => e.Sequence));
        Assert.Equal(cut.ThroughHash, archived[^1].Hash);
        await using (var db = database.CreateDbContext())
        {
            Assert.Equal(7, await db.AuditEntries.MinAsync(e => e.Sequence));
            Assert.Equal(AuditActions.AuditArchived, (await db.AuditEntries.OrderBy(e => e.Sequence).LastAsync()).Action);
        }
        var result = await database.Verifier.VerifyAsync();
        Assert.True(result.Intact, result.Summary);
        Assert.Equal(5, result.EntriesChecked);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ArchiveDue_SecondCut_ContinuesFromFirstAndVerifies(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        var first = await database.SeedAndArchiveAsync(3);
        await database.SeedAsync(3);
        database.Time.Advance(TimeSpan.FromDays(2));

        var second = await database.Archiver.ArchiveDueAsync();

        Assert.NotNull(second);
        Assert.Equal(first!.ThroughSequence + 1, second.FromSequence);
        Assert.True((await database.Verifier.VerifyAsync()).Intact);
        await database.SeedAsync(1);
        Assert.True((await database.Verifier.VerifyAsync()).Intact);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Database_DeleteBeyondTheCut_StillRefused(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedDueForArchiveAsync(3);
        await database.SeedAsync(2);
        await database.Archiver.ArchiveDueAsync();

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.ExecuteAsync("DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = 4"));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.ExecuteAsync("DELETE FROM \"AuditArchiveCuts\""));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ArchiveDue_BrokenRange_RefusesAndKeepsEntries(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedDueForArchiveAsync(4);
        await database.TamperAsync("UPDATE \"AuditEntries\" SET \"Answer\" = 'x' WHERE \"Sequence\" = 2;" + AuditTriggers.For(provider).Create);

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.Archiver.ArchiveDueAsync());

        await using var db = database.CreateDbContext();
        Assert.Equal(4, await db.AuditEntries.CountAsync());
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task VerifyArchives_TwoCuts_WholeArchivedChainVerifies(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAndArchiveAsync(4);
        await database.SeedAndArchiveAsync(3);

        var result = await database.Archiver.VerifyArchivesAsync();

        Assert.True(result.Intact, result.Summary);
        Assert.Equal(8, result.EntriesChecked); // 4 + the first Audit.Archived entry + 3
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task VerifyArchives_FileEdited_ReportsTheCut(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        var cut = await database.SeedAndArchiveAsync(4);
        var path = Path.Combine(database.Folder, "archive", cut!.FileName);
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("user2@", "user9@", StringComparison.Ordinal));

        var result = await database.Archiver.VerifyArchivesAsync();

        Assert.False(result.Intact);
        Assert.Equal(AuditBreakKind.ContentEdited, result.Break);
        Assert.Equal(1, result.BrokenAtSequence);
    }
}
