using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dropzone.Portal.TenantClients.Diagnostics;

/// <summary>
/// The innermost handler: one pass per HTTP attempt. It holds the per-tenant concurrency slot only while
/// the attempt is on the wire (not during backoff), and counts attempts and 429s.
/// </summary>
internal sealed class TenantAttemptHandler(ITenantConcurrencyLimiter limiter, TenantClientMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var telemetry = CallTelemetry.From(request);
        telemetry?.AttemptStarted();
        var api = telemetry?.Api ?? "unknown";
        var operation = telemetry?.Operation ?? "unknown";
        using var activity = TenantCallSpan.StartAttempt(api, operation, telemetry?.Attempts ?? 1);
        var slot = await limiter.AcquireAsync(telemetry?.Tenant ?? request.RequestUri?.Host ?? string.Empty, cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (activity is not null)
        {
            TenantCallSpan.Outcome(activity, ex is OperationCanceledException ? "Canceled" : "Exception");
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            await slot.DisposeAsync();
        }

        if (activity is not null)
        {
            var status = (int)response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            TenantCallSpan.Outcome(activity, response.IsSuccessStatusCode ? "Success" : status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (status >= 500 || status == 429)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        if ((int)response.StatusCode == 429)
        {
            telemetry?.Throttled();
            metrics.Throttle(api, operation);
        }

        return response;
    }
}

/// <summary>
/// Holds <see cref="TenantClientsOptions.MaxConcurrencyPerTenant"/>: at most that many calls to one tenant are on
/// the wire at once. A slot is held from <see cref="AcquireAsync"/> until the returned handle is disposed.
/// </summary>
public interface ITenantConcurrencyLimiter
{
    ValueTask<IAsyncDisposable> AcquireAsync(string tenant, CancellationToken cancellationToken);
}

/// <summary>
/// One semaphore per tenant, shared by every client instance in the process: the limit of a single portal
/// instance (the default). Several instances replace it with a limiter their database shares.
/// </summary>
public sealed class TenantConcurrencyGate(IOptions<TenantClientsOptions> options) : ITenantConcurrencyLimiter
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    public SemaphoreSlim For(string tenant) =>
        _gates.GetOrAdd(tenant, _ => new SemaphoreSlim(Math.Max(1, options.Value.MaxConcurrencyPerTenant)));

    public async ValueTask<IAsyncDisposable> AcquireAsync(string tenant, CancellationToken cancellationToken)
    {
        var semaphore = For(tenant);
        await semaphore.WaitAsync(cancellationToken);
        return new Slot(semaphore);
    }

    private sealed class Slot(SemaphoreSlim semaphore) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
            return ValueTask.CompletedTask;
        }
    }
}
