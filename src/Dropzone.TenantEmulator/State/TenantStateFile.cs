namespace Dropzone.TenantEmulator.State;

/// <summary>
/// The file an emulated tenant is kept in, so that a restarted emulator (standalone or in the portal) answers
/// for the same tenant. Writes are atomic (a temporary file beside it, flushed to disk, then renamed over it)
/// and serialized. Concurrent savers share one write ("group commit"): a saver waits until a write that
/// started after its change has finished, so a change is on disk before the emulator answers for it, and a
/// burst of changes costs one write per round instead of one each.
/// A lock file beside it keeps a second emulator process from writing the same tenant.
/// </summary>
public sealed class TenantStateFile : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly FileStream _lock;
    private byte[] _lastWritten = [];
    private long _requested;
    private long _written;
    private volatile bool _disposed;

    public TenantStateFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        try
        {
            System.IO.Directory.CreateDirectory(folder);
            _lock = new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"The emulated tenant's state file {Path} is in use by another emulator (or its folder cannot be written): {ex.Message} " +
                "Give each emulator its own TenantEmulator:StateFile.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidOperationException($"The emulated tenant's state file {Path} cannot be written: {ex.Message}", ex);
        }
    }

    public string Path { get; }

    /// <summary>How many times the file was actually rewritten (a save with nothing changed writes nothing).</summary>
    public long Writes { get; private set; }

    /// <summary>The file's bytes, or null when there is none yet (a new tenant).</summary>
    public byte[]? Read()
    {
        try
        {
            return File.Exists(Path) ? _lastWritten = File.ReadAllBytes(Path) : null;
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"The emulated tenant's state file {Path} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Saves what <paramref name="capture"/> returns, once every change made before this call is in it. Call after
    /// the change and before answering for it.
    /// </summary>
    public async Task SaveAsync(Func<byte[]> capture, CancellationToken cancellationToken = default)
    {
        var ticket = Interlocked.Increment(ref _requested);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            WriteIfNotCovered(ticket, capture);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc cref="SaveAsync"/>
    public void Save(Func<byte[]> capture)
    {
        var ticket = Interlocked.Increment(ref _requested);
        _writer.Wait();
        try
        {
            WriteIfNotCovered(ticket, capture);
        }
        finally
        {
            _writer.Release();
        }
    }

    private void WriteIfNotCovered(long ticket, Func<byte[]> capture)
    {
        // Once its host is gone the file is no longer this tenant's to write (its lock is released, a successor
        // may own it); callers that still hold the tenant, such as a cached token validator, keep it in memory.
        if (_disposed)
        {
            return;
        }
        // A write that began after this saver's change already holds it.
        if (Interlocked.Read(ref _written) >= ticket)
        {
            return;
        }
        // Every saver up to here made its change before taking its ticket, so the capture below includes them all.
        var covered = Interlocked.Read(ref _requested);
        var bytes = capture();
        if (!bytes.AsSpan().SequenceEqual(_lastWritten))
        {
            WriteAtomically(bytes);
            _lastWritten = bytes;
            Writes++;
        }
        Interlocked.Exchange(ref _written, covered);
    }

    private void WriteAtomically(byte[] bytes)
    {
        var temporary = Path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None))
        {
            stream.Write(bytes);
            // On disk before the rename, so that a power cut leaves the old file or the new one, never a torn one.
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
    }

    public void Dispose()
    {
        // The writer semaphore is not disposed: a save racing the shutdown must find it usable and see _disposed.
        // It never allocates a wait handle, so there is nothing to release.
        _writer.Wait();
        try
        {
            _disposed = true;
            _lock.Dispose();
        }
        finally
        {
            _writer.Release();
        }
    }
}
