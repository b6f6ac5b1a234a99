namespace Dropzone.Portal.Core.Tests.Audit;

public sealed class AuditExporterTests
{
    private static async Task<AuditDatabase> SeededAsync(PortalDatabaseProvider provider = PortalDatabaseProvider.Sqlite)
    {
        var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(20, i => new AuditEvent(AuditActions.MemberAdded, AuditActor.System, i % 4 == 0 ? AuditOutcome.Failed : AuditOutcome.Succeeded)
        {
            GroupId = i % 2 == 0 ? "g-even" : "g-odd",
            Target = AuditTarget.Mailbox($"m{i}@contoso.com"),
            Command = i == 2 ? "=HYPERLINK(\"http://evil\"), \"quoted\"\nsecond line" : $"Add-DistributionGroupMember -Member m{i}",
        });
        return database;
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task WriteCsv_Filtered_HeaderAndExactlyTheMatchingRows(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);
        var filter = new AuditFilter { GroupId = "g-even", Outcome = AuditOutcome.Failed };
        using var output = new MemoryStream();

        var rows = await database.Query.ExportAsync(filter, AuditScope.All, AuditExportFormat.Csv, output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, rows);
        Assert.StartsWith("sequence,occurredAt,actorKind,", lines[0], StringComparison.Ordinal);
        Assert.Equal(["1", "5", "9", "13", "17"], lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.All(lines.Skip(1), l => Assert.Contains(",g-even,Failed,", l, StringComparison.Ordinal));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task WriteCsv_FormulaAndSpecialCharacters_EscapedAndQuoted(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);
        using var output = new MemoryStream();

        await database.Query.ExportAsync(new AuditFilter { TargetId = "m2@contoso.com" }, AuditScope.All, AuditExportFormat.Csv, output);

        var csv = Encoding.UTF8.GetString(output.ToArray());
        Assert.DoesNotContain(",=HYPERLINK", csv, StringComparison.Ordinal);
        Assert.Contains("\"\"quoted\"\"", csv, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task WriteJsonLines_Filtered_OneObjectPerMatchingEntryWithHashes(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);
        using var output = new MemoryStream();

        var rows = await database.Query.ExportAsync(new AuditFilter { GroupId = "g-odd" }, AuditScope.All, AuditExportFormat.JsonLines, output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, rows);
        Assert.Equal(10, lines.Length);
        var entries = lines.Select(l => AuditExporter.ReadJson(Encoding.UTF8.GetBytes(l))).ToList();
        Assert.All(entries, e => Assert.Equal("g-odd", e.GroupId));
        // What was exported is exactly what was hashed: every line re-verifies on its own.
        Assert.All(entries, e => Assert.True(AuditChain.HashMatches(e, database.Key)));
    }

    [Theory]
    [InlineData(AuditExportFormat.Csv)]
    [InlineData(AuditExportFormat.JsonLines)]
    public async Task Export_SqliteFastPath_ByteForByteAsEntityPath(AuditExportFormat format)
    {
        await using var database = await SeededAsync();
        await database.SeedAsync(3, i => new AuditEvent(AuditActions.OwnerChanged, AuditActor.User("oid", "zoë@contoso.com", "Zoë \"Z\" 👋"))
        {
            GroupId = "g-odd",
            Answer = i == 0 ? null : "line one\nline, two\t<tab> «ü»",
        });
        var filter = new AuditFilter { GroupId = "g-odd" };
        using var fast = new MemoryStream();
        using var entities = new MemoryStream();

        await database.Query.ExportAsync(filter, AuditScope.Groups(["g-odd", "g-even"]), format, fast);
        var entries = database.Query.StreamAsync(filter, AuditScope.All);
        if (format == AuditExportFormat.Csv) await AuditExporter.WriteCsvAsync(entries, entities);
        else await AuditExporter.WriteJsonLinesAsync(entries, entities);

        Assert.Equal(Encoding.UTF8.GetString(entities.ToArray()), Encoding.UTF8.GetString(fast.ToArray()));
        Assert.Equal(13, Encoding.UTF8.GetString(fast.ToArray()).Count(c => c == '\n') - (format == AuditExportFormat.Csv ? 3 : 0)); // CSV: a header and two quoted line breaks
    }
}
