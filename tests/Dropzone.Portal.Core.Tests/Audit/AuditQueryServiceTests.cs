namespace Dropzone.Portal.Core.Tests.Audit;

public sealed class AuditQueryServiceTests
{
    // 30 entries, one per second: actions alternate, groups cycle a/b/c, every fifth failed, actors alternate.
    private static AuditEvent Make(int i) =>
        new(i % 2 == 0 ? AuditActions.MemberAdded : AuditActions.MemberRemoved,
            i % 2 == 0 ? AuditActor.User("oid-ada", "Ada@Contoso.com", "Ada") : AuditActor.Job("job-7"),
            i % 5 == 0 ? AuditOutcome.Failed : AuditOutcome.Succeeded)
        {
            Target = AuditTarget.Mailbox($"box{i}@contoso.com"),
            GroupId = "group-" + (char)('a' + i % 3),
            Command = $"Add-DistributionGroupMember -Member 'box{i}@contoso.com'",
            RunId = i < 10 ? "run-1" : "run-2",
            RequestId = i == 17 ? "req-17" : null,
        };

    private static async Task<AuditDatabase> SeededAsync(PortalDatabaseProvider provider = PortalDatabaseProvider.Sqlite)
    {
        var database = await AuditDatabase.CreateAsync(provider);
        await database.SeedAsync(30, Make);
        return database;
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetPage_EveryFilter_SameCountOnEachEngine(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);

        foreach (var row in Filters)
        {
            var (name, filter, expected) = ((string)row[0], (AuditFilter)row[1], (int)row[2]);
            var page = await database.Query.GetPageAsync(filter, AuditScope.All, new AuditPageRequest(0, 50));
            Assert.True(expected == page.TotalCount, $"{name}: expected {expected}, got {page.TotalCount}");
        }
        // Free text and UPNs ignore case on both engines (LIKE and NOCASE; ILIKE and an ICU collation).
        var upper = await database.Query.GetPageAsync(new AuditFilter { Text = "BOX2" }, AuditScope.All, new AuditPageRequest(0, 50));
        Assert.Equal(11, upper.TotalCount);
        var upn = await database.Query.GetPageAsync(new AuditFilter { Actor = "ADA@CONTOSO.COM" }, AuditScope.All, new AuditPageRequest(0, 50));
        Assert.Equal(15, upn.TotalCount);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetPage_NoFilter_NewestFirstWithTotal(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);

        var page = await database.Query.GetPageAsync(AuditFilter.None, AuditScope.All, new AuditPageRequest(0, 10));

        Assert.Equal(30, page.TotalCount);
        Assert.False(page.TotalIsLowerBound);
        Assert.Equal(Enumerable.Range(21, 10).Reverse().Select(i => (long)i), page.Items.Select(e => e.Sequence));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetPage_SecondPageAscending_NextSlice(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);

        var page = await database.Query.GetPageAsync(AuditFilter.None, AuditScope.All, new AuditPageRequest(1, 10, AuditSort.Sequence, Descending: false));

        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), page.Items.Select(e => e.Sequence));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetPage_SortByGroup_GroupedThenBySequence(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);

        var page = await database.Query.GetPageAsync(AuditFilter.None, AuditScope.All, new AuditPageRequest(0, 12, AuditSort.Group, Descending: false));

        Assert.All(page.Items.Take(10), e => Assert.Equal("group-a", e.GroupId));
        Assert.Equal("group-b", page.Items[10].GroupId);
        Assert.True(page.Items.Take(10).Select(e => e.Sequence).SequenceEqual(page.Items.Take(10).Select(e => e.Sequence).Order()));
    }

    public static TheoryData<string, AuditFilter, int> Filters => new()
    {
        { "action", new AuditFilter { Action = AuditActions.MemberRemoved }, 15 },
        { "group", new AuditFilter { GroupId = "group-b" }, 10 },
        { "outcome", new AuditFilter { Outcome = AuditOutcome.Failed }, 6 },
        { "actor by upn, any case", new AuditFilter { Actor = "ada@contoso.com" }, 15 },
        { "actor by job id", new AuditFilter { Actor = "job-7" }, 15 },
        { "run", new AuditFilter { RunId = "run-1" }, 10 },
        { "request", new AuditFilter { RequestId = "req-17" }, 1 },
        { "target", new AuditFilter { TargetId = "box3@contoso.com" }, 1 },
        { "text in command", new AuditFilter { Text = "box2" }, 11 },
        { "text with wildcard chars", new AuditFilter { Text = "box_" }, 0 },
        { "combined", new AuditFilter { Action = AuditActions.MemberAdded, GroupId = "group-a", Outcome = AuditOutcome.Failed }, 1 },
        // Seeded at Start + i seconds: [Start+5s, Start+15s) holds entries 5..14.
        { "time range", new AuditFilter { From = AuditDatabase.Start.AddSeconds(5), To = AuditDatabase.Start.AddSeconds(15) }, 10 },
        { "time range after everything", new AuditFilter { From = AuditDatabase.Start.AddDays(1) }, 0 },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task GetPage_Filter_OnlyMatchingEntries(string name, AuditFilter filter, int expected)
    {
        await using var database = await SeededAsync();

        var page = await database.Query.GetPageAsync(filter, AuditScope.All, new AuditPageRequest(0, 50));

        Assert.True(expected == page.TotalCount, $"{name}: expected {expected}, got {page.TotalCount}");
        Assert.Equal(expected, page.Items.Count);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetPage_TimeRange_BoundsAreInclusiveExclusive(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);

        var page = await database.Query.GetPageAsync(
            new AuditFilter { From = AuditDatabase.Start.AddSeconds(5), To = AuditDatabase.Start.AddSeconds(15) },
            AuditScope.All, new AuditPageRequest(0, 50, Descending: false));

        Assert.Equal(6, page.Items[0].Sequence);
        Assert.Equal(15, page.Items[^1].Sequence);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetPage_OwnerScope_OnlyOwnGroups(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);

        var page = await database.Query.GetPageAsync(AuditFilter.None, AuditScope.Groups(["group-a", "group-c"]), new AuditPageRequest(0, 50));

        Assert.Equal(20, page.TotalCount);
        Assert.DoesNotContain(page.Items, e => e.GroupId == "group-b");
        // Sequence 2 is in group-b.
        Assert.Null(await database.Query.GetAsync(2, AuditScope.Groups(["group-a"])));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetPage_MoreMatchesThanCountLimit_CountIsLowerBound(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);
        database.AuditOptions.CountLimit = 20;

        var page = await database.Query.GetPageAsync(AuditFilter.None, AuditScope.All, new AuditPageRequest(0, 5));

        Assert.Equal(20, page.TotalCount);
        Assert.True(page.TotalIsLowerBound);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task GetPage_FreeTextBeyondWindow_SearchesNewestOnly(PortalDatabaseProvider provider)
    {
        await using var database = await SeededAsync(provider);
        database.AuditOptions.FreeTextWindow = 10;

        var page = await database.Query.GetPageAsync(new AuditFilter { Text = "box" }, AuditScope.All, new AuditPageRequest(0, 50));

        Assert.Equal(10, page.TextWindow);
        Assert.Equal(10, page.TotalCount);
        Assert.All(page.Items, e => Assert.True(e.Sequence > 20));
    }
}
