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
        // Written whole under a name of its own, then moved into place, which fails when the file exists: an
        // instance starting at the same moment reads either no file or the complete one, never a half-written one.
        var draft = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) options.UnixCreateMode = OwnerOnly;
        using (var file = new FileStream(draft, options))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        try
        {
            File.Move(draft, path, overwrite: false);
            return bytes;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it first: use theirs, so both sign with the same secret.
            File.Delete(draft);
            return File.ReadAllBytes(path);
        }
    }
}
