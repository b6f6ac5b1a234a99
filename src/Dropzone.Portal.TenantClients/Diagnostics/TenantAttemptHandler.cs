using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.TenantClients.Diagnostics;

/// <summary>
/// The innermost handler: one pass per HTTP attempt. It holds the per-tenant concurrency slot only while
/// the attempt is on the wire (not during backoff), and counts attempts and 429s.
/// </summary>
internal sealed class TenantAttemptHandler(TenantConcurrencyGate gate, TenantClientMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var telemetry = CallTelemetry.From(request);
        telemetry?.AttemptStarted();
        var semaphore = gate.For(telemetry?.Tenant ?? request.RequestUri?.Host ?? string.Empty);
        await semaphore.WaitAsync(cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            semaphore.Release();
        }

        if ((int)response.StatusCode == 429)
        {
            telemetry?.Throttled();
            metrics.Throttle(telemetry?.Api ?? "unknown", telemetry?.Operation ?? "unknown");
        }

        return response;
    }
}

/// <summary>One semaphore per tenant, shared by every client instance in the process.</summary>
public sealed class TenantConcurrencyGate(IOptions<TenantClientsOptions> options)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    public SemaphoreSlim For(string tenant) =>
        _gates.GetOrAdd(tenant, _ => new SemaphoreSlim(Math.Max(1, options.Value.MaxConcurrencyPerTenant)));
}
