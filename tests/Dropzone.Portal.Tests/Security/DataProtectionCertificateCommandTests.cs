using Dropzone.Portal.Security;

namespace Dropzone.Portal.Tests.Security;

/// <summary>The one-shot command a deployment runs before its first start, since Production requires the certificate.</summary>
public sealed class DataProtectionCertificateCommandTests : IDisposable
{
    private readonly string _folder = TestFolder.Create("dropzone-dp-certificate");

    public void Dispose() => TestFolder.TryDelete(_folder);

    [Fact]
    public async Task Run_PathConfigured_CreatesOwnerOnlyCertificateOnceAndKeepsIt()
    {
        var path = Path.Combine(_folder, "keys", "dataprotection.pfx");
        string[] args = [$"--DataProtection:Certificate:Path={path}", "--DataProtection:Certificate:Password=correct horse"];
        using var first = new StringWriter();
        using var second = new StringWriter();

        Assert.Equal(0, await DataProtectionCertificateCommand.RunAsync(args, first, TextWriter.Null));
        var created = await File.ReadAllBytesAsync(path);
        Assert.Equal(0, await DataProtectionCertificateCommand.RunAsync(args, second, TextWriter.Null));

        Assert.StartsWith("Created the data-protection certificate", first.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Kept the existing data-protection certificate", second.ToString(), StringComparison.Ordinal);
        Assert.Equal(created, await File.ReadAllBytesAsync(path));
        Assert.DoesNotContain("correct horse", first.ToString() + second, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task Run_NoPath_FailsNamingTheSettingAndCreatesNothing()
    {
        using var error = new StringWriter();

        var exitCode = await DataProtectionCertificateCommand.RunAsync([$"--contentRoot={_folder}"], TextWriter.Null, error);

        Assert.Equal(2, exitCode);
        Assert.Contains("DataProtection:Certificate:Path", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }
}
