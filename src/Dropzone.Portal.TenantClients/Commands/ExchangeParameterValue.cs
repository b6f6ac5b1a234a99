using System.Text.Json.Nodes;

namespace Dropzone.Portal.TenantClients.Commands;

/// <summary>
/// The value of one cmdlet parameter. A closed set, and each kind owns all of its forms (wire body,
/// PowerShell rendering, audit record), so a new kind is added here and nowhere else.
/// </summary>
public abstract record ExchangeParameterValue
{
    private protected ExchangeParameterValue() { }

    /// <summary>The value in the InvokeCommand body.</summary>
    internal abstract void WriteJson(Utf8JsonWriter writer);

    /// <summary>What follows <c>-Name</c> on the PowerShell line; lists longer than <paramref name="maxListItems"/> are summarised.</summary>
    internal abstract void AppendPowerShell(StringBuilder sb, int maxListItems);

    /// <summary>The structured audit form; lists longer than <paramref name="maxListItems"/> are cut to a count and the first few.</summary>
    internal abstract JsonNode ToAuditNode(int maxListItems);

    /// <summary>Refuses a value that holds null, before any form of it is written.</summary>
    internal virtual void Validate() { }

    // The forms of a list of strings, shared by the list-valued kinds.

    private protected static void WriteJsonArray(Utf8JsonWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteStartArray();
        foreach (var item in values)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    private protected static void AppendPowerShellList(StringBuilder sb, IReadOnlyList<string> values, int maxItems)
    {
        // A bare 'a' would be a scalar, not a one-element array; @() keeps the type PowerShell binds.
        if (values.Count <= 1)
        {
            sb.Append("@(");
            if (values.Count == 1)
            {
                sb.Append(ExchangeCommand.QuoteArgument(values[0]));
            }

            sb.Append(')');
            return;
        }

        var shown = Math.Min(values.Count, maxItems);
        for (var i = 0; i < shown; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(ExchangeCommand.QuoteArgument(values[i]));
        }

        if (shown < values.Count)
        {
            sb.Append(CultureInfo.InvariantCulture, $" <# +{values.Count - shown} more, {values.Count} in all #>");
        }
    }

    private protected static JsonNode AuditList(IReadOnlyList<string> values, int maxItems)
    {
        if (values.Count <= maxItems)
        {
            return new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }

        return new JsonObject
        {
            ["count"] = values.Count,
            ["first"] = new JsonArray([.. values.Take(maxItems).Select(v => (JsonNode?)JsonValue.Create(v))]),
        };
    }

    public sealed record Text(string Value) : ExchangeParameterValue
    {
        internal override void WriteJson(Utf8JsonWriter writer) => writer.WriteStringValue(Value);

        internal override void AppendPowerShell(StringBuilder sb, int maxListItems) =>
            sb.Append(' ').Append(ExchangeCommand.QuoteArgument(Value));

        internal override JsonNode ToAuditNode(int maxListItems) => JsonValue.Create(Value);

        internal override void Validate() => ArgumentNullException.ThrowIfNull(Value);
    }

    /// <summary>A switch: <c>-Name</c> when present, <c>-Name:$false</c> when explicitly off (e.g. <c>-Confirm:$false</c>).</summary>
    public sealed record Switch(bool IsPresent) : ExchangeParameterValue
    {
        internal override void WriteJson(Utf8JsonWriter writer) => writer.WriteBooleanValue(IsPresent);

        internal override void AppendPowerShell(StringBuilder sb, int maxListItems)
        {
            if (!IsPresent)
            {
                sb.Append(":$false");
            }
        }

        internal override JsonNode ToAuditNode(int maxListItems) => JsonValue.Create(IsPresent);
    }

    /// <summary>A boolean-typed parameter such as <c>RequireSenderAuthenticationEnabled</c>.</summary>
    public sealed record Boolean(bool Value) : ExchangeParameterValue
    {
        internal override void WriteJson(Utf8JsonWriter writer) => writer.WriteBooleanValue(Value);

        internal override void AppendPowerShell(StringBuilder sb, int maxListItems) => sb.Append(Value ? ":$true" : ":$false");

        internal override JsonNode ToAuditNode(int maxListItems) => JsonValue.Create(Value);
    }

    public sealed record Number(long Value) : ExchangeParameterValue
    {
        internal override void WriteJson(Utf8JsonWriter writer) => writer.WriteNumberValue(Value);

        internal override void AppendPowerShell(StringBuilder sb, int maxListItems) =>
            sb.Append(' ').Append(Value.ToString(CultureInfo.InvariantCulture));

        internal override JsonNode ToAuditNode(int maxListItems) => JsonValue.Create(Value);
    }

    public sealed record TextList(IReadOnlyList<string> Values) : ExchangeParameterValue
    {
        internal override void WriteJson(Utf8JsonWriter writer) => WriteJsonArray(writer, Values);

        internal override void AppendPowerShell(StringBuilder sb, int maxListItems)
        {
            sb.Append(' ');
            AppendPowerShellList(sb, Values, maxListItems);
        }

        internal override JsonNode ToAuditNode(int maxListItems) => AuditList(Values, maxListItems);

        internal override void Validate()
        {
            if (Values.Any(v => v is null))
            {
                throw new ArgumentException("A list value contains null.");
            }
        }
    }

    /// <summary>Exchange's add/remove syntax for multi-valued properties (<c>@{Add=...; Remove=...}</c>).</summary>
    public sealed record AddRemove(IReadOnlyList<string> Add, IReadOnlyList<string> Remove) : ExchangeParameterValue
    {
        internal override void WriteJson(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteString("@odata.type"u8, "#Exchange.GenericHashTable"u8);
            if (Add.Count > 0)
            {
                writer.WritePropertyName("Add"u8);
                WriteJsonArray(writer, Add);
            }

            if (Remove.Count > 0)
            {
                writer.WritePropertyName("Remove"u8);
                WriteJsonArray(writer, Remove);
            }

            writer.WriteEndObject();
        }

        internal override void AppendPowerShell(StringBuilder sb, int maxListItems)
        {
            sb.Append(" @{");
            if (Add.Count > 0)
            {
                sb.Append("Add=");
                AppendPowerShellList(sb, Add, maxListItems);
            }

            if (Remove.Count > 0)
            {
                sb.Append(Add.Count > 0 ? "; Remove=" : "Remove=");
                AppendPowerShellList(sb, Remove, maxListItems);
            }

            sb.Append('}');
        }

        internal override JsonNode ToAuditNode(int maxListItems) => new JsonObject
        {
            [nameof(Add)] = AuditList(Add, maxListItems),
            [nameof(Remove)] = AuditList(Remove, maxListItems),
        };

        internal override void Validate()
        {
            if (Add.Any(v => v is null) || Remove.Any(v => v is null))
            {
                throw new ArgumentException("An add/remove value contains null.");
            }
        }
    }
}

/// <summary>One named parameter. <see cref="IsSecret"/> values never reach the audit record.</summary>
public sealed record ExchangeParameter(string Name, ExchangeParameterValue Value, bool IsSecret = false);
