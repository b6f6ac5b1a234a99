namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// The name of a step, as stored with a run's steps and plan; the engine finds the step to run by it in the
/// <see cref="Steps.SetupStepCatalog"/>. A value rather than an enum so that a restriction mode brings its own
/// steps without an edit here; stored as the same text the enum it replaces was stored as. The steps every
/// plan has are named here; a mode names its own beside them (for example <c>EnsureAccessPolicyStep.StepKind</c>).
/// </summary>
[JsonConverter(typeof(NamedValueJsonConverter<SetupStepKind>))]
public readonly record struct SetupStepKind : INamedValue<SetupStepKind>
{
    private readonly string? _name;

    public SetupStepKind(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name.Trim();
    }

    public static SetupStepKind EnsureApp { get; } = new(nameof(EnsureApp));
    public static SetupStepKind EnsureGroup { get; } = new(nameof(EnsureGroup));
    public static SetupStepKind EnsureOwners { get; } = new(nameof(EnsureOwners));
    public static SetupStepKind EnsureMembers { get; } = new(nameof(EnsureMembers));
    public static SetupStepKind WaitForReplication { get; } = new(nameof(WaitForReplication));
    public static SetupStepKind Verify { get; } = new(nameof(Verify));

    public string Name => _name ?? "";

    public bool Equals(SetupStepKind other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public static SetupStepKind FromName(string name) => new(name);

    public override string ToString() => Name;
}
