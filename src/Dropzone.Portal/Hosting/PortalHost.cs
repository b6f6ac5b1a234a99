using Dropzone.Portal.Components;
using Dropzone.Portal.TenantClients;

namespace Dropzone.Portal.Hosting;

/// <summary>
/// Composes the portal from its features. Each feature registers itself with one
/// <c>builder.AddXxx()</c> (an <see cref="IHostApplicationBuilder"/> extension, one file in the feature's folder)
/// and, when it serves endpoints or middleware, one <c>app.MapXxx()</c> or <c>app.UseXxx()</c>.
/// </summary>
public static class PortalHost
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder) => builder
        .AddMountedSecrets() // first: every other registration may read a mounted secret
        .AddTenantConnection() // first: refuses the emulator in Production with its own message
        .AddStartupValidation()
        .AddPortalLogging()
        .AddPortalTelemetry()
        .AddPortalHardening()
        .AddForwardedHeadersFromKnownProxies()
        .AddPortalDatabase()
        .AddPortalHealth()
        .AddPortalJobs()
        .AddPortalAuthentication() // before the tenant clients: their token acquisition keeps the sign-in's
        .AddTenantClients()
        .AddPortalSignIn()
        .AddPortalAuthorization()
        .AddSignInAudit()
        .AddAudit()
        .AddAuditViewer()
        .AddHome()
        .AddGroups()
        .AddEffectiveAccess()
        .AddSetupRuns()
        .AddSetupWizard()
        .AddMemberRequests()
        .AddPortalComponents()
        .AddPortalSettingsValidation();

    public static async Task<WebApplication> UsePortalAsync(this WebApplication app)
    {
        await app.Services.PreparePortalDatabaseAsync();

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }
        app.UsePortalHardening();
        app.UsePortalRequestLogging();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UsePortalAuthentication();
        app.UseAntiforgery();

        app.MapPortalHealth();
        app.MapAuthenticationEndpoints();
        app.MapPortalJobsDashboard();
        app.MapAuditEndpoints();
        app.MapEffectiveAccessEndpoints();
        app.MapSetupRunEndpoints();
        app.MapSetupWizardEndpoints();
        app.MapEmulatedTenant();
        app.MapPortalComponents();
        return app;
    }
}
