namespace Dropzone.Portal.Features.Runs;

public static class SetupRunEndpoints
{
    /// <summary><c>GET /runs/{id}/diagnostics</c>: the support bundle of a run (no secrets or tokens), for admins.</summary>
    public static IEndpointConventionBuilder MapSetupRunEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/runs/{runId:guid}/diagnostics", async (Guid runId, SetupDiagnostics diagnostics, CancellationToken cancellationToken) =>
            await diagnostics.ExportAsync(runId, cancellationToken) is { } bundle
                ? Results.File(bundle, "application/json", $"dropzone-setup-run-{runId:N}.json")
                : Results.NotFound())
        .RequireAuthorization(PortalPolicies.Admin);
}
