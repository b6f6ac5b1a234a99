namespace Dropzone.Portal.Features.Access;

/// <summary>
/// <c>GET /access/{groupId}/export.csv[?all=true]</c>: the effective access of the group's application as CSV, times in UTC.
/// The policy admits admins, auditors and owners; the group's View operation then decides (403 for another's group).
/// </summary>
public static class EffectiveAccessEndpoints
{
    public static IEndpointRouteBuilder MapEffectiveAccessEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/access").RequireAuthorization(PortalPolicies.ViewAccess)
            .MapGet("/{groupId:guid}/export.csv", ExportAsync);
        return endpoints;
    }

    private static async Task ExportAsync(HttpContext context, Guid groupId, bool? all, EffectiveAccessViews views, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(context.RequestAborted))
        {
            if (!await db.ManagedGroups.AnyAsync(g => g.Id == groupId, context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
        }

        var report = await views.EstablishAsync(context.User, groupId, context.RequestAborted);
        if (report is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition =
            $"attachment; filename=\"effective-access-{report.Group.Alias}-{report.EstablishedAt.UtcDateTime:yyyyMMdd-HHmmss}Z.csv\"";
        await EffectiveAccessCsv.WriteAsync(report.Access, all == true, report.EstablishedAt, context.Response.Body, context.RequestAborted);
    }
}
