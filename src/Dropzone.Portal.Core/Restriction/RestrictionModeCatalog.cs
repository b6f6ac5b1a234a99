using System.Diagnostics.CodeAnalysis;

namespace Dropzone.Portal.Core.Restriction;

/// <summary>The registered restriction modes, in registration order (the order the wizard offers them).</summary>
public sealed class RestrictionModeCatalog(IEnumerable<IRestrictionMode> modes)
{
    public IReadOnlyList<IRestrictionMode> All { get; } = [.. modes.DistinctBy(m => m.Name)];

    public IRestrictionMode Get(RestrictionMode name) =>
        TryGet(name, out var mode) ? mode : throw new InvalidOperationException($"The restriction mode {name} is not registered in this portal.");

    public bool TryGet(RestrictionMode name, [NotNullWhen(true)] out IRestrictionMode? mode)
    {
        mode = All.FirstOrDefault(m => m.Name == name);
        return mode is not null;
    }

    /// <summary>The mode's label, or its stored name when this portal does not know it (pages still show such a group).</summary>
    public string Label(RestrictionMode name) => TryGet(name, out var mode) ? mode.Label : name.Name;

    public IRestrictionMode? FindByCode(string code) =>
        All.FirstOrDefault(m => string.Equals(m.Code, code, StringComparison.OrdinalIgnoreCase));
}
