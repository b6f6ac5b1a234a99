namespace Dropzone.TenantEmulator.Exchange;

/// <summary>
/// The <c>Parameters</c> object of an InvokeCommand body, read the way PowerShell binds it: names are
/// case-insensitive, a switch is <c>true</c>, multi-valued parameters are arrays (a single string binds as one item),
/// and <c>{"@odata.type":"#Exchange.GenericHashTable","Add":[..],"Remove":[..]}</c> edits a list.
/// </summary>
public sealed class CmdletParameters
{
    private readonly Dictionary<string, JsonNode?> _values;

    public CmdletParameters(JsonObject? parameters)
    {
        _values = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in parameters ?? [])
        {
            _values[key] = value;
        }
    }

    public IEnumerable<string> Names => _values.Keys;

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Text(string name) => _values.TryGetValue(name, out var v) && v is not null ? ScalarText(v) : null;

    public string Required(string name) =>
        Text(name) is { Length: > 0 } value ? value
        : throw ExchangeCmdletException.BadParameter($"Cannot process command because of one or more missing mandatory parameters: {name}.", ExchangeCmdletException.ParameterBinding);

    public bool Switch(string name) => _values.TryGetValue(name, out var v) && v is not null && v.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => bool.TryParse(v.GetValue<string>(), out var b) && b,
        _ => false,
    };

    public bool? Bool(string name) => Has(name) ? Switch(name) : null;

    /// <summary>A list parameter given as a whole; null when absent or given as an add/remove hashtable.</summary>
    public List<string>? List(string name)
    {
        if (!_values.TryGetValue(name, out var v) || v is null || IsHashTable(v))
        {
            return null;
        }
        return v is JsonArray array ? [.. array.Where(x => x is not null).Select(x => ScalarText(x!))] : [ScalarText(v)];
    }

    public (List<string> Add, List<string> Remove)? HashTableEdit(string name)
    {
        if (!_values.TryGetValue(name, out var v) || v is not JsonObject o || !IsHashTable(o))
        {
            return null;
        }
        return (Items(o, "Add"), Items(o, "Remove"));

        static List<string> Items(JsonObject o, string key)
        {
            var node = o.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
            return node switch
            {
                null => [],
                JsonArray a => [.. a.Where(x => x is not null).Select(x => ScalarText(x!))],
                _ => [ScalarText(node)],
            };
        }
    }

    private static bool IsHashTable(JsonNode v) =>
        v is JsonObject o && (o.ContainsKey("@odata.type") || o.Any(kv => kv.Key.Equals("Add", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals("Remove", StringComparison.OrdinalIgnoreCase)));

    private static string ScalarText(JsonNode v) => v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
}
