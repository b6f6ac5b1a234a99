using Banner = Dropzone.Portal.Components.Pages.Audit.AuditIntegrityBanner;

namespace Dropzone.Portal.Tests.Audit;

public sealed class AuditIntegrityBannerTests : BunitContext, IAsyncLifetime
{
    private readonly AuditTestDatabase _database = new(entries: 4);
    private readonly AuditIntegrityMonitor _monitor;

    public AuditIntegrityBannerTests()
    {
        _monitor = _database.CreateMonitor();
        Services.AddMudServices();
        Services.AddScoped<Dropzone.Portal.Components.Viewer.ViewerSettings>();
        Services.AddSingleton(_monitor);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _database.Dispose();
    }

    /// <summary>Archives the first entries, then hides the archive file: the monthly check then fails.</summary>
    private async Task<string> ArchiveCheckFailsAsync()
    {
        // The chain itself is intact: the banner is about the archives alone.
        Assert.True((await _monitor.VerifyChainAsync(AuditActor.System)).Intact);
        _database.Time.Advance(TimeSpan.FromDays(2));
        var cut = await _database.Archiver.ArchiveOlderThanAsync(_database.Time.GetUtcNow().AddDays(-1));
        var path = Path.Combine(_database.Folder, "archive", cut!.FileName);
        File.Move(path, path + ".away");
        Assert.False((await _monitor.VerifyArchivesAsync(AuditActor.System)).Intact);
        return path;
    }

    [Theory]
    [InlineData(PortalRoles.Auditor)]
    [InlineData(PortalRoles.Admin)]
    public async Task ArchiveCheckFailed_AdminsAndAuditors_SeeRedBannerWithWhenChecked(string role)
    {
        await ArchiveCheckFailsAsync();
        // The ReadAll policy (admins and auditors; see RoleMatrixTests) is what the banner asks for.
        AddAuthorization().SetAuthorized("someone@contoso.com").SetRoles(role).SetPolicies(PortalPolicies.ReadAll);

        var banner = Render<Banner>();

        var text = banner.WaitForElement("[data-testid=audit-integrity-banner]", TimeSpan.FromSeconds(15)).TextContent;
        Assert.Contains("is missing", text, StringComparison.Ordinal);
        Assert.Contains("checked 2026-11-03 08:00:04 UTC", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArchiveCheckFailed_PlainUser_SeesNoBanner()
    {
        await ArchiveCheckFailsAsync();
        AddAuthorization().SetAuthorized("user@contoso.com");

        var banner = Render<Banner>();

        Assert.Empty(banner.FindAll("[data-testid=audit-integrity-banner]"));
    }

    [Fact]
    public async Task ArchiveRestoredAndCheckedAgain_BannerGone()
    {
        var path = await ArchiveCheckFailsAsync();
        AddAuthorization().SetAuthorized("auditor@contoso.com").SetRoles(PortalRoles.Auditor).SetPolicies(PortalPolicies.ReadAll);
        Render<Banner>().WaitForElement("[data-testid=audit-integrity-banner]", TimeSpan.FromSeconds(15));

        File.Move(path + ".away", path);
        Assert.True((await _monitor.VerifyArchivesAsync(AuditActor.System)).Intact);

        Assert.Empty(Render<Banner>().FindAll("[data-testid=audit-integrity-banner]"));
    }
}
