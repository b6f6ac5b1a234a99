using System.Text.Json;
using Dropzone.Portal.TenantClients.Commands;

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

    /// <summary>The HTTP requests the answer took: one per page (a part of a <c>$batch</c> counts as none of its own).</summary>
    public int Requests { get; init; }

    public JsonElement? FirstRow => Rows.Count > 0 ? Rows[0] : null;

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
