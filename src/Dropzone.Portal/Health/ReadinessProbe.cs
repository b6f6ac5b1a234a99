namespace Dropzone.Portal.Health;

/// <summary>
/// The readiness report (database and job storage), reused for <see cref="HealthOptions.ReadyCacheDuration"/>.
/// Concurrent probes share one run, so a burst of probes never becomes a burst of checks.
/// </summary>
public sealed class ReadinessProbe(HealthCheckService health, TimeProvider time, IOptions<HealthOptions> options)
{
    private readonly Lock _gate = new();
    private Task<HealthReport>? _running;
    private (HealthReport Report, DateTimeOffset At)? _last;

    public Task<HealthReport> GetReportAsync()
    {
        lock (_gate)
        {
            if (_last is { } last && time.GetUtcNow() - last.At < options.Value.ReadyCacheDuration)
            {
                return Task.FromResult(last.Report);
            }
            return _running ??= RunAsync();
        }
    }

    private async Task<HealthReport> RunAsync()
    {
        // Leave the lock before the checks start; the run is shared, so no caller's token may cancel it.
        await Task.Yield();
        try
        {
            var report = await health.CheckHealthAsync(r => r.Tags.Contains(PortalHealth.ReadyTag), CancellationToken.None);
            lock (_gate)
            {
                _last = (report, time.GetUtcNow());
            }
            return report;
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }
}
