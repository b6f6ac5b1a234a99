namespace Dropzone.TenantEmulator;

/// <summary>
/// Runs the tenant emulator as its own process (for compose demos), on http://localhost:5090 by default.
/// The portal normally mounts it in-process under <c>/_emulator</c> instead.
/// </summary>
public static class EmulatorProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddTenantEmulator(options => builder.Configuration.GetSection("TenantEmulator").Bind(options));
        var app = builder.Build();
        app.MapGet("/", () => Results.Redirect(TenantEmulatorExtensions.MountPrefix + "/_control/state"));
        app.MapTenantEmulator();
        app.Run();
    }
}
