namespace Dropzone.Portal.Testing;

/// <summary>
/// Where the built apps are, for tests that start them as processes: each project's own build output, in the
/// configuration the tests were built in (building a test project builds the apps it references).
/// </summary>
public static class BuiltApps
{
    public static string Portal => Output("Dropzone.Portal");

    public static string TenantEmulator => Output("Dropzone.TenantEmulator");

    /// <summary>src/{project}/bin/{Debug|Release}/{tfm}/{project}.dll, matching this test assembly's build.</summary>
    public static string Output(string project)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Dropzone.Portal.sln")))
        {
            root = root.Parent;
        }
        if (root is null)
        {
            throw new InvalidOperationException($"No Dropzone.Portal.sln above {AppContext.BaseDirectory}.");
        }
        return Path.Combine(root.FullName, "src", project, "bin", configuration, framework, project + ".dll");
    }
}
