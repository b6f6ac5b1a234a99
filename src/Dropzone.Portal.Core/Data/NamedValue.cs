namespace Dropzone.Portal.Core.Data;

/// <summary>
/// A value known by its name (a restriction mode, a step kind): stored and written to JSON as that name, the
/// same text the enums these values replaced were stored as.
/// </summary>
public interface INamedValue<TSelf> where TSelf : struct, INamedValue<TSelf>
{
    string Name { get; }

    static abstract TSelf FromName(string name);
}

/// <summary>Writes an <see cref="INamedValue{TSelf}"/> as its name and reads it back; anything else is refused.</summary>
public sealed class NamedValueJsonConverter<T> : JsonConverter<T> where T : struct, INamedValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } name
            ? T.FromName(name)
            : throw new JsonException($"A {typeof(T).Name} is stored as its name.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
