using Dropzone.Portal.Components.Viewer;
using MudBlazor.Services;

namespace Dropzone.Portal.Components;

/// <summary>The Blazor Server UI: interactive server components, MudBlazor, and the pages' endpoints.</summary>
public static class PortalComponents
{
    public static IHostApplicationBuilder AddPortalComponents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<ViewerSettings>();
        return builder;
    }

    public static WebApplication MapPortalComponents(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
