using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// The audit filter as query-string parameters, shared by the page (<c>/audit?run=…</c>, so groups, runs and
/// requests can link to their entries) and the export endpoints, so an export matches what the page shows.
/// </summary>
public sealed record AuditFilterQuery
{
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public string? Actor { get; init; }
    public string? Action { get; init; }
    public string? Group { get; init; }
    public AuditOutcome? Outcome { get; init; }
    public string? Q { get; init; }
    public string? Run { get; init; }
    public string? Request { get; init; }
    public string? Target { get; init; }

    public AuditFilter ToFilter() => new()
    {
        From = From,
        To = To,
        Actor = Actor,
        Action = Action,
        GroupId = Group,
        Outcome = Outcome,
        Text = Q,
        RunId = Run,
        RequestId = Request,
        TargetId = Target,
    };

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
