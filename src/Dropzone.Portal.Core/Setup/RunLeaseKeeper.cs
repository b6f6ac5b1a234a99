namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// Renews a run's lease every <see cref="SetupOptions.LeaseRenewInterval"/> while one step attempt runs (an attempt
/// may outlast the lease: thousands of member calls, a slow tenant). When the lease is gone (taken over: its
/// generation moved on) or cannot be renewed before it would expire, <see cref="AttemptCancelled"/> fires and the
/// attempt stops sending; whatever it did is found by the next attempt, which reads the tenant first.
/// </summary>
internal sealed class RunLeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _attempt;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RunLeaseKeeper(IDbContextFactory<PortalDbContext> dbFactory, RunLease lease, SetupOptions options, TimeProvider time, ILogger logger, CancellationToken outer)
    {
        _attempt = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _loop = KeepAsync(dbFactory, lease, options, time, logger);
    }

    /// <summary>The token the attempt runs with: the caller's, and fired when the lease is lost.</summary>
    public CancellationToken AttemptCancelled => _attempt.Token;

    /// <summary>The lease was lost (or could not be confirmed) while the attempt ran.</summary>
    public bool Lost { get; private set; }

    public static RunLeaseKeeper Start(IDbContextFactory<PortalDbContext> dbFactory, RunLease lease, SetupOptions options, TimeProvider time, ILogger logger, CancellationToken outer) =>
        new(dbFactory, lease, options, time, logger, outer);

    private async Task KeepAsync(IDbContextFactory<PortalDbContext> dbFactory, RunLease lease, SetupOptions options, TimeProvider time, ILogger logger)
    {
        // The attempt's start was just saved, which renewed the lease.
        var confirmedUntil = time.GetUtcNow().UtcDateTime + options.LeaseDuration;
        try
        {
            while (true)
            {
                await Task.Delay(options.LeaseRenewInterval, time, _stop.Token);
                var now = time.GetUtcNow().UtcDateTime;
                try
                {
                    await using var db = await dbFactory.CreateDbContextAsync(_stop.Token);
                    var renewed = await db.SetupRuns
                        .Where(r => r.Id == lease.RunId && r.LeaseOwner == lease.Worker && r.LeaseGeneration == lease.Generation)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, now + options.LeaseDuration), _stop.Token);
                    if (renewed == 0)
                    {
                        logger.LogWarning("Lost the lease on run {RunId} during a step attempt; stopping the attempt", lease.RunId);
                        Lose();
                        return;
                    }

                    confirmedUntil = now + options.LeaseDuration;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not renew the lease on run {RunId}", lease.RunId);
                    if (now + options.LeaseRenewInterval >= confirmedUntil)
                    {
                        // Another worker may take the run once the lease expires: stop before that can happen.
                        Lose();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private void Lose()
    {
        Lost = true;
        _attempt.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _attempt.Dispose();
    }
}

/// <summary>The lease a worker holds on a run: its worker id and the generation (fencing token) it acquired.</summary>
internal sealed record RunLease(Guid RunId, string Worker, long Generation);

/// <summary>The worker's lease on the run is gone: it stops without writing.</summary>
internal sealed class RunLeaseLostException(Guid runId) : Exception($"The lease on run {runId} was lost.");
