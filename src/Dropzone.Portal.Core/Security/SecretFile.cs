using System.Runtime.InteropServices;

namespace Dropzone.Portal.Core.Security;

/// <summary>
/// A secret kept in a file of its own (beside the database, never inside it), created on first use and readable
/// by the portal's user only. Whoever can write the database but not this file cannot forge what it protects.
/// </summary>
public static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The file's bytes; when it does not exist, writes <paramref name="create"/>'s bytes to it first.</summary>
    public static byte[] ReadOrCreate(string path, Func<byte[]> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (File.Exists(path)) return File.ReadAllBytes(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var bytes = create();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) options.UnixCreateMode = OwnerOnly;
        try
        {
            using var file = new FileStream(path, options);
            file.Write(bytes);
            file.Flush(flushToDisk: true);
            return bytes;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it first: use theirs, so both sign with the same secret.
            return File.ReadAllBytes(path);
        }
    }
}
