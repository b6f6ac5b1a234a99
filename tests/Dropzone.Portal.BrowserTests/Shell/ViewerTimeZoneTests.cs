using System.Globalization;
using Dropzone.Portal.Core.Audit;

namespace Dropzone.Portal.BrowserTests.Shell;

/// <summary>Times are shown in the viewer's zone with UTC on hover; what is exported stays UTC.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class ViewerTimeZoneTests(PortalBrowserFixture fixture)
{
    private const string Zone = "America/New_York";

    [BrowserFact]
    public async Task ViewerInNewYork_AuditTimeInEasternTime_UtcOnHover_ExportInUtc()
    {
        var (marker, occurredAt) = await RecordEntryAsync();
        var page = await fixture.SignedInPageAsync(DemoTenant.AuditorUpn, $"/audit?q={marker}", o => o.TimezoneId = Zone);

        var time = page.GetByTestId("audit-grid").Locator("time").First;
        var eastern = TimeZoneInfo.ConvertTime(occurredAt, TimeZoneInfo.FindSystemTimeZoneById(Zone));
        Assert.NotEqual(eastern.Hour, occurredAt.Hour); // the zone is four or five hours behind UTC: a conversion shows
        await Assertions.Expect(time).ToHaveTextAsync(eastern.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
        await Assertions.Expect(time).ToHaveAttributeAsync("title", occurredAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains(occurredAt.UtcDateTime.ToString(AuditChain.TimeFormat, CultureInfo.InvariantCulture), csv, StringComparison.Ordinal);
        Assert.DoesNotContain(eastern.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), csv, StringComparison.Ordinal);
    }

    /// <summary>One audit entry with a mailbox of its own, so the page can be filtered to it.</summary>
    private async Task<(string Marker, DateTimeOffset OccurredAt)> RecordEntryAsync()
    {
        var marker = $"tz-{Guid.NewGuid():N}@{DemoTenant.Domain}";
        await using var db = await fixture.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var entry = fixture.Portal.Services.GetRequiredService<AuditTrail>().Record(db,
            new AuditEvent(AuditActions.MemberAdded, AuditActor.Job("time-zone-test")) { Target = AuditTarget.Mailbox(marker) });
        await db.SaveChangesAsync();
        return (marker, new DateTimeOffset(DateTime.SpecifyKind(entry.OccurredAt, DateTimeKind.Utc)));
    }
}
