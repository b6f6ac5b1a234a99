using Microsoft.Extensions.Logging;

namespace Dropzone.Portal.Core.Tests.Audit;

public sealed class AuditIntegrityMonitorTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task ArchiveCheck_ArchiveFileMissing_JobFailsRecordsLogsAndFlags(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        var cut = await database.SeedAndArchiveAsync(4);
        File.Delete(Path.Combine(database.Folder, "archive", cut!.FileName));
        var monitor = database.Monitor;
        var jobs = new AuditJobs(monitor, database.Archiver);

        var error = await Assert.ThrowsAsync<AuditIntegrityException>(() => jobs.VerifyArchivesAsync());

        Assert.Contains("is missing", error.Message, StringComparison.Ordinal);
        await using var db = database.CreateDbContext();
        var recorded = await db.AuditEntries.OrderBy(e => e.Sequence).LastAsync();
        Assert.Equal((AuditActions.AuditVerified, AuditIntegrityMonitor.ArchivesTarget, AuditOutcome.Failed), (recorded.Action, recorded.TargetId, recorded.Outcome));
        Assert.Contains(database.Logs, l => l.Level == LogLevel.Error && l.Message.Contains(cut.FileName, StringComparison.Ordinal));
        var state = await monitor.GetStateAsync();
        Assert.True(state.Broken);
        Assert.Equal(database.Time.GetUtcNow(), state.Archives!.CheckedAt);
        // Another process (a fresh monitor) sees the same from the recorded check.
        Assert.True((await database.Monitor.GetStateAsync()).Broken);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ArchiveCheck_Intact_RecordsSuccessAndClearsTheFlag(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAndArchiveAsync(4);
        var jobs = new AuditJobs(database.Monitor, database.Archiver);

        var result = await jobs.VerifyArchivesAsync();

        Assert.True(result.Intact, result.Summary);
        Assert.False((await database.Monitor.GetStateAsync()).Broken);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ChainJob_Broken_JobFailsRecordsLogsAndFlags(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(5);
        // Quoted identifiers: the same statement on both engines.
        await database.TamperAsync("UPDATE \"AuditEntries\" SET \"Answer\" = 'x' WHERE \"Sequence\" = 2;");
        var monitor = database.Monitor;

        await Assert.ThrowsAsync<AuditIntegrityException>(() => new AuditJobs(monitor, database.Archiver).VerifyChainAsync());

        await using var db = database.CreateDbContext();
        var recorded = await db.AuditEntries.OrderBy(e => e.Sequence).LastAsync();
        Assert.Equal((AuditIntegrityMonitor.ChainTarget, AuditOutcome.Failed), (recorded.TargetId, recorded.Outcome));
        Assert.Contains(database.Logs, l => l.Level == LogLevel.Error && l.Message.Contains("ContentEdited", StringComparison.Ordinal));
        Assert.False((await monitor.GetStateAsync()).Chain!.Intact);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task TailJob_Intact_WritesACheckpointAndNoEntry(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(5);

        var result = await new AuditJobs(database.Monitor, database.Archiver).VerifyTailAsync();

        Assert.True(result.Intact);
        var checkpoint = await database.Checkpoints.LatestAsync();
        Assert.NotNull(checkpoint);
        Assert.Equal(5, checkpoint.Sequence);
        Assert.True(checkpoint.IsAuthentic(database.Key));
        Assert.Contains(database.Logs, l => l.Level == LogLevel.Information && l.Message.StartsWith("Audit chain verified", StringComparison.Ordinal));
        await using var db = database.CreateDbContext();
        Assert.Equal(5, await db.AuditEntries.CountAsync());
    }
}
