using Dropzone.Portal.TenantClients.Commands;
using Microsoft.Extensions.Options;

namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>
/// Waits out directory replication (a just-created object answers 404 for seconds to minutes) with the
/// configured poll interval and deadline, on the injected clock.
/// </summary>
public sealed class ReplicationWait(TimeProvider time, IOptions<TenantClientsOptions> options)
{
    public TimeProvider Time => time;

    public TimeSpan PollInterval => options.Value.ReplicationPollInterval;

    public TimeSpan Timeout => options.Value.ReplicationTimeout;

    /// <summary>Runs <paramref name="get"/> until it answers something other than NotFound, or the deadline passes.</summary>
    public Task<ExchangeResult> UntilFoundAsync(IExchangeClient client, ExchangeCommand get, CancellationToken cancellationToken = default) =>
        client.WaitForReplicationAsync(get, time, PollInterval, Timeout, cancellationToken);
}
