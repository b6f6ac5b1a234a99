namespace Dropzone.Portal.Jobs;

/// <summary>"Advance run X" and "advance it at T", as Hangfire jobs; a run just applied also begins at once here.</summary>
public sealed class HangfireSetupRunScheduler(IBackgroundJobClient jobs, ImmediateRunStart? immediate = null) : ISetupRunScheduler
{
    public void Enqueue(Guid runId) => jobs.Enqueue<SetupRunJob>(j => j.AdvanceAsync(runId, CancellationToken.None));

    public void Start(Guid runId)
    {
        // Begun before it is queued, so the two overlap: the run row, already committed, is what survives this
        // process (start-up recovery queues it); the job carries the run on if this start stops or does not happen.
        immediate?.TryStart(runId);
        Enqueue(runId);
    }

    public void Schedule(Guid runId, DateTimeOffset at) => jobs.Schedule<SetupRunJob>(j => j.AdvanceAsync(runId, CancellationToken.None), at);
}

/// <summary>
/// The thin job: advance one run. Hangfire retries it when the process fails mid-way; the engine's lease makes
/// a duplicate harmless, and its own step retries handle Exchange's transient answers.
/// </summary>
public sealed class SetupRunJob(SetupRunEngine engine, IHostApplicationLifetime lifetime)
{
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 15, 60, 120, 300])]
    [JobDisplayName("Advance setup run {0}")]
    public async Task AdvanceAsync(Guid runId, CancellationToken cancellationToken)
    {
        // Hangfire's token fires only when its own shutdown timeout ends; the host's "stopping" fires at once.
        // Stopping mid-step then leaves the attempt to the next worker instead of recording answers that the
        // teardown itself produced (disposed clients).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await engine.AdvanceAsync(runId, linked.Token);
    }
}

/// <summary>The recurring job: re-verify every group whose next check is due.</summary>
public sealed class GroupRecheckJob(GroupRechecker rechecker)
{
    public const string RecurringJobId = "groups-recheck";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [JobDisplayName("Re-verify due groups")]
    public Task CheckDueAsync(CancellationToken cancellationToken) => rechecker.CheckDueAsync(cancellationToken);
}

/// <summary>
/// At start-up: registers this instance's heartbeat, takes over the runs of instances that are gone (a process
/// killed mid-run on this host is noticed at once: its process no longer runs), and queues every run left
/// pending or running — at its lease's expiry when a live instance holds it.
/// </summary>
public sealed class SetupRunRecovery(
    IDbContextFactory<PortalDbContext> dbFactory,
    InstanceRegistry instances,
    RunTakeover takeover,
    ISetupRunScheduler scheduler,
    TimeProvider time,
    ILogger<SetupRunRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await instances.BeatAsync(cancellationToken);
        var taken = await takeover.TakeOverOrphanedRunsAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var runs = await db.SetupRuns.AsNoTracking()
            .Where(r => (r.State == SetupRunState.Pending || r.State == SetupRunState.Running) && !taken.Contains(r.Id))
            .Select(r => new { r.Id, r.LeaseExpiresAt, r.NextAttemptAt })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var run in runs)
        {
            var at = new[] { run.LeaseExpiresAt, run.NextAttemptAt }.Where(t => t > now).Max();
            if (at is { } later)
            {
                scheduler.Schedule(run.Id, new DateTimeOffset(DateTime.SpecifyKind(later, DateTimeKind.Utc)));
            }
            else
            {
                scheduler.Enqueue(run.Id);
            }
        }

        if (runs.Count + taken.Count > 0)
        {
            logger.LogInformation("Resuming {Count} unfinished setup run(s), {Taken} of them taken over", runs.Count + taken.Count, taken.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
