namespace Dropzone.TenantEmulator;

/// <summary>
/// Runs the tenant emulator as its own process (for compose demos). The portal normally mounts it
/// in-process under <c>/_emulator</c> instead.
/// </summary>
public static class EmulatorProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/", () => "Dropzone tenant emulator");
        app.Run();
    }
}
