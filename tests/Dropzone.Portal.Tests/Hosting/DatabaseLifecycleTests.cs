using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;

namespace Dropzone.Portal.Tests.Hosting;

public sealed class DatabaseLifecycleTests : IDisposable
{
    private readonly string _dataDirectory = TestFolder.Create();

    [Fact]
    public async Task Startup_FreshDataFolder_CreatesDatabaseWithAllMigrationsInWalMode()
    {
        using var factory = PortalApplicationFactory.ForDataDirectory(_dataDirectory);
        _ = factory.Services;

        Assert.True(File.Exists(factory.DatabasePath));
        await using var db = await CreateContextAsync(factory);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal("wal", await ScalarAsync(db, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Restart_SameDataFolder_KeepsDataAndAppliesNoMigrationTwice()
    {
        int appliedBefore;
        using (var first = PortalApplicationFactory.ForDataDirectory(_dataDirectory))
        {
            await using var db = await CreateContextAsync(first);
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "kept-across-restart", Xml = "<key/>" });
            await db.SaveChangesAsync();
            appliedBefore = (await db.Database.GetAppliedMigrationsAsync()).Count();
        }

        using var second = PortalApplicationFactory.ForDataDirectory(_dataDirectory);
        await using var reopened = await CreateContextAsync(second);

        Assert.True(await reopened.DataProtectionKeys.AnyAsync(k => k.FriendlyName == "kept-across-restart"));
        Assert.Equal(appliedBefore, (await reopened.Database.GetAppliedMigrationsAsync()).Count());
    }

    [Fact]
    public async Task Connection_Opened_HasBusyTimeoutForConcurrentWriters()
    {
        using var factory = PortalApplicationFactory.ForDataDirectory(_dataDirectory);
        await using var db = await CreateContextAsync(factory);

        Assert.Equal("10000", await ScalarAsync(db, "PRAGMA busy_timeout;"));
    }

    private static Task<PortalDbContext> CreateContextAsync(PortalApplicationFactory factory) =>
        factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    private static async Task<string?> ScalarAsync(PortalDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestFolder.TryDelete(_dataDirectory);
    }
}
