namespace Dropzone.TenantEmulator.Graph;

/// <summary>
/// The subset of Graph's <c>$filter</c> on users that the emulator understands: <c>property eq 'value'</c> and
/// <c>property in ('a','b',…)</c>, joined by <c>or</c>, on id, mail, userPrincipalName and displayName. Quotes
/// inside a literal are doubled, as OData writes them. Graph counts every <c>eq</c> and every value of an
/// <c>in</c> list as a child clause, and without an advanced query refuses more than 15 of them in one filter.
/// </summary>
internal sealed partial class UserFilter
{
    public const int MaxChildClauses = 15;

    private readonly List<(string Property, HashSet<string> Values)> _clauses;

    private UserFilter(List<(string, HashSet<string>)> clauses, int childClauses)
    {
        _clauses = clauses;
        ChildClauses = childClauses;
    }

    /// <summary>How many child clauses Graph counts in this filter (repeated values count again).</summary>
    public int ChildClauses { get; }

    /// <summary>The filter, or null with the reason Graph would give for refusing it.</summary>
    public static UserFilter? Parse(string filter, out string? error)
    {
        error = null;
        var clauses = new List<(string, HashSet<string>)>();
        var childClauses = 0;
        var rest = filter.Trim();
        while (true)
        {
            var m = Clause().Match(rest);
            if (!m.Success)
            {
                error = $"Unsupported or invalid query filter clause specified: '{filter}'.";
                return null;
            }
            var values = m.Groups["one"].Success
                ? [Unquote(m.Groups["one"].Value)]
                : Literal().Matches(m.Groups["list"].Value).Select(l => Unquote(l.Groups["v"].Value)).ToList();
            childClauses += values.Count;
            clauses.Add((m.Groups["p"].Value, new HashSet<string>(values, StringComparer.OrdinalIgnoreCase)));
            rest = rest[m.Length..];
            if (rest.Length == 0)
            {
                return new UserFilter(clauses, childClauses);
            }
            var or = Or().Match(rest);
            if (!or.Success)
            {
                error = $"Unsupported or invalid query filter clause specified: '{filter}'.";
                return null;
            }
            rest = rest[or.Length..];
        }
    }

    public bool Matches(Func<string, string?> property) =>
        _clauses.Exists(c => property(c.Property) is { } value && c.Values.Contains(value));

    private static string Unquote(string literal) => literal.Replace("''", "'", StringComparison.Ordinal);

    [GeneratedRegex(@"^\s*(?<p>id|mail|userPrincipalName|displayName)\s+(?:eq\s+'(?<one>(?:[^']|'')*)'|in\s+\((?<list>\s*'(?:[^']|'')*'(?:\s*,\s*'(?:[^']|'')*')*\s*)\))", RegexOptions.IgnoreCase)]
    private static partial Regex Clause();

    [GeneratedRegex(@"'(?<v>(?:[^']|'')*)'")]
    private static partial Regex Literal();

    [GeneratedRegex(@"^\s+or\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Or();
}
