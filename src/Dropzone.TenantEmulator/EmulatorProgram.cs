namespace Dropzone.TenantEmulator;

/// <summary>
/// Runs the tenant emulator as its own process (for compose demos and several portal instances sharing one
/// tenant), on http://localhost:5090 by default, keeping its tenant in a state file across restarts.
/// The portal normally mounts it in-process under <c>/_emulator</c> instead.
/// </summary>
public static class EmulatorProgram
{
    /// <summary>Where the tenant is kept unless <c>TenantEmulator:StateFile</c> says otherwise (empty: in memory only).</summary>
    public const string DefaultStateFile = "data/emulated-tenant.json";

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddTenantEmulator(options =>
        {
            builder.Configuration.GetSection("TenantEmulator").Bind(options);
            options.AnchorStateFile(builder.Environment.ContentRootPath, DefaultStateFile);
        });
        var app = builder.Build();
        app.MapGet("/", () => Results.Redirect(TenantEmulatorExtensions.MountPrefix + "/_control/state"));
        app.MapTenantEmulator();
        app.Run();
    }
}
