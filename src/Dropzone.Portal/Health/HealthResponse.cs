using System.Text.Json;

namespace Dropzone.Portal.Health;

/// <summary>
/// Writes a health report: 200 when Healthy or Degraded (the UI still serves), 503 when Unhealthy. Anonymous
/// callers (probes, the internet) get the status alone; the checks, their descriptions and timings, which
/// name files, servers and failures, are for signed-in admins.
/// </summary>
internal static class HealthResponse
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static Task WriteLiveAsync(HttpContext context) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, new { status = nameof(HealthStatus.Healthy) });

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        var statusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var showDetails = context.User.Identity?.IsAuthenticated == true
            && (await authorization.AuthorizeAsync(context.User, PortalPolicies.Admin)).Succeeded;
        object body = showDetails
            ? new
            {
                status = report.Status.ToString(),
                totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
                checks = report.Entries.Select(e => new
                {
                    name = e.Key,
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description ?? e.Value.Exception?.GetType().Name,
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                }),
            }
            : new { status = report.Status.ToString() };
        await WriteJsonAsync(context, statusCode, body);
    }

    private static Task WriteJsonAsync(HttpContext context, int statusCode, object body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        // A cached "Healthy" from an intermediary would hide an outage from the orchestrator.
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions), context.RequestAborted);
    }
}
