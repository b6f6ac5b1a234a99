using Dropzone.Portal.Components;
using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Data;
using Dropzone.Portal.Features.Audit;
using Dropzone.Portal.Features.Home;
using Dropzone.Portal.Features.Requests;
using Dropzone.Portal.Features.Runs;
using Dropzone.Portal.Features.Setup;
using Dropzone.Portal.Health;
using Dropzone.Portal.Jobs;
using Dropzone.Portal.Logging;
using Dropzone.Portal.Security;
using Dropzone.Portal.Telemetry;
using Dropzone.Portal.Tenant;
using Dropzone.Portal.TenantClients;
using MudBlazor.Services;

namespace Dropzone.Portal.Hosting;

/// <summary>Composes the portal: each feature area registers itself here, in one place.</summary>
public static class PortalHost
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        // First: refuses the emulator in Production with its own message, before settings are checked.
        var tenant = TenantConnection.FromConfiguration(builder.Configuration, builder.Environment);
        builder.ValidatePortalSettings(tenant);
        builder.AddPortalLogging();
        builder.AddPortalTelemetry();
        builder.AddPortalHardening();
        builder.AddForwardedHeadersFromKnownProxies();
        builder.AddPortalDatabase();
        builder.AddPortalHealth();
        builder.AddPortalJobs();
        builder.AddAudit();
        builder.AddSetupRuns();
        builder.AddSetupWizard();

        builder.Services.AddSingleton(tenant);
        builder.AddEmulatedTenant(tenant);
        builder.AddPortalAuthentication(tenant);
        builder.AddTenantClients();
        builder.AddPortalSignIn();
        builder.AddSignInAudit();
        builder.AddPortalAuthorization();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<PortalOverviewService>();
        builder.Services.AddScoped<IOverviewContributor, SetupOverviewContributor>();
        builder.Services.AddSetupRunActions();
        builder.Services.AddScoped<Dropzone.Portal.Features.Groups.GroupViews>();
        builder.Services.AddScoped<Dropzone.Portal.Features.Groups.GroupAdminActions>();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.AddMemberRequests();
        builder.AddPortalSettingsValidation();
        return builder;
    }

    public static async Task<WebApplication> UsePortalAsync(this WebApplication app)
    {
        await app.Services.MigratePortalDatabaseAsync();

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
        app.MapSetupRunEndpoints();
        app.MapSetupWizardEndpoints();
        app.MapEmulatedTenant();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
