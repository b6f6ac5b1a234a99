namespace Dropzone.TenantEmulator.Hosting;

/// <summary>OData services match property names case-insensitively; SDKs rely on it (e.g. Graph's "Message").</summary>
internal static class JsonProperties
{
    public static JsonNode? Get(JsonNode? node, string name) =>
        node is JsonObject o ? o.FirstOrDefault(kv => kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value : null;

    public static string? Text(JsonNode? node) =>
        node is not null && node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
