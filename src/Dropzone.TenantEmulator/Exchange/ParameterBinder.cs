using Dropzone.TenantEmulator.Exchange.Reference;

namespace Dropzone.TenantEmulator.Exchange;

/// <summary>
/// Binds an InvokeCommand's parameters against the cmdlet's published signature the way PowerShell and Exchange
/// Online do: an unknown (or on-premises-only) name, names from different parameter sets, a value outside the
/// documented ones or over the documented length are refused with Exchange's texts; every documented parameter binds.
/// </summary>
internal static class ParameterBinder
{
    /// <summary>Parameters PowerShell accepts on every cmdlet; they change nothing here.</summary>
    public static readonly IReadOnlySet<string> CommonParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Confirm", "WhatIf", "ErrorAction", "WarningAction", "Verbose", "Debug", "InformationAction",
    };

    public static ExchangeCmdletException? Bind(CmdletSignature signature, CmdletParameters parameters)
    {
        var named = parameters.Names.Where(n => !CommonParameters.Contains(n)).ToList();
        if (named.FirstOrDefault(n => signature.Find(n) is null) is { } unknown)
        {
            return Refuse($"A parameter cannot be found that matches parameter name '{unknown}'.");
        }
        if (!signature.SetsHolding(named).Any())
        {
            return Refuse("Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.");
        }
        foreach (var name in named)
        {
            var reference = signature.Find(name)!;
            foreach (var value in parameters.Values(name))
            {
                if (reference.DocumentedValues.Count > 0 && !reference.DocumentedValues.Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    return Refuse($"Cannot process argument transformation on parameter '{reference.Name}'. Cannot convert value \"{value}\" to type \"{reference.Type}\". " +
                        $"Error: \"Unable to match the identifier name {value} to a valid enumerator name. Specify one of the following enumerator names and try again: {string.Join(", ", reference.DocumentedValues)}\"");
                }
                if (reference.MaxCharacters is { } max && value.Length > max)
                {
                    return ExchangeCmdletException.BadParameter(
                        $"The length of the property is too long. The maximum length is {max} and the length of the value provided is {value.Length}.",
                        ExchangeCmdletException.DataValidation, target: reference.Name);
                }
            }
        }
        return null;
    }

    private static ExchangeCmdletException Refuse(string text) => ExchangeCmdletException.BadParameter(text, ExchangeCmdletException.ParameterBinding);

    /// <summary>The scalar values of a parameter: each item of a list, each added item of an add/remove hashtable.</summary>
    private static IEnumerable<string> Values(this CmdletParameters parameters, string name) =>
        parameters.List(name) ?? (parameters.HashTableEdit(name) is { } edit ? edit.Add : []);


}
