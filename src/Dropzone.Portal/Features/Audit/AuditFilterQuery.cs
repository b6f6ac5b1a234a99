using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// The audit filter as query-string parameters, shared by the page (<c>/audit?run=…</c>, so groups, runs and
/// requests can link to their entries) and the export endpoints, so an export matches what the page shows. Each
/// parameter is named once, below, with how it is written from and read into an <see cref="AuditFilter"/>.
/// </summary>
/// <remarks>
/// Every value arrives as text and is parsed here, once for the page and the exports: a value that does not parse is
/// named in a message (the page shows it, an export answers 400 with it), never an unhandled binding error.
/// </remarks>
public static class AuditFilterQuery
{
    private sealed record Parameter(
        string Name, Func<AuditFilter, string?> Write, Func<AuditFilter, string, List<string>, AuditFilter> Read);

    private static readonly Parameter[] Parameters =
    [
        new("from", f => WriteTime(f.From), (f, v, problems) => f with { From = ReadTime("from", v, problems) }),
        new("to", f => WriteTime(f.To), (f, v, problems) => f with { To = ReadTime("to", v, problems) }),
        new("actor", f => f.Actor, (f, v, _) => f with { Actor = v }),
        new("action", f => f.Action, (f, v, _) => f with { Action = v }),
        new("group", f => f.GroupId, (f, v, _) => f with { GroupId = v }),
        new("outcome", f => f.Outcome?.ToString(), (f, v, problems) => f with { Outcome = ReadOutcome(v, problems) }),
        new("q", f => f.Text, (f, v, _) => f with { Text = v }),
        new("run", f => f.RunId, (f, v, _) => f with { RunId = v }),
        new("request", f => f.RequestId, (f, v, _) => f with { RequestId = v }),
        new("target", f => f.TargetId, (f, v, _) => f with { TargetId = v }),
    ];

    /// <summary>The filter of a URL's query string (the page's address).</summary>
    public static (AuditFilter Filter, IReadOnlyList<string> Problems) ParseUri(string uri) =>
        Parse(QueryHelpers.ParseQuery(new Uri(uri).Query));

    /// <summary>The filter of the values that parse, and a message naming each parameter that does not.</summary>
    public static (AuditFilter Filter, IReadOnlyList<string> Problems) Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        // Names match as the framework's parameter binding matches them: ignoring case; of a repeated one, the last counts.
        var values = query.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var filter = AuditFilter.None;
        foreach (var parameter in Parameters)
        {
            if (values.TryGetValue(parameter.Name, out var value) && value.Count > 0 && value[^1] is { } text)
            {
                filter = parameter.Read(filter, text, problems);
            }
        }
        return (filter, problems);
    }

    public static string ToQueryString(AuditFilter filter) =>
        QueryHelpers.AddQueryString("", Parameters
            .Select(p => KeyValuePair.Create(p.Name, p.Write(filter)))
            .Where(v => !string.IsNullOrWhiteSpace(v.Value)));

    private static string? WriteTime(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // A time without an offset is taken as UTC, as the filter bar writes it.
    private static DateTimeOffset? ReadTime(string name, string value, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }
        problems.Add($"The parameter \"{name}\" must be a date and time such as 2026-01-31T08:00:00Z; \"{value}\" is not one.");
        return null;
    }

    private static AuditOutcome? ReadOutcome(string value, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (!int.TryParse(value, out _) && Enum.TryParse<AuditOutcome>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            return parsed;
        }
        problems.Add($"The parameter \"outcome\" must be one of {string.Join(", ", Enum.GetNames<AuditOutcome>())}; \"{value}\" is not one.");
        return null;
    }
}
