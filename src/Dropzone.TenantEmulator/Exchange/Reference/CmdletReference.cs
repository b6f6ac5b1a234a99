namespace Dropzone.TenantEmulator.Exchange.Reference;

/// <summary>One documented parameter of an Exchange Online cmdlet.</summary>
public sealed record ParameterReference(string Name, string Type, int? MaxCharacters, IReadOnlyList<string> DocumentedValues);

/// <summary>An Exchange Online cmdlet as Microsoft's reference documents it: its parameter sets and parameters.</summary>
public sealed record CmdletSignature(string Name, IReadOnlyDictionary<string, IReadOnlySet<string>> ParameterSets, IReadOnlyDictionary<string, ParameterReference> Parameters)
{
    /// <summary>The documented spelling of a parameter, whatever the case it was given in; null when Exchange Online has no such parameter.</summary>
    public ParameterReference? Find(string name) => Parameters.TryGetValue(name, out var p) ? p : null;

    /// <summary>The parameter sets that hold every one of <paramref name="names"/>.</summary>
    public IEnumerable<string> SetsHolding(IEnumerable<string> names) =>
        ParameterSets.Where(set => names.All(set.Value.Contains)).Select(set => set.Key);
}

/// <summary>
/// The Exchange Online cmdlet reference (<c>exchange-cmdlets.json</c>, taken from MicrosoftDocs/office-docs-powershell):
/// the emulator binds parameters against it as PowerShell binds them against the real cmdlet, and the contract
/// tests hold the portal's commands to it. Parameters that exist only on-premises are absent, so they bind as unknown.
/// </summary>
public static class CmdletReference
{
    private static readonly Lazy<IReadOnlyDictionary<string, CmdletSignature>> Loaded = new(Load);

    public static IReadOnlyDictionary<string, CmdletSignature> Cmdlets => Loaded.Value;

    /// <summary>The documentation commit the reference was taken from.</summary>
    public static string SourceCommit { get; private set; } = "";

    private static Dictionary<string, CmdletSignature> Load()
    {
        using var stream = typeof(CmdletReference).Assembly.GetManifestResourceStream("exchange-cmdlets.json")
            ?? throw new InvalidOperationException("The embedded Exchange cmdlet reference is missing.");
        using var document = JsonDocument.Parse(stream);
        SourceCommit = document.RootElement.GetProperty("commit").GetString() ?? "";
        var cmdlets = new Dictionary<string, CmdletSignature>(StringComparer.OrdinalIgnoreCase);
        foreach (var cmdlet in document.RootElement.GetProperty("cmdlets").EnumerateObject())
        {
            var parameters = new Dictionary<string, ParameterReference>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in cmdlet.Value.GetProperty("parameters").EnumerateObject())
            {
                var max = p.Value.TryGetProperty("max_characters", out var m) ? m.GetInt32() : (int?)null;
                IReadOnlyList<string> values = p.Value.TryGetProperty("documented_values", out var v) ? [.. v.EnumerateArray().Select(x => x.GetString()!)] : [];
                parameters[p.Name] = new ParameterReference(p.Name, p.Value.GetProperty("type").GetString() ?? "String", max, values);
            }
            // A parameter documented for "(All)" sets belongs to each, even where the syntax block spells it differently
            // (New-ApplicationAccessPolicy: PolicyScopeGroupId in the syntax, PolicyScopeGroupID in the parameter table).
            var everySet = cmdlet.Value.GetProperty("parameters").EnumerateObject()
                .Where(p => p.Value.GetProperty("mandatory_in").EnumerateArray().Any(m => m.GetString() == "(All)"))
                .Select(p => p.Name).ToList();
            var sets = cmdlet.Value.GetProperty("parameter_sets").EnumerateObject().ToDictionary(
                s => s.Name,
                s => (IReadOnlySet<string>)new HashSet<string>(s.Value.EnumerateArray().Select(x => x.GetString()!).Concat(everySet), StringComparer.OrdinalIgnoreCase));
            cmdlets[cmdlet.Name] = new CmdletSignature(cmdlet.Name, sets, parameters);
        }
        return cmdlets;
    }
}
