namespace Dropzone.Portal.BrowserTests.Harness;

/// <summary>Finds the system Chromium (Debian's <c>chromium</c> package) that Playwright drives.</summary>
public static class Chromium
{
    public const string PathVariable = "DROPZONE_CHROMIUM";

    private static readonly string[] KnownLocations = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    /// <summary>Flags that keep a headless Chromium quiet on a machine with no outside network.</summary>
    public static readonly string[] LaunchArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public static string? ExecutablePath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured;
            }
            return KnownLocations.FirstOrDefault(File.Exists);
        }
    }

    /// <summary>On CI a missing browser is a failure, never a skip.</summary>
    public static bool IsRequired =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A browser test. Outside CI it is skipped, with the reason, when no Chromium is installed; on CI it
/// always runs, so a missing browser fails the build.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.ExecutablePath is null && !Chromium.IsRequired)
        {
            Skip = $"No Chromium found (install Debian's 'chromium' package or set {Chromium.PathVariable}).";
        }
    }
}
