using Dropzone.Portal.Testing;

namespace Dropzone.Portal.TenantClients.Tests.Support;

/// <summary>
/// The tenant clients wired exactly as the portal wires them (<see cref="TenantClientsHostExtensions.AddTenantClients"/>,
/// configuration only), with every outgoing call — token endpoint, Exchange, Graph — carried into the
/// in-process tenant emulator. Time is virtual (see <see cref="VirtualTimeProvider"/>).
/// </summary>
public sealed class TenantHarness : IDisposable
{
    private readonly EmulatedTenant _tenant;
    private readonly IServiceScope _scope;

    private TenantHarness(EmulatedTenant tenant)
    {
        _tenant = tenant;
        _scope = tenant.Services.CreateScope();
    }

    public IServiceProvider Services => _scope.ServiceProvider;

    public IExchangeClient Exchange => Services.GetRequiredService<IExchangeClient>();

    public IDirectoryClient Directory => Services.GetRequiredService<IDirectoryClient>();

    public TenantState State => Services.GetRequiredService<TenantState>();

    public VirtualTimeProvider Time => (VirtualTimeProvider)Services.GetRequiredService<TimeProvider>();

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    public static TenantHarness Create(IDictionary<string, string?>? settings = null) =>
        new(EmulatedTenant.Start(new EmulatedTenantOptions
        {
            Clock = new VirtualTimeProvider(),
            Settings = [new("TenantClients:RetryBaseDelay", "00:00:00.010"), .. settings ?? new Dictionary<string, string?>()],
            Configure = builder => builder.Logging.AddFakeLogging(),
        }));

    public void Dispose()
    {
        _scope.Dispose();
        _tenant.Dispose();
    }
}
