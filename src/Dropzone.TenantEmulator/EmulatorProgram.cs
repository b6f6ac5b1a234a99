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

    public static int Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddTenantEmulator(options =>
        {
            builder.Configuration.GetSection("TenantEmulator").Bind(options);
            options.AnchorStateFile(builder.Environment.ContentRootPath, DefaultStateFile);
        });
        WebApplication app;
        try
        {
            // TenantEmulator:TlsCertificate: the https endpoints' certificate, made on first start (compose demos).
            if (builder.Configuration["TenantEmulator:TlsCertificate"] is { Length: > 0 } certificatePath)
            {
                var certificate = EmulatorCertificate.LoadOrCreate(Path.GetFullPath(certificatePath, builder.Environment.ContentRootPath),
                    (builder.Configuration["TenantEmulator:TlsHostNames"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries));
                builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
            }
            app = builder.Build();
            app.MapGet("/", () => Results.Redirect(TenantEmulatorExtensions.MountPrefix + "/_control/state"));
            app.MapTenantEmulator();
            app.MapTenantEmulatorAtRoot();
        }
        catch (InvalidOperationException ex)
        {
            // A setting or the state file is wrong: say which, without a stack trace burying it.
            Console.Error.WriteLine($"The tenant emulator cannot start: {ex.Message}");
            return 1;
        }
        app.Run();
        return 0;
    }
}
