namespace Dropzone.Portal.Tests.Components;

/// <summary>bUnit context with MudBlazor registered once; MudBlazor's JS calls are answered loosely.</summary>
public abstract class PortalComponentContext : BunitContext
{
    protected PortalComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddScoped<Dropzone.Portal.Components.Viewer.ViewerSettings>();
    }
}
