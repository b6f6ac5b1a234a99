namespace Dropzone.Portal.Core.Groups;

/// <summary>
/// The name of a restriction mode as stored with a group, a run's plan and a wizard draft
/// ("ApplicationAccessPolicy", "RbacForApplications"). What a mode does is its
/// <see cref="Restriction.IRestrictionMode"/>, found by this name in the <see cref="Restriction.RestrictionModeCatalog"/>.
/// A value rather than an enum so that a new mode is a new registration, not an edit here; stored as the same text
/// the enum it replaces was stored as.
/// </summary>
[JsonConverter(typeof(NamedValueJsonConverter<RestrictionMode>))]
public readonly record struct RestrictionMode : INamedValue<RestrictionMode>
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

    public static RestrictionMode FromName(string name) => new(name);

    public override string ToString() => Name;
}
