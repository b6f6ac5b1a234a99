using Dropzone.Portal.Components.Viewer;

namespace Dropzone.Portal.Tests.Components.Viewer;

public sealed class ViewerSettingsTests
{
    [Theory]
    [InlineData(null, "false", false)]
    [InlineData(null, "true", true)]
    [InlineData("system", "true", true)]
    [InlineData("light", "true", false)]
    [InlineData("dark", "false", true)]
    [InlineData("Dark", null, true)]
    [InlineData("purple", "true", true)] // an unknown choice falls back to the system's
    [InlineData("7", "false", false)]
    public void Cookies_GiveTheThemeTheViewerChose_OrTheSystems(string? theme, string? systemDark, bool dark)
    {
        var viewer = new ViewerSettings();

        viewer.Load(new ViewerCookies(theme, systemDark, null));

        Assert.Equal(dark, viewer.IsDarkMode);
    }

    [Fact]
    public void SystemTurnsDark_FollowedOnlyWhileTheChoiceIsTheSystems()
    {
        var viewer = new ViewerSettings();
        var changes = 0;
        viewer.Changed += () => changes++;

        viewer.SetSystemPrefersDark(true);
        Assert.True(viewer.IsDarkMode);

        viewer.ChooseTheme(ThemeChoice.Light);
        viewer.SetSystemPrefersDark(false);
        viewer.SetSystemPrefersDark(true);
        Assert.False(viewer.IsDarkMode);
        Assert.Equal(4, changes);

        viewer.ChooseTheme(ThemeChoice.Light); // no change, no notice
        Assert.Equal(4, changes);
    }

    [Fact]
    public void TimeTypedInTheViewersZone_IsReadAsThatZonesTime()
    {
        var viewer = new ViewerSettings();
        viewer.SetTimeZone("Europe/Paris");

        Assert.Equal(new DateTimeOffset(2026, 1, 15, 8, 30, 0, TimeSpan.Zero), viewer.FromViewerTime(new DateTime(2026, 1, 15, 9, 30, 0)));
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 7, 30, 0, TimeSpan.Zero), viewer.FromViewerTime(new DateTime(2026, 7, 15, 9, 30, 0)));
        // 02:30 on the last Sunday of March does not exist in Paris: read as 03:30 (summer time), not an error.
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), viewer.FromViewerTime(new DateTime(2026, 3, 29, 2, 30, 0)));
    }
}
