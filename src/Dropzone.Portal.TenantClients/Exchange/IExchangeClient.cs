namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>
/// Runs Exchange cmdlets. Today over the admin API's InvokeCommand (see docs/decisions); an interface so
/// an official endpoint or a PowerShell host can replace it without touching callers.
/// Never throws for an Exchange answer, only for cancellation by the caller or a missing tenant id
/// (configuration): every answer is an
/// <see cref="ExchangeOutcome"/>.
/// </summary>
public interface IExchangeClient
{
    /// <summary>Runs one command, following <c>@odata.nextLink</c> until all rows are read.</summary>
    Task<ExchangeResult> InvokeAsync(ExchangeCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs many independent commands with as few HTTP calls as possible (<c>$batch</c> of up to 10).
    /// Results come back in the order of <paramref name="commands"/>.
    /// </summary>
    Task<IReadOnlyList<ExchangeResult>> InvokeBatchAsync(IReadOnlyList<ExchangeCommand> commands, CancellationToken cancellationToken = default);
}
