namespace Dropzone.Portal.Jobs;

/// <summary>
/// Every <see cref="SetupOptions.InstanceHeartbeatInterval"/>: renews this instance's heartbeat and takes over the
/// runs of instances that are gone (<see cref="RunTakeover"/>), so another instance resumes a killed one's runs within
/// <see cref="SetupOptions.InstanceStaleAfter"/> plus one interval. On a graceful stop the instance's row is removed,
/// so its interrupted runs are taken over at the next look instead of after the staleness delay.
/// </summary>
public sealed class InstanceHeartbeatService(
    InstanceRegistry instances,
    RunTakeover takeover,
    IOptions<SetupOptions> options,
    TimeProvider time,
    ILogger<InstanceHeartbeatService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.InstanceHeartbeatInterval, time);
        var beats = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await instances.BeatAsync(stoppingToken);
                    await takeover.TakeOverOrphanedRunsAsync(stoppingToken);
                    if (++beats % 720 == 0)
                    {
                        await instances.ForgetLongGoneAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A busy or briefly unreachable database: the next beat tries again (staleness allows several misses).
                    logger.LogWarning(ex, "Instance heartbeat failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Its own short deadline: the host's token may already be spent when a stop is hurried.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await instances.RetireAsync(deadline.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Data.Common.DbException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Could not remove this instance's heartbeat row; other instances will see it go stale");
        }
    }
}
