using Dropzone.Portal.Components.Viewer;

namespace Dropzone.Portal.Tests.Components.Viewer;

public sealed class LocalTimeTests : PortalComponentContext
{
    private static readonly DateTimeOffset SummerNoonUtc = new(2026, 7, 1, 12, 0, 30, TimeSpan.Zero);

    private ViewerSettings Viewer => Services.GetRequiredService<ViewerSettings>();

    [Fact]
    public void ViewerInNewYork_ShowsEasternTime_AndUtcOnHover()
    {
        Viewer.Load(new ViewerCookies(Theme: null, SystemDark: null, TimeZone: "America/New_York"));

        var time = Render<LocalTime>(p => p.Add(t => t.Value, SummerNoonUtc)).Find("time");

        Assert.Equal("2026-07-01 08:00", time.TextContent);
        Assert.Equal("2026-07-01 12:00:30 UTC", time.GetAttribute("title"));
        Assert.Equal("2026-07-01T12:00:30Z", time.GetAttribute("datetime"));
    }

    [Fact]
    public void ZoneNotKnownYet_ShowsUtcAndSaysSo()
    {
        var time = Render<LocalTime>(p => p.Add(t => t.Value, SummerNoonUtc)).Find("time");

        Assert.Equal("2026-07-01 12:00 UTC", time.TextContent);
    }

    [Fact]
    public void ZoneNamedByTheBrowserAfterRender_TimeIsShownAgainInIt()
    {
        var component = Render<LocalTime>(p => p.Add(t => t.Value, SummerNoonUtc).Add(t => t.Format, "HH:mm:ss"));

        Viewer.SetTimeZone("Asia/Tokyo");

        component.WaitForAssertion(() => Assert.Equal("21:00:30", component.Find("time").TextContent));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    public void ZoneTheServerDoesNotKnow_StaysUtc(string zone)
    {
        Viewer.Load(new ViewerCookies(null, null, zone));

        Assert.Equal("2026-07-01 12:00 UTC", Render<LocalTime>(p => p.Add(t => t.Value, SummerNoonUtc)).Find("time").TextContent);
    }

    [Fact]
    public void TimeStoredAsUtcDateTimeWithoutKind_IsReadAsUtc_WhateverTheServersZone()
    {
        Viewer.SetTimeZone("America/New_York");
        var fromTheDatabase = DateTime.SpecifyKind(SummerNoonUtc.UtcDateTime, DateTimeKind.Unspecified);

        var time = Render<LocalTime>(p => p.Add(t => t.Utc, fromTheDatabase)).Find("time");

        Assert.Equal("2026-07-01 08:00", time.TextContent);
        Assert.Equal("2026-07-01 12:00:30 UTC", time.GetAttribute("title"));
    }

    [Fact]
    public void NoTime_ShowsTheEmptyText()
    {
        var component = Render<LocalTime>(p => p.Add(t => t.Value, null).Add(t => t.Empty, "not yet"));

        Assert.Empty(component.FindAll("time"));
        Assert.Equal("not yet", component.Markup.Trim().Split('>')[1].Split('<')[0]);
    }
}
