namespace Dropzone.Portal.Core.Tests.Audit;

/// <summary>The database's own refusals, with the same messages on both engines, whatever the code in front of it.</summary>
public sealed class AuditTriggersTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task Triggers_EveryChangeToTheHistory_RefusedWithItsMessage(PortalDatabaseProvider provider)
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
    public async Task Triggers_Truncate_RefusedOnBothTables(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAndArchiveAsync(2);

        await AssertRefusedAsync(database, "TRUNCATE \"AuditEntries\"", "audit history is append-only: TRUNCATE of AuditEntries refused");
        await AssertRefusedAsync(database, "TRUNCATE \"AuditArchiveCuts\" CASCADE", "audit history is append-only: TRUNCATE of AuditArchiveCuts refused");
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task Triggers_DroppedAndCreatedAgain_RefuseAgain(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(2);

        await database.TamperAsync("UPDATE \"AuditEntries\" SET \"Answer\" = 'x' WHERE \"Sequence\" = 1;" + AuditTriggers.For(provider).Create);

        await AssertRefusedAsync(database, "UPDATE \"AuditEntries\" SET \"Answer\" = 'y'", "audit entries are append-only: UPDATE refused");
        Assert.Equal("x", (await database.EntriesAsync())[0].Answer);
    }

    private static async Task AssertRefusedAsync(AuditDatabase database, string sql, string message)
    {
        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.ExecuteAsync(sql));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
