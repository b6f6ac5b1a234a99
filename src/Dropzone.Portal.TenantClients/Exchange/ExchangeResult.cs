namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>
/// The answer to one command: its meaning, the rows (all pages), Exchange's warnings, and what it took.
/// Rows are detached <see cref="JsonElement"/>s; read them with <see cref="ExchangeRows"/>.
/// </summary>
public sealed record ExchangeResult(
    ExchangeCommand Command,
    ExchangeOutcome Outcome,
    IReadOnlyList<JsonElement> Rows,
    IReadOnlyList<string> Warnings,
    int StatusCode,
    int Retries,
    TimeSpan Duration)
{
    public bool IsSuccess => Outcome.IsSuccess;

    public JsonElement? FirstRow => Rows.Count > 0 ? Rows[0] : null;

    /// <summary>
    /// The service declined the call (429 too many requests, 503 unavailable) rather than running out of time on it
    /// (a timeout, a gateway error): whatever it did, nothing is left running. Not a promise that nothing ran; a
    /// creation still looks up before it is sent again (see the client's replay rules).
    /// </summary>
    public bool Declined => StatusCode is 429 or 503;

    /// <summary>
    /// Requests this answer needed one after another beyond its first: further pages, or, for a part of a batch, the
    /// requests sent after the batch (its next pages, or the command resent alone). Callers that count the calls on
    /// their critical path add these.
    /// </summary>
    public int FollowUpCalls { get; init; }

    /// <summary>For callers that treat anything but success as exceptional.</summary>
    public ExchangeResult EnsureSuccess() =>
        IsSuccess ? this : throw new ExchangeCommandException(this);
}

/// <summary>A command that did not reach its desired state; carries the typed outcome.</summary>
public sealed class ExchangeCommandException(ExchangeResult result)
    : Exception($"{result.Command.CmdletName} failed: {result.Outcome.Kind}: {result.Outcome.Message}")
{
    public ExchangeResult Result { get; } = result;

    public ExchangeOutcome Outcome => Result.Outcome;
}
