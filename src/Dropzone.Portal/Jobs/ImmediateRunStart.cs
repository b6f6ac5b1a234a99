namespace Dropzone.Portal.Jobs;

/// <summary>
/// Begins a run the admin just applied on this instance at once, beside its queued job, so the first step does not
/// wait for a worker to poll the queue (up to <c>Jobs:QueuePollInterval</c>, a second by default on SQLite). It
/// runs exactly what the job runs (<see cref="SetupRunJob"/>), and the run's lease decides which of the two does
/// the work: the other finds the run leased or done and ends. One such run at a time per instance, and none on an
/// instance that runs no jobs (<see cref="JobsOptions.RunServer"/> false: it is not registered there), so Apply
/// never adds more than one run to the workers' load; beyond that the queue takes them. If the process stops, the
/// queued job and start-up recovery carry the run on, as for any job.
/// </summary>
public sealed class ImmediateRunStart(IServiceScopeFactory scopes, ILogger<ImmediateRunStart> logger) : IHostedService
{
    private int _busy;
    private Task _running = Task.CompletedTask;

    /// <summary>Begins advancing <paramref name="runId"/> in the background; returns false when this instance leaves it to the queue.</summary>
    public bool TryStart(Guid runId)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return false;
        }

        _running = Task.Run(() => AdvanceAsync(runId));
        return true;
    }

    private async Task AdvanceAsync(Guid runId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<SetupRunJob>().AdvanceAsync(runId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The queued job (with Hangfire's retries) carries the run on; nothing is lost by stopping here.
            logger.LogWarning(ex, "Starting setup run {RunId} at once failed; its queued job carries it on", runId);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Waits for a run begun here to reach a safe point (the job stops at the host's "stopping").</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _running.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host waits no longer; the run's lease and its queued job carry it on, as for a job cut short.
        }
    }
}
