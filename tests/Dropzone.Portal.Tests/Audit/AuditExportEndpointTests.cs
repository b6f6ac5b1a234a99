namespace Dropzone.Portal.Tests.Audit;

/// <summary>
/// The export endpoints on the real portal, with people signed in through the emulated tenant; the streamed
/// exports on both engines.
/// </summary>
public sealed class AuditExportEndpointTests : IAsyncLifetime
{
    private PortalApplicationFactory _factory = new();
    private TempDatabase? _database;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The portal on a fresh database of <paramref name="provider"/>, with twelve entries recorded through its trail.</summary>
    private async Task SeedAsync(PortalDatabaseProvider provider)
    {
        _database = await TempDatabase.CreateAsync("dropzone-export-tests", provider: provider);
        await _factory.DisposeAsync();
        _factory = new PortalApplicationFactory().WithDatabase(_database);
        var dbFactory = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var trail = _factory.Services.GetRequiredService<AuditTrail>();
        await using var db = await dbFactory.CreateDbContextAsync();
        for (var i = 0; i < 12; i++)
        {
            trail.Record(db, new AuditEvent(AuditActions.MemberAdded, AuditActor.Job("job-1"), i % 4 == 0 ? AuditOutcome.Failed : AuditOutcome.Succeeded)
            {
                GroupId = i % 2 == 0 ? "g-even" : "g-odd",
                Target = AuditTarget.Mailbox($"m{i}@contoso.com"),
            });
        }
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ExportCsv_AuditorWithFilter_StreamsOnlyMatchingRows(PortalDatabaseProvider provider)
    {
        await SeedAsync(provider);
        using var auditor = await _factory.SignInAsync(DemoTenant.AuditorUpn);

        using var response = await auditor.GetAsync("/audit/export.csv?group=g-even&outcome=Failed");

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        // The newest checkpoint, when there is one, follows the entries.
        var rows = lines.Skip(1).Where(l => !l.StartsWith("checkpoint,", StringComparison.Ordinal)).Select(l => l.Split(',')).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Contains("g-even", r));
        Assert.All(rows, r => Assert.Contains("Failed", r));
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task ExportJsonLines_AdminWithFilter_OneVerifiableLinePerMatch(PortalDatabaseProvider provider)
    {
        await SeedAsync(provider);
        using var admin = await _factory.SignInAsync(DemoTenant.AdminUpn);

        using var response = await admin.GetAsync("/audit/export.jsonl?group=g-odd");

        response.EnsureSuccessStatusCode();
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = lines.Where(l => AuditCheckpoint.FromJsonLine(l) is null).Select(l => AuditExporter.ReadJson(System.Text.Encoding.UTF8.GetBytes(l))).ToList();
        var key = _factory.Services.GetRequiredService<AuditChainKey>();
        Assert.Equal(6, entries.Count);
        Assert.All(entries, e => Assert.Equal("g-odd", e.GroupId));
        Assert.All(entries, e => Assert.True(AuditChain.HashMatches(e, key)));
    }

    [Fact]
    public async Task Export_PlainUserWhoOwnsNothing_Gets403()
    {
        using var user = await _factory.SignInAsync(DemoTenant.PlainUserUpn);

        using var response = await user.GetAsync("/audit/export.csv");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Export_Anonymous_IsSentToSignIn()
    {
        using var anonymous = _factory.CreateAnonymousClient();

        using var response = await anonymous.GetAsync("/audit/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/oauth2/v2.0/authorize", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }
}
