using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dropzone.Portal.TenantClients.Connection;

/// <summary>
/// <c>/healthz</c> entry "tenant". An unreachable or misconfigured tenant is Degraded, not Unhealthy: the
/// portal still serves its pages, audit and approvals, and restarting it would not help.
/// </summary>
public sealed class TenantHealthCheck(TenantConnectionCheck check) : IHealthCheck
{
    public const string Name = "tenant";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var report = await check.RunAsync(cancellationToken);
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
