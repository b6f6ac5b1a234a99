using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dropzone.Portal.Core.Groups;

/// <summary>
/// The name of a restriction mode as stored with a group, a run's plan and a wizard draft
/// ("ApplicationAccessPolicy", "RbacForApplications"). What a mode does is its
/// <see cref="Restriction.IRestrictionMode"/>, found by this name in the <see cref="Restriction.RestrictionModeCatalog"/>.
/// A value rather than an enum so that a new mode is a new registration, not an edit here; stored as the same text
/// the enum it replaces was stored as.
/// </summary>
[JsonConverter(typeof(RestrictionModeJsonConverter))]
public readonly record struct RestrictionMode
{
    private const string AccessPolicyName = "ApplicationAccessPolicy";
    private readonly string? _name;

    public RestrictionMode(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name.Trim();
    }

    /// <summary>The application access policy, the default (as the enum's zero was, so an unset value stays a valid stored one).</summary>
    public static RestrictionMode ApplicationAccessPolicy { get; } = new(AccessPolicyName);

    public static RestrictionMode RbacForApplications { get; } = new("RbacForApplications");

    public string Name => _name ?? AccessPolicyName;

    public bool Equals(RestrictionMode other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;
}

/// <summary>Writes a <see cref="RestrictionMode"/> as its name, the same JSON the enum's string converter wrote.</summary>
public sealed class RestrictionModeJsonConverter : JsonConverter<RestrictionMode>
{
    public override RestrictionMode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } name
            ? new RestrictionMode(name)
            : throw new JsonException("A restriction mode is stored as its name.");

    public override void Write(Utf8JsonWriter writer, RestrictionMode value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
