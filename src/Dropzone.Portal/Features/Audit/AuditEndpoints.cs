namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// <c>GET /audit/export.csv</c> and <c>/audit/export.jsonl</c> with the page's filter parameters. The rows stream
/// from the database to the response: memory stays flat whatever the size of the export.
/// </summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var audit = endpoints.MapGroup("/audit").RequireAuthorization(PortalPolicies.ReadAudit);
        audit.MapGet("/export.csv", (HttpContext context, AuditQueryService audits) =>
            ExportAsync(context, audits, AuditExportFormat.Csv, "text/csv; charset=utf-8", "csv"));
        audit.MapGet("/export.jsonl", (HttpContext context, AuditQueryService audits) =>
            ExportAsync(context, audits, AuditExportFormat.JsonLines, "application/jsonl; charset=utf-8", "jsonl"));
        return endpoints;
    }

    private static async Task ExportAsync(
        HttpContext context, AuditQueryService audits, AuditExportFormat format, string contentType, string extension)
    {
        var (filter, problems) = AuditFilterQuery.Parse(context.Request.Query);
        if (problems.Count > 0)
        {
            // Nothing is exported under a filter other than the one asked for.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(string.Join("\n", problems), context.RequestAborted);
            return;
        }
        // The policy let the caller in; the scope decides which rows they get (owners: their groups only).
        var scope = await context.RequestServices.GetRequiredService<AuditViewerScope>().ForAsync(context.User, context.RequestAborted);
        if (scope is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var time = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        context.Response.ContentType = contentType;
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{time:yyyyMMdd-HHmmss}.{extension}\"";
        await audits.ExportAsync(filter, scope, format, context.Response.Body, context.RequestAborted);
    }
}
