namespace Dropzone.Portal.Health;

/// <summary>
/// Runs a health check off the caller's thread and stops waiting for it after a timeout. SQLite and
/// Hangfire's storage API block their thread and ignore cancellation, so a token alone cannot keep a
/// hung file or a throttled tenant from holding a probe.
/// </summary>
internal sealed class TimeBoxedHealthCheck(IHealthCheck inner, TimeSpan timeout, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var check = Task.Run(() => inner.CheckHealthAsync(context, giveUp.Token), CancellationToken.None);
        try
        {
            return await check.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            await giveUp.CancelAsync();
            // The abandoned check may still fail later; observe it so that it is not reported as unobserved.
            _ = check.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"No answer within {timeout.TotalSeconds:0.#} s.");
        }
    }
}
