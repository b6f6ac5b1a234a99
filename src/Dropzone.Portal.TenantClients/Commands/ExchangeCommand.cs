using System.Buffers;
using System.Text.Json.Nodes;

namespace Dropzone.Portal.TenantClients.Commands;

/// <summary>How a command may be sent again after an ambiguous failure (timeout, 5xx).</summary>
public enum ReplaySafety
{
    /// <summary>Get-*/Test-*: reads, always safe to send again.</summary>
    ReadOnly,

    /// <summary>Set-/Add-/Remove-/Update-*: sending again reaches the same end state.</summary>
    Idempotent,

    /// <summary>New-*: a second send may create a duplicate or fail with "already exists", so it is replayed
    /// only when the service said it did not run the first one (429).</summary>
    Create,

    /// <summary>
    /// Large writes such as Update-DistributionGroupMember: a timeout may or may not have applied the change, and
    /// sending thousands of members again only repeats the timeout. Replayed only on 429; otherwise the caller
    /// reads the state back (the portal's membership sync does).
    /// </summary>
    ReadBackFirst,
}

/// <summary>
/// One Exchange cmdlet call: a name and ordered, typed parameters. The single source of truth for the
/// InvokeCommand body (<see cref="WriteInvokeCommandBody"/>), the PowerShell an admin can paste
/// (<see cref="ToPowerShell"/>) and the audit record (<see cref="ToAuditText"/>, <see cref="ToAuditJson"/>).
/// Immutable: the builder methods return new commands.
/// </summary>
public sealed class ExchangeCommand
{
    private readonly ExchangeParameter[] _parameters;

    private readonly ReplaySafety? _replaySafety;

    private ExchangeCommand(string cmdletName, ExchangeParameter[] parameters, ReplaySafety? replaySafety = null, IReadOnlyList<string>? properties = null)
    {
        CmdletName = cmdletName;
        _parameters = parameters;
        _replaySafety = replaySafety;
        Properties = properties;
    }

    /// <summary>
    /// The only properties wanted of each row (OData <c>$select</c> on the InvokeCommand URL, as the module's
    /// property sets do), or null for all. A 10,000-mailbox listing shrinks to the few columns a reader needs.
    /// </summary>
    public IReadOnlyList<string>? Properties { get; }

    public string CmdletName { get; }

    public IReadOnlyList<ExchangeParameter> Parameters => _parameters;

    public string Verb => CmdletName[..CmdletName.IndexOf('-', StringComparison.Ordinal)];

    public ReplaySafety ReplaySafety => _replaySafety ?? Verb switch
    {
        "Get" or "Test" => ReplaySafety.ReadOnly,
        "New" => ReplaySafety.Create,
        _ => ReplaySafety.Idempotent,
    };

    /// <summary>Starts a command. Prefer the typed factories in <see cref="ExchangeCommands"/>.</summary>
    public static ExchangeCommand Create(string cmdletName)
    {
        // The name is rendered unquoted into PowerShell and put in a header, so it must be a plain Verb-Noun.
        if (!IsVerbNoun(cmdletName))
        {
            throw new ArgumentException($"'{cmdletName}' is not a Verb-Noun cmdlet name.", nameof(cmdletName));
        }

        return new ExchangeCommand(cmdletName, []);
    }

    public ExchangeCommand With(string name, ExchangeParameterValue value, bool isSecret = false)
    {
        // Parameter names are rendered unquoted (-Name), so only letters and digits are allowed.
        if (!IsParameterName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid parameter name.", nameof(name));
        }

        if (_parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"Parameter '{name}' is already set on {CmdletName}.", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(value);
        value.Validate();
        return new ExchangeCommand(CmdletName, [.. _parameters, new ExchangeParameter(name, value, isSecret)], _replaySafety, Properties);
    }

    /// <summary>Overrides the verb-based <see cref="ReplaySafety"/>.</summary>
    public ExchangeCommand WithReplaySafety(ReplaySafety safety) => new(CmdletName, _parameters, safety, Properties);

    /// <summary>Asks for only these properties of each row (<see cref="Properties"/>).</summary>
    public ExchangeCommand Selecting(params string[] properties)
    {
        if (properties.Length == 0 || !properties.All(IsParameterName))
        {
            throw new ArgumentException("Each selected property must be a plain property name.", nameof(properties));
        }

        return new(CmdletName, _parameters, _replaySafety, properties);
    }

    public ExchangeCommand With(string name, string value, bool isSecret = false) =>
        With(name, new ExchangeParameterValue.Text(value), isSecret);

    /// <summary>Adds the parameter only when <paramref name="value"/> is not null.</summary>
    public ExchangeCommand WithOptional(string name, string? value) =>
        value is null ? this : With(name, value);

    public ExchangeCommand WithOptional(string name, bool? value) =>
        value is null ? this : With(name, new ExchangeParameterValue.Boolean(value.Value));

    public ExchangeCommand WithList(string name, IEnumerable<string> values) =>
        With(name, new ExchangeParameterValue.TextList([.. values]));

    public ExchangeCommand WithOptionalList(string name, IEnumerable<string>? values) =>
        values is null ? this : WithList(name, values);

    public ExchangeCommand WithSwitch(string name, bool isPresent = true) =>
        With(name, new ExchangeParameterValue.Switch(isPresent));

    public ExchangeCommand WithAddRemove(string name, IEnumerable<string>? add, IEnumerable<string>? remove) =>
        With(name, new ExchangeParameterValue.AddRemove([.. add ?? []], [.. remove ?? []]));

    public ExchangeParameterValue? this[string name] =>
        _parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    // ---- (a) the InvokeCommand body ------------------------------------------------------------

    /// <summary>Writes <c>{"CmdletInput":{"CmdletName":..,"Parameters":{..}}}</c>.</summary>
    public void WriteInvokeCommandBody(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("CmdletInput"u8);
        writer.WriteString("CmdletName"u8, CmdletName);
        writer.WriteStartObject("Parameters"u8);
        foreach (var parameter in _parameters)
        {
            writer.WritePropertyName(parameter.Name);
            parameter.Value.WriteJson(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public byte[] ToInvokeCommandBody()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteInvokeCommandBody(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    // ---- (b) PowerShell ------------------------------------------------------------------------

    /// <summary>
    /// One line of Exchange Online PowerShell that does what the API call does. Every value is a
    /// single-quoted literal, so no input can expand variables, run subexpressions or end the command.
    /// </summary>
    public string ToPowerShell() => Render(redact: false, maxListItems: int.MaxValue);

    public override string ToString() => ToAuditText();

    /// <summary>PowerShell-like text for the audit record: secrets masked, long lists summarised.</summary>
    public string ToAuditText(int maxListItems = AuditListItems) => Render(redact: true, maxListItems);

    public const int AuditListItems = 5;
    private const string Mask = "********";

    private string Render(bool redact, int maxListItems)
    {
        var sb = new StringBuilder(CmdletName.Length + (_parameters.Length * 24));
        sb.Append(CmdletName);
        foreach (var parameter in _parameters)
        {
            sb.Append(" -").Append(parameter.Name);
            if (redact && parameter.IsSecret)
            {
                sb.Append(' ').Append(QuotePowerShell(Mask));
                continue;
            }

            parameter.Value.AppendPowerShell(sb, maxListItems);
        }

        return sb.ToString();
    }

    /// <summary>
    /// A PowerShell single-quoted literal. Inside single quotes PowerShell expands nothing; the only
    /// escape is a doubled quote, and it counts the typographic quotes U+2018–U+201B as single quotes
    /// too, so each of those is doubled as well.
    /// </summary>
    public static string QuotePowerShell(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('\'');
        foreach (var c in value)
        {
            sb.Append(c);
            if (IsPowerShellSingleQuote(c))
            {
                sb.Append(c);
            }
        }

        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>
    /// A literal in argument position. PowerShell takes an argument whose value is exactly <c>--%</c> as the
    /// stop-parsing token even when it is quoted, and then reads the rest of the line verbatim (found by the
    /// property test); in parentheses it is an ordinary expression.
    /// </summary>
    public static string QuoteArgument(string value) =>
        value == StopParsing ? $"({QuotePowerShell(value)})" : QuotePowerShell(value);

    private const string StopParsing = "--%";

    public static bool IsPowerShellSingleQuote(char c) => c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B';

    // ---- (c) audit JSON ------------------------------------------------------------------------

    /// <summary>Structured audit form: secrets masked, long lists cut to a few items plus a count.</summary>
    public JsonObject ToAuditJson(int maxListItems = AuditListItems)
    {
        var parameters = new JsonObject();
        foreach (var parameter in _parameters)
        {
            parameters[parameter.Name] = parameter.IsSecret ? JsonValue.Create(Mask) : parameter.Value.ToAuditNode(maxListItems);
        }

        return new JsonObject { ["cmdlet"] = CmdletName, ["parameters"] = parameters };
    }

    private static bool IsVerbNoun(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < name.Length - 1 && name.LastIndexOf('-') == dash
            && name.All(c => c == '-' || char.IsAsciiLetterOrDigit(c));
    }

    private static bool IsParameterName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
}
