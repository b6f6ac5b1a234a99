namespace Dropzone.TenantEmulator.Hosting;

/// <summary>
/// The emulator without any web host: for client tests that only need an <see cref="HttpClient"/> whose
/// requests to login.*, graph.microsoft.com and outlook.office365.com are answered in-process.
/// </summary>
/// <example><code>
/// using var tenant = InProcessTenant.Create(new FakeTimeProvider());
/// using var http = tenant.CreateHttpClient();
/// </code></example>
public sealed class InProcessTenant : IDisposable
{
    private readonly ServiceProvider _services;

    private InProcessTenant(ServiceProvider services) => _services = services;

    public TenantState State => _services.GetRequiredService<TenantState>();
    public EmulatorHttpHandler Handler => _services.GetRequiredService<EmulatorHttpHandler>();

    public static InProcessTenant Create(TimeProvider? timeProvider = null, Action<EmulatorOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddTenantEmulator(configure);
        var provider = services.BuildServiceProvider();
        try
        {
            // Loaded now: a state file that cannot be read fails here, with its message.
            provider.GetRequiredService<TenantState>();
        }
        catch
        {
            provider.Dispose();
            throw;
        }
        return new InProcessTenant(provider);
    }

    /// <summary>A client on the shared handler; disposing the client leaves the handler usable.</summary>
    public HttpClient CreateHttpClient() => new(Handler, disposeHandler: false);

    public void Dispose() => _services.Dispose();
}
