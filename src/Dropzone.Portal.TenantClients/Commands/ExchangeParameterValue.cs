namespace Dropzone.Portal.TenantClients.Commands;

/// <summary>
/// The value of one cmdlet parameter. A closed set: every use of a command (wire body, PowerShell
/// rendering, audit record) must handle each kind, so new kinds are added here and nowhere else.
/// </summary>
public abstract record ExchangeParameterValue
{
    private protected ExchangeParameterValue() { }

    public sealed record Text(string Value) : ExchangeParameterValue;

    /// <summary>A switch: <c>-Name</c> when present, <c>-Name:$false</c> when explicitly off (e.g. <c>-Confirm:$false</c>).</summary>
    public sealed record Switch(bool IsPresent) : ExchangeParameterValue;

    /// <summary>A boolean-typed parameter such as <c>RequireSenderAuthenticationEnabled</c>.</summary>
    public sealed record Boolean(bool Value) : ExchangeParameterValue;

    public sealed record Number(long Value) : ExchangeParameterValue;

    public sealed record TextList(IReadOnlyList<string> Values) : ExchangeParameterValue;

    /// <summary>Exchange's add/remove syntax for multi-valued properties (<c>@{Add=...; Remove=...}</c>).</summary>
    public sealed record AddRemove(IReadOnlyList<string> Add, IReadOnlyList<string> Remove) : ExchangeParameterValue;
}

/// <summary>One named parameter. <see cref="IsSecret"/> values never reach the audit record.</summary>
public sealed record ExchangeParameter(string Name, ExchangeParameterValue Value, bool IsSecret = false);
