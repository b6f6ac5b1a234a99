using Dropzone.TenantEmulator;

namespace Dropzone.Portal.Tenant;

/// <summary>
/// Decides which tenant the portal talks to (<see cref="TenantConnection"/>) and, when it is the built-in
/// emulator, mounts it: registers it, applies its settings, and sends every server-side HttpClient into it
/// in-process (EMULATOR.md).
/// </summary>
public static class TenantRegistration
{
    /// <summary>The emulated tenant's file, beside the portal's database unless <c>TenantEmulator:StateFile</c> says otherwise.</summary>
    public const string StateFileName = "emulated-tenant.json";

    /// <summary>First of all registrations: it refuses the emulator in Production with its own message.</summary>
    public static IHostApplicationBuilder AddTenantConnection(this IHostApplicationBuilder builder)
    {
        var connection = TenantConnection.FromConfiguration(builder.Configuration, builder.Environment);
        builder.Properties[typeof(TenantConnection)] = connection;
        builder.Services.AddSingleton(connection);
        builder.Services.AddSingleton<TenantWait>();
        if (!connection.IsEmulated)
        {
            return builder;
        }
        builder.Services.AddTenantEmulator(options =>
        {
            builder.Configuration.GetSection("TenantEmulator").Bind(options);
            // Beside the database, so that a restarted portal continues its runs against the same tenant.
            options.AnchorStateFile(builder.Environment.ContentRootPath,
                Path.Combine(PortalDatabaseDefaults.DataFolderOf(builder.Configuration, builder.Environment.ContentRootPath), StateFileName));
        });
        // The emulated tenant replaces whatever AzureAd says: half a real configuration plus the emulator cannot work.
        foreach (var (key, value) in EmulatedTenantSettings.Required)
        {
            builder.Configuration[key] = value;
        }
        foreach (var (key, value) in EmulatedTenantSettings.Defaults.Where(d => string.IsNullOrWhiteSpace(builder.Configuration[d.Key])))
        {
            builder.Configuration[key] = value;
        }
        // Every HttpClient from IHttpClientFactory (MSAL, Graph, the Exchange client, the issuer validator's
        // named client) goes to the emulator; the handler is shared and survives handler rotation.
        builder.Services.ConfigureHttpClientDefaults(http =>
            http.ConfigurePrimaryHttpMessageHandler(services => services.GetRequiredService<EmulatorHttpHandler>()));
        return builder;
    }

    public static WebApplication MapEmulatedTenant(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TenantConnection>().IsEmulated)
        {
            // The emulated sign-in page and token endpoint are reached before anyone is signed in; the control
            // surface admits the demo's Portal.Admin users and callers on this machine (ControlAccess).
            app.MapTenantEmulator(IsPortalAdminAsync).AllowAnonymous();
        }
        return app;
    }

    private static async Task<bool> IsPortalAdminAsync(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
        && (await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, PortalPolicies.Admin)).Succeeded;
}
