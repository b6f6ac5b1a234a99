namespace Dropzone.Portal.Testing;

/// <summary>Temporary folders for test data (databases, job storage, logs, archives), one per fixture.</summary>
public static class TestFolder
{
    /// <summary>Creates a fresh folder under the temp path.</summary>
    public static string Create(string purpose = "dropzone-portal-tests")
    {
        var folder = Path.Combine(Path.GetTempPath(), purpose, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Deletes the folder; a file still held open is left to the OS temp cleanup rather than failing a passing test.</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
