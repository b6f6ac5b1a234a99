using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// The audit filter as query-string parameters, shared by the page (<c>/audit?run=…</c>, so groups, runs and
/// requests can link to their entries) and the export endpoints, so an export matches what the page shows.
/// </summary>
/// <remarks>
/// Every value arrives as text and is parsed here, once for the page and the exports: a value that does not parse is
/// named in a message (the page shows it, an export answers 400 with it), never an unhandled binding error.
/// </remarks>
public sealed record AuditFilterQuery
{
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Actor { get; init; }
    public string? Action { get; init; }
    public string? Group { get; init; }
    public string? Outcome { get; init; }
    public string? Q { get; init; }
    public string? Run { get; init; }
    public string? Request { get; init; }
    public string? Target { get; init; }

    /// <summary>The filter of the values that parse, and a message naming each parameter that does not.</summary>
    public (AuditFilter Filter, IReadOnlyList<string> Problems) Parse()
    {
        var problems = new List<string>();
        var filter = new AuditFilter
        {
            From = ParseTime("from", From, problems),
            To = ParseTime("to", To, problems),
            Actor = Actor,
            Action = Action,
            GroupId = Group,
            Outcome = ParseOutcome(Outcome, problems),
            Text = Q,
            RunId = Run,
            RequestId = Request,
            TargetId = Target,
        };
        return (filter, problems);
    }

    // A time without an offset is taken as UTC, as the filter bar writes it.
    private static DateTimeOffset? ParseTime(string name, string? value, List<string> problems)
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

    private static AuditOutcome? ParseOutcome(string? value, List<string> problems)
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

    public static string ToQueryString(AuditFilter filter)
    {
        var values = new Dictionary<string, string?>
        {
            ["from"] = filter.From?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["to"] = filter.To?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["actor"] = filter.Actor,
            ["action"] = filter.Action,
            ["group"] = filter.GroupId,
            ["outcome"] = filter.Outcome?.ToString(),
            ["q"] = filter.Text,
            ["run"] = filter.RunId,
            ["request"] = filter.RequestId,
            ["target"] = filter.TargetId,
        };
        return QueryHelpers.AddQueryString("", values.Where(v => !string.IsNullOrWhiteSpace(v.Value)));
    }
}
