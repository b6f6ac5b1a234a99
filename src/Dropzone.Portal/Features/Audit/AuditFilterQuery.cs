using System.Globalization;
using Dropzone.Portal.Core.Audit;
using Microsoft.AspNetCore.WebUtilities;

namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// The audit filter as query-string parameters, shared by the page (<c>/audit?run=…</c>, so groups, runs and
/// requests can link to their entries) and the export endpoints, so an export matches what the page shows.
/// </summary>
public sealed record AuditFilterQuery(
    DateTimeOffset? From = null, DateTimeOffset? To = null, string? Actor = null, string? Action = null,
    string? Group = null, AuditOutcome? Outcome = null, string? Q = null, string? Run = null,
    string? Request = null, string? Target = null)
{
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
