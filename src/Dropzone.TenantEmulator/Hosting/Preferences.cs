namespace Dropzone.TenantEmulator.Hosting;

/// <summary>
/// The <c>Prefer</c> header (RFC 7240) as OData services read it: preferences separated by commas (clients also
/// use semicolons), names case-insensitive, optional spaces around '=' — e.g.
/// <c>odata.maxpagesize = 1000; odata.continue-on-error</c>, as a widely used client sends it.
/// </summary>
public sealed class Preferences
{
    private readonly Dictionary<string, string?> _values;

    private Preferences(Dictionary<string, string?> values) => _values = values;

    public static Preferences Parse(string? header)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in (header ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? token : token[..eq].Trim();
            var value = eq < 0 ? null : token[(eq + 1)..].Trim().Trim('"');
            values.TryAdd(name, value);
        }
        return new Preferences(values);
    }

    /// <summary><c>odata.continue-on-error</c> (its value may be omitted or "true").</summary>
    public bool ContinueOnError =>
        _values.TryGetValue("odata.continue-on-error", out var v) && (v is null || !v.Equals("false", StringComparison.OrdinalIgnoreCase));

    /// <summary><c>odata.maxpagesize</c>, capped at what the service allows.</summary>
    public int MaxPageSize(int serviceMaximum) =>
        _values.TryGetValue("odata.maxpagesize", out var v) && int.TryParse(v, out var requested) && requested > 0 ? Math.Min(requested, serviceMaximum) : serviceMaximum;
}
