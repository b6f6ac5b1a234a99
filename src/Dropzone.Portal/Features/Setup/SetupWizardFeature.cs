namespace Dropzone.Portal.Features.Setup;

public static class SetupWizardFeature
{
    /// <summary>The wizard's services. Needs the tenant clients, the database and the setup runs (AddSetupRuns).</summary>
    public static IHostApplicationBuilder AddSetupWizard(this IHostApplicationBuilder builder)
    {
        // Transient: it holds the scoped tenant clients and is resolved from a fresh scope per wizard action.
        builder.Services.TryAddTransient<SetupWizardService>();
        builder.Services.AddSingleton<SetupDraftStore>();
        builder.Services.AddScoped<SetupWizardSession>();
        return builder;
    }

    /// <summary>
    /// <c>GET /setup/script.ps1</c>: the PowerShell of the signed-in admin's draft, exactly as the run would
    /// execute it. Admin-only, like the wizard; it renders from the server's draft, never from browser input.
    /// </summary>
    public static IEndpointRouteBuilder MapSetupWizardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/setup/script.ps1", async (HttpContext context, SetupDraftStore drafts, SetupScriptRenderer renderer) =>
        {
            var objectId = context.User.GetObjectId();
            var draft = objectId is null ? null : await drafts.LoadAsync(objectId, context.RequestAborted);
            if (draft is null)
            {
                return Results.NotFound("There is no setup draft to render: start the wizard at /setup.");
            }
            var script = renderer.Render(draft.State.ToRequest());
            var name = string.IsNullOrWhiteSpace(draft.State.GroupAlias) ? "dropzone-setup" : $"dropzone-setup-{SafeFileName(draft.State.GroupAlias)}";
            return Results.File(System.Text.Encoding.UTF8.GetBytes(script), "text/plain; charset=utf-8", $"{name}.ps1");
        }).RequireAuthorization(PortalPolicies.Admin);
        return endpoints;
    }

    private static string SafeFileName(string alias) =>
        new([.. alias.Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')]);
}
