namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The checkpoint file (<see cref="AuditOptions.CheckpointFile"/>): JSON Lines, only ever appended to, outside the
/// database. Each checkpoint also goes to the log, so a copy exists wherever the logs are shipped.
/// </summary>
public sealed class AuditCheckpointLog(IOptions<AuditOptions> options, AuditChainKey key, TimeProvider timeProvider, ILogger<AuditCheckpointLog>? logger = null)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public string Path => options.Value.CheckpointFile;

    /// <summary>Every checkpoint in the file, oldest first, including any whose MAC does not verify.</summary>
    public async Task<IReadOnlyList<AuditCheckpoint>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path)) return [];
        var checkpoints = new List<AuditCheckpoint>();
        foreach (var line in await File.ReadAllLinesAsync(Path, cancellationToken))
        {
            if (line.Length == 0) continue;
            // A line that does not parse is treated as a forged checkpoint: the portal writes only whole lines.
            checkpoints.Add(AuditCheckpoint.FromJsonLine(line) ?? new AuditCheckpoint(0, "", "", "", ""));
        }
        return checkpoints;
    }

    /// <summary>The newest checkpoint that verifies under the key, or null.</summary>
    public async Task<AuditCheckpoint?> LatestAsync(CancellationToken cancellationToken = default) =>
        (await ReadAllAsync(cancellationToken)).LastOrDefault(c => c.IsAuthentic(key));

    /// <summary>Signs the head and appends it to the file (flushed to disk) and to the log.</summary>
    public async Task<AuditCheckpoint> AppendAsync(long sequence, string headHash, CancellationToken cancellationToken = default)
    {
        var checkpoint = AuditCheckpoint.Sign(sequence, headHash, timeProvider.GetUtcNow(), key);
        await Gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            await file.WriteAsync(Encoding.UTF8.GetBytes(checkpoint.ToJsonLine() + "\n"), cancellationToken);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            Gate.Release();
        }
        logger?.LogInformation("Audit checkpoint {Checkpoint}", checkpoint.ToJsonLine());
        return checkpoint;
    }
}
