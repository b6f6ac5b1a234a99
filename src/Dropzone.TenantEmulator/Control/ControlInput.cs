namespace Dropzone.TenantEmulator.Control;

/// <summary>Reading control-call bodies: a value that is missing or of the wrong kind is a 400 naming the field, never a 500.</summary>
internal static class ControlInput
{
    public static EmulatorResponse Invalid(string field, string message) =>
        EmulatorResponse.Json(400, new JsonObject { ["error"] = $"{field} {message}", ["field"] = field });

    /// <summary>An optional field: absent is fine (<paramref name="value"/> stays default), present must be a <typeparamref name="T"/>.</summary>
    public static bool TryRead<T>(JsonNode? body, string field, string expected, out T? value, out EmulatorResponse? error)
    {
        value = default;
        error = null;
        var node = body is JsonObject o ? o[field] : null;
        if (node is null)
        {
            return true;
        }
        if (node is JsonValue v && v.TryGetValue(out T? read))
        {
            value = read;
            return true;
        }
        error = Invalid(field, $"must be {expected}.");
        return false;
    }

    /// <summary>"$.throttleRate" → "throttleRate": the field a deserialisation error is about.</summary>
    public static string FieldOf(JsonException exception) =>
        exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
}
