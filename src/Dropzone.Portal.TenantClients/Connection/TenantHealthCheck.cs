using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dropzone.Portal.TenantClients.Connection;

/// <summary>
/// <c>/healthz</c> entry "tenant". An unreachable or misconfigured tenant is Degraded, not Unhealthy: the
/// portal still serves its pages, audit and approvals, and restarting it would not help. The connection
/// check makes seven calls, so its report is reused for <c>TenantClients:HealthCacheDuration</c>
/// (default one minute): a probe every few seconds must not turn into tenant traffic.
/// </summary>
public sealed class TenantHealthCheck(TenantConnectionCheck check, TenantHealthCache cache) : IHealthCheck
{
    public const string Name = "tenant";

    /// <summary>The tag of this check: the portal runs it on <c>/healthz/tenant</c>, never in a probe.</summary>
    public const string Tag = "tenant";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var report = await cache.GetOrRunAsync(check.RunAsync, cancellationToken);
            var data = report.Steps.ToDictionary(s => s.Name, s => (object)(s.Passed ? "pass" : "fail"));
            return report.FirstFailure is { } failure
                ? HealthCheckResult.Degraded($"{failure.Name}: {failure.Detail}", data: data)
                : HealthCheckResult.Healthy("Exchange and Graph reachable with the needed permissions.", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Degraded("Tenant connection check failed: " + ex.GetType().Name, ex);
        }
    }
}

/// <summary>The last connection report and when it was made (singleton).</summary>
public sealed class TenantHealthCache(TimeProvider time, IOptions<TenantClientsOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (ConnectionReport Report, DateTimeOffset At)? _last;

    public async Task<ConnectionReport> GetOrRunAsync(Func<CancellationToken, Task<ConnectionReport>> run, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && time.GetUtcNow() - last.At < options.Value.HealthCacheDuration)
            {
                return last.Report;
            }

            var report = await run(cancellationToken);
            _last = (report, time.GetUtcNow());
            return report;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
