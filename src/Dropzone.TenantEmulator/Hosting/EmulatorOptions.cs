namespace Dropzone.TenantEmulator;

/// <summary>How the emulator is reached; bound from the <c>TenantEmulator</c> configuration section.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The https authority host servers are pointed at (MSAL refuses http authorities).</summary>
    public string Instance { get; set; } = DemoTenant.Instance;

    /// <summary>
    /// The browser-facing base URL of the host that mounts the emulator (e.g. http://localhost:5080).
    /// When unset it is taken from the request that reached the mount, or from the server's address.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// The file the tenant is kept in, so that a restart continues the same tenant (groups, policies, members,
    /// faults in force); null or empty: in memory only. The host resolves a relative path against its content root.
    /// </summary>
    public string? StateFile { get; set; }

    /// <summary>
    /// A host's reading of <see cref="StateFile"/>: unset takes <paramref name="defaultPath"/>, empty means in memory
    /// only, and a relative path is taken from <paramref name="contentRoot"/>.
    /// </summary>
    public void AnchorStateFile(string contentRoot, string? defaultPath)
    {
        var path = StateFile is null ? defaultPath : StateFile.Trim();
        StateFile = string.IsNullOrEmpty(path) ? null : Path.GetFullPath(path, contentRoot);
    }

    /// <summary>Faults in force after start and after a reset, e.g. a small latency for demos.</summary>
    public EmulatorFaults DefaultFaults { get; set; } = EmulatorFaults.None;
}
