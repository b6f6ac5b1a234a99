using System.Globalization;

namespace Dropzone.Portal.Components.Viewer;

/// <summary>The viewer's choice of colours: the operating system's, or one fixed by the viewer.</summary>
public enum ThemeChoice
{
    System,
    Light,
    Dark,
}

/// <summary>
/// What the browser told the server in its cookies on the request that rendered the page. The prerendered
/// page uses it, and the circuit starts from the same values (it is a parameter of the interactive root),
/// so the first paint already has the viewer's theme and time zone.
/// </summary>
public sealed record ViewerCookies(string? Theme, string? SystemDark, string? TimeZone)
{
    public const string ThemeName = "dropzone-theme";
    public const string SystemDarkName = "dropzone-system-dark";
    public const string TimeZoneName = "dropzone-time-zone";

    public static ViewerCookies From(IRequestCookieCollection cookies) =>
        new(cookies[ThemeName], cookies[SystemDarkName], cookies[TimeZoneName]);
}

/// <summary>
/// The viewer's display settings for one circuit: the theme chosen and the system's preference, and the time
/// zone times are shown in. Components that depend on them re-render on <see cref="Changed"/>.
/// </summary>
public sealed class ViewerSettings
{
    public ThemeChoice Theme { get; private set; }

    public bool SystemPrefersDark { get; private set; }

    /// <summary>UTC until the browser has named its zone (or named one the server does not know).</summary>
    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;

    public bool IsDarkMode => Theme == ThemeChoice.Dark || (Theme == ThemeChoice.System && SystemPrefersDark);

    public event Action? Changed;

    /// <summary>Starts from the cookies; values that do not parse are ignored, never an error.</summary>
    public void Load(ViewerCookies? cookies)
    {
        if (cookies is null)
        {
            return;
        }
        Theme = ParseTheme(cookies.Theme);
        SystemPrefersDark = cookies.SystemDark == "true";
        TimeZone = FindZone(cookies.TimeZone) ?? TimeZoneInfo.Utc;
    }

    public void ChooseTheme(ThemeChoice choice) => Update(() => Theme = choice);

    public void SetSystemPrefersDark(bool dark) => Update(() => SystemPrefersDark = dark);

    /// <summary>The zone the browser reports (an IANA name such as <c>Europe/Paris</c>); an unknown one keeps the current zone.</summary>
    public void SetTimeZone(string? ianaName)
    {
        if (FindZone(ianaName) is { } zone)
        {
            Update(() => TimeZone = zone);
        }
    }

    public DateTimeOffset ToViewerTime(DateTimeOffset value) => TimeZoneInfo.ConvertTime(value, TimeZone);

    /// <summary>
    /// A time as the viewer reads it. While the zone is UTC (the browser has not named one yet) it says so,
    /// so that nobody takes a UTC time for their own.
    /// </summary>
    public string Format(DateTimeOffset value, string format)
    {
        var text = ToViewerTime(value).ToString(format, CultureInfo.InvariantCulture);
        return TimeZone == TimeZoneInfo.Utc ? text + " UTC" : text;
    }

    /// <summary>A wall-clock time the viewer typed, in their zone; one that a clock change skips is taken an hour later.</summary>
    public DateTimeOffset FromViewerTime(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (TimeZone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, TimeZone), TimeSpan.Zero);
    }

    public static ThemeChoice ParseTheme(string? value) =>
        Enum.TryParse<ThemeChoice>(value, ignoreCase: true, out var choice) && Enum.IsDefined(choice) ? choice : ThemeChoice.System;

    private static TimeZoneInfo? FindZone(string? ianaName) =>
        !string.IsNullOrWhiteSpace(ianaName) && ianaName.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(ianaName, out var zone) ? zone : null;

    private void Update(Action change)
    {
        var before = (Theme, SystemPrefersDark, TimeZone.Id);
        change();
        if (before != (Theme, SystemPrefersDark, TimeZone.Id))
        {
            Changed?.Invoke();
        }
    }
}
