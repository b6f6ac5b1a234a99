using Dropzone.Portal.Core.Security;
using Dropzone.TenantEmulator;
using Dropzone.TenantEmulator.Directory;
using Dropzone.TenantEmulator.Hosting;
using Microsoft.AspNetCore.Authorization;

namespace Dropzone.Portal.Tenant;

/// <summary>
/// Mounts the built-in tenant emulator when <see cref="TenantConnection.IsEmulated"/>: registers it, points
/// the AzureAd settings at it, and sends every server-side HttpClient into it in-process (EMULATOR.md).
/// </summary>
public static class EmulatedTenant
{
    public static WebApplicationBuilder AddEmulatedTenant(this WebApplicationBuilder builder, TenantConnection connection)
    {
        if (!connection.IsEmulated)
        {
            return builder;
        }
        builder.Services.AddTenantEmulator(options => builder.Configuration.GetSection("TenantEmulator").Bind(options));
        // The emulated tenant replaces whatever AzureAd says: half a real configuration plus the emulator cannot work.
        var emulatorSettings = new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = DemoTenant.Instance,
            ["AzureAd:TenantId"] = DemoTenant.TenantId,
            ["AzureAd:Domain"] = DemoTenant.Domain,
            ["AzureAd:ClientId"] = DemoTenant.PortalClientId,
            ["AzureAd:ClientCredentials:0:SourceType"] = "ClientSecret",
            ["AzureAd:ClientCredentials:0:ClientSecret"] = DemoTenant.PortalClientSecret,
        };
        foreach (var (key, value) in emulatorSettings)
        {
            builder.Configuration[key] = value;
        }
        // The wizard's default app: the demo tenant's Dropzone AI, unless configuration names another.
        builder.Configuration["RestrictedApp:ClientId"] ??= DemoTenant.RestrictedAppId;
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
