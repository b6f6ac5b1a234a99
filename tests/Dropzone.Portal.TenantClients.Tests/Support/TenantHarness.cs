using Dropzone.TenantEmulator;

namespace Dropzone.Portal.TenantClients.Tests.Support;

/// <summary>
/// The tenant clients wired exactly as the portal wires them (<see cref="TenantClientsHostExtensions.AddTenantClients"/>,
/// configuration only), with every outgoing call — token endpoint, Exchange, Graph — carried into the
/// in-process tenant emulator. Time is virtual (see <see cref="VirtualTimeProvider"/>).
/// </summary>
public sealed class TenantHarness : IDisposable
{
    private readonly IHost _host;
    private readonly IServiceScope _scope;

    private TenantHarness(IHost host)
    {
        _host = host;
        _scope = host.Services.CreateScope();
    }

    public IServiceProvider Services => _scope.ServiceProvider;

    public IExchangeClient Exchange => Services.GetRequiredService<IExchangeClient>();

    public IDirectoryClient Directory => Services.GetRequiredService<IDirectoryClient>();

    public TenantState State => Services.GetRequiredService<TenantState>();

    public VirtualTimeProvider Time => (VirtualTimeProvider)Services.GetRequiredService<TimeProvider>();

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    public static TenantHarness Create(IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var configuration = new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = DemoTenant.Instance,
            ["AzureAd:TenantId"] = DemoTenant.TenantId,
            ["AzureAd:ClientId"] = DemoTenant.PortalClientId,
            ["AzureAd:ClientCredentials:0:SourceType"] = "ClientSecret",
            ["AzureAd:ClientCredentials:0:ClientSecret"] = DemoTenant.PortalClientSecret,
            ["TenantClients:RetryBaseDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(new VirtualTimeProvider());
        builder.Services.AddTenantEmulator();
        builder.AddTenantClients(sp => sp.GetRequiredService<EmulatorHttpHandler>());
        return new TenantHarness(builder.Build());
    }

    public void Dispose()
    {
        _scope.Dispose();
        _host.Dispose();
    }
}
