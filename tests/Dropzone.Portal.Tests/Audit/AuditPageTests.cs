using AngleSharp.Dom;
using Dropzone.Portal.Security;
using AuditPage = Dropzone.Portal.Components.Pages.Audit.Audit;

namespace Dropzone.Portal.Tests.Audit;

public sealed class AuditPageTests : BunitContext, IAsyncLifetime
{
    // Generous: the grid and the verifier run on the thread pool, and CI machines are shared.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    // Per test, on the engine the theory names (the page's queries run on both).
    private AuditTestDatabase? _database;

    public AuditPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddScoped<Dropzone.Portal.Components.Viewer.ViewerSettings>();
        AddAuthorization().SetAuthorized("auditor@contoso.com").SetRoles(PortalRoles.Auditor);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services only dispose asynchronously.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _database?.Dispose();
    }

    private IRenderedComponent<AuditPage> RenderPage(PortalDatabaseProvider provider, string url = "/audit")
    {
        _database = new AuditTestDatabase(provider: provider);
        Services.AddSingleton(_database.Query);
        Services.AddSingleton(_database.CreateMonitor());
        Services.AddSingleton(new Dropzone.Portal.Features.Audit.AuditViewerScope(_database));
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        Render<MudPopoverProvider>();
        var page = Render<AuditPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.Find("[data-testid=audit-count]").TextContent), Patience);
        // The grid's rows arrive from their own query, which may finish after the count's.
        page.WaitForAssertion(() => Assert.NotEmpty(Sequences(page)), Patience);
        return page;
    }

    // MudBlazor puts user attributes on the input itself or on its wrapper, depending on the component.
    private static IElement Input(IRenderedComponent<AuditPage> page, string testId)
    {
        var element = page.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    private static List<string> Sequences(IRenderedComponent<AuditPage> page) =>
        [.. page.FindAll("[data-testid=audit-grid] tbody tr").Select(row => row.QuerySelector("td")!.TextContent.Trim())];

    [Theory, OnSqlite, OnPostgreSql]
    public void Render_NoFilter_NewestEntriesFirstWithCount(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider);

        Assert.Equal("30 entries", page.Find("[data-testid=audit-count]").TextContent);
        var rows = Sequences(page);
        Assert.Equal(25, rows.Count);
        Assert.Equal("30", rows[0]);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void Render_BadDateAndOutcomeInQueryString_NamesEachParameterAndListsUnfiltered(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider, "/audit?from=yesterday&to=2026-13-45&outcome=Sideways");

        var problems = page.FindAll("[data-testid=query-problem]").Select(a => a.TextContent).ToList();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("\"from\"", StringComparison.Ordinal) && p.Contains("yesterday", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("\"to\"", StringComparison.Ordinal) && p.Contains("2026-13-45", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("\"outcome\"", StringComparison.Ordinal) && p.Contains("Sideways", StringComparison.Ordinal));
        Assert.Equal("30 entries", page.Find("[data-testid=audit-count]").TextContent);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void Render_GoodDateInQueryString_NoProblemShown(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider, "/audit?from=2000-01-01T00:00:00Z");

        Assert.Empty(page.FindAll("[data-testid=query-problem]"));
        Assert.Equal("30 entries", page.Find("[data-testid=audit-count]").TextContent);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void Render_RunInQueryString_OnlyThatRunsEntries(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider, "/audit?run=run-1");

        Assert.Equal("10 entries", page.Find("[data-testid=audit-count]").TextContent);
        Assert.Equal(Enumerable.Range(11, 10).Reverse().Select(i => i.ToString()), Sequences(page));
        Assert.Contains("run run-1", page.Find("[data-testid=filter-links]").TextContent, StringComparison.Ordinal);
        Assert.Contains("run=run-1", page.Find("[data-testid=export-csv]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void Navigate_ToRunOnTheSamePage_ListsOnlyThatRunsEntries(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider);

        // What an entry's run link does: the same page, another query string.
        page.InvokeAsync(() => Services.GetRequiredService<NavigationManager>().NavigateTo("/audit?run=run-1"));

        page.WaitForAssertion(() => Assert.Equal("10 entries", page.Find("[data-testid=audit-count]").TextContent), Patience);
        page.WaitForAssertion(() => Assert.Equal(Enumerable.Range(11, 10).Reverse().Select(i => i.ToString()), Sequences(page)), Patience);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void Apply_GroupAndText_FiltersGridAndExportLinks(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider);

        Input(page, "filter-group").Change("group-b");
        Input(page, "filter-text").Change("box1");
        page.Find("[data-testid=filter-apply]").Click();

        // group-b holds i = 1, 4, 7 … ; of those, "box1" matches box1, box10, box13, box16, box19.
        page.WaitForAssertion(() => Assert.Equal("5 entries", page.Find("[data-testid=audit-count]").TextContent), Patience);
        page.WaitForAssertion(() => Assert.Equal(["20", "17", "14", "11", "2"], Sequences(page)), Patience);
        var href = page.Find("[data-testid=export-jsonl]").GetAttribute("href");
        Assert.Equal("/audit/export.jsonl?group=group-b&q=box1", href);
        Assert.EndsWith("/audit?group=group-b&q=box1", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void Pager_NextPage_ShowsOlderEntries(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider);

        page.Find("button[aria-label='Next page']").Click();

        page.WaitForAssertion(() => Assert.Equal(["5", "4", "3", "2", "1"], Sequences(page)), Patience);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void RowClick_Entry_DetailPanelShowsFullEntryAndLinks(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider);

        page.FindAll("[data-testid=audit-grid] tbody tr")[0].Click();

        var detail = page.Find("[data-testid=audit-detail]");
        Assert.Contains("Entry #30", detail.TextContent, StringComparison.Ordinal);
        Assert.Equal("Add-DistributionGroupMember -Identity 'group-c' -Member 'box29@contoso.com'", page.Find("[data-testid=detail-command]").TextContent);
        Assert.Contains(detail.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/audit?run=run-2");
        Assert.Contains(detail.QuerySelectorAll("a"), a => a.GetAttribute("href") == "/audit?group=group-c");
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void Render_AsAuditor_OffersNoActionThatChangesAnything(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider);

        // Everything clickable with a label is filtering, paging, exporting (links) or the read-only verify.
        var allowed = new HashSet<string> { "Verify now", "Apply", "Clear", "Export CSV", "Export JSON Lines" };
        var labelled = page.FindAll("button, a.mud-button-root").Select(b => b.TextContent.Trim()).Where(t => t.Length > 0);
        Assert.All(labelled, text => Assert.Contains(text, allowed));
        Assert.Empty(page.FindAll("form[method=post], input[type=submit]"));
        Assert.All(page.FindAll("a[href]").Select(a => a.GetAttribute("href")!),
            href => Assert.StartsWith("/audit", href, StringComparison.Ordinal));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public void VerifyNow_IntactChain_ShowsIntactStatusWithTime(PortalDatabaseProvider provider)
    {
        var page = RenderPage(provider);
        Assert.Contains("not been verified", page.Find("[data-testid=chain-status]").TextContent, StringComparison.Ordinal);

        page.Find("[data-testid=verify-now]").Click();

        page.WaitForAssertion(() => Assert.Contains(
            "Chain intact: 30 entries, verified at 2026-11-01 08:00:30 UTC by auditor@contoso.com",
            page.Find("[data-testid=chain-status]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task ReadAllPolicy_PlainUserDeniedAuditorAndAdminAllowed()
    {
        // The page itself also admits owners (ReadAudit, scoped to their groups: see AuditOwnerScopeTests).
        var attribute = typeof(AuditPage).GetCustomAttributes(typeof(AuthorizeAttribute), true).Cast<AuthorizeAttribute>().Single();
        Assert.Equal(PortalPolicies.ReadAudit, attribute.Policy);
        await using var services = new ServiceCollection().AddLogging().AddPortalAuthorizationPolicies().BuildServiceProvider();
        var authorization = services.GetRequiredService<IAuthorizationService>();

        static ClaimsPrincipal User(params string[] roles) =>
            new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "u"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));

        Assert.False((await authorization.AuthorizeAsync(User(), PortalPolicies.ReadAll)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity()), PortalPolicies.ReadAll)).Succeeded);
        Assert.True((await authorization.AuthorizeAsync(User(PortalRoles.Auditor), PortalPolicies.ReadAll)).Succeeded);
        Assert.True((await authorization.AuthorizeAsync(User(PortalRoles.Admin), PortalPolicies.ReadAll)).Succeeded);
    }
}
