namespace Dropzone.Portal.Core.Tests.Audit;

/// <summary>An auditor's offline check of an export, with the chain key and nothing else.</summary>
public sealed class AuditExportVerifierTests
{
    private static async Task<(AuditDatabase Database, string Path)> ExportedAsync(PortalDatabaseProvider provider, AuditFilter? filter = null)
    {
        var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(8, i => new AuditEvent(AuditActions.MemberAdded, AuditActor.System) { GroupId = i % 2 == 0 ? "g-even" : "g-odd", Answer = $"answer {i}" });
        await database.Monitor.VerifyChainAsync(AuditActor.System);
        await database.SeedAsync(2);
        var path = Path.Combine(database.Folder, "export.jsonl");
        await using (var file = File.Create(path))
        {
            await database.Query.ExportAsync(filter ?? AuditFilter.None, AuditScope.All, AuditExportFormat.JsonLines, file);
        }
        return (database, path);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task WholeExport_Untouched_VerifiesWithItsCheckpoint(PortalDatabaseProvider provider)
    {
        var (database, path) = await ExportedAsync(provider);
        await using var _ = database;

        var report = await AuditExportVerifier.VerifyAsync(path, database.Key);

        Assert.True(report.Verified, report.Summary);
        Assert.Equal((11L, 10L, 1L, 11L), (report.Entries, report.Links, report.FirstSequence!.Value, report.LastSequence!.Value));
        Assert.Equal(8, report.Checkpoint!.Sequence);
        Assert.True(report.CheckpointInRange);
        Assert.StartsWith("{\"checkpoint\":", (await File.ReadAllLinesAsync(path))[^1], StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task FilteredExport_EachEntryAuthenticGapsAreNotLinks(PortalDatabaseProvider provider)
    {
        var (database, path) = await ExportedAsync(provider, new AuditFilter { GroupId = "g-odd" });
        await using var _ = database;

        var report = await AuditExportVerifier.VerifyAsync(path, database.Key);

        Assert.True(report.Verified, report.Summary);
        Assert.Equal((4L, 0L), (report.Entries, report.Links));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task EditedLine_ReportsTheEntry(PortalDatabaseProvider provider)
    {
        var (database, path) = await ExportedAsync(provider);
        await using var _ = database;
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("answer 3", "answer 9", StringComparison.Ordinal));

        var report = await AuditExportVerifier.VerifyAsync(path, database.Key);

        Assert.False(report.Verified);
        Assert.StartsWith("Entry 4 does not verify", report.Problem, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task NewestEntriesCutFromTheExport_ReportsTheCheckpoint(PortalDatabaseProvider provider)
    {
        var (database, path) = await ExportedAsync(provider);
        await using var _ = database;
        var lines = await File.ReadAllLinesAsync(path);
        // Keep entries 1–6 and the checkpoint (sequence 8).
        await File.WriteAllLinesAsync(path, [.. lines.Take(6), lines[^1]]);

        var report = await AuditExportVerifier.VerifyAsync(path, database.Key);

        Assert.False(report.Verified);
        Assert.Contains("ends at 6", report.Problem, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task WrongKey_NothingVerifies(PortalDatabaseProvider provider)
    {
        var (database, path) = await ExportedAsync(provider);
        await using var _ = database;

        var report = await AuditExportVerifier.VerifyAsync(path, AuditChainKey.Generate());

        Assert.False(report.Verified);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task CsvExport_EndsWithTheCheckpointRecord(PortalDatabaseProvider provider)
    {
        var (database, _) = await ExportedAsync(provider);
        await using var __ = database;
        using var output = new MemoryStream();

        await database.Query.ExportAsync(AuditFilter.None, AuditScope.All, AuditExportFormat.Csv, output);

        var last = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.StartsWith("checkpoint,\"{\"\"checkpoint\"\":{\"\"sequence\"\":8,", last, StringComparison.Ordinal);
    }
}
