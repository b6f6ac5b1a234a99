using Dropzone.Portal.TenantClients.Graph;
using Dropzone.TenantEmulator.Control;

namespace Dropzone.Portal.Testing;

/// <summary>How an <see cref="EmulatedTenant"/> is built.</summary>
public sealed record EmulatedTenantOptions
{
    /// <summary>Settings over <see cref="EmulatedTenant.ClientSettings"/> (retry delays, notifications, ...); a later key wins.</summary>
    public IEnumerable<KeyValuePair<string, string?>>? Settings { get; init; }

    /// <summary>The clock of the whole host: emulator, clients and every added service. Null: the system clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>
    /// A clock for the emulator alone, which then runs in a container of its own: the clients keep
    /// <see cref="Clock"/>, so their retry back-off never waits on a clock the test moves.
    /// </summary>
    public TimeProvider? TenantClock { get; init; }

    /// <summary>More services in the clients' host (a database, the request services, fake logging).</summary>
    public Action<HostApplicationBuilder>? Configure { get; init; }
}

/// <summary>
/// The in-process tenant emulator and the portal's real tenant clients wired to it exactly as the portal wires them
/// (<see cref="TenantClientsHostExtensions.AddTenantClients"/>, configuration only): tokens, Exchange and Graph
/// calls all go over HTTP into the emulator. The one emulator + clients set-up every test fixture builds on.
/// </summary>
public sealed class EmulatedTenant : IAsyncDisposable, IDisposable
{
    private readonly IHost _host;
    private readonly ServiceProvider? _separateEmulator;

    private EmulatedTenant(IHost host, ServiceProvider? separateEmulator)
    {
        _host = host;
        _separateEmulator = separateEmulator;
    }

    /// <summary>The portal's app registration in the emulated tenant, as the emulator defines it for any host.</summary>
    public static IReadOnlyDictionary<string, string?> ClientSettings { get; } =
        EmulatedTenantSettings.Required.ToDictionary(p => p.Key, p => (string?)p.Value);

    /// <summary>The clients' host (and whatever <see cref="EmulatedTenantOptions.Configure"/> added).</summary>
    public IServiceProvider Services => _host.Services;

    public IServiceProvider EmulatorServices => _separateEmulator ?? _host.Services;

    public TenantState Tenant => EmulatorServices.GetRequiredService<TenantState>();

    public EmulatorHttpHandler Handler => EmulatorServices.GetRequiredService<EmulatorHttpHandler>();

    public IExchangeClient Exchange => Services.GetRequiredService<IExchangeClient>();

    public IDirectoryClient Directory => Services.GetRequiredService<IDirectoryClient>();

    public static EmulatedTenant Start(EmulatedTenantOptions? options = null)
    {
        options ??= new EmulatedTenantOptions();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(WithOverrides(options.Settings));
        if (options.Clock is { } clock)
        {
            builder.Services.AddSingleton(clock);
        }

        ServiceProvider? separate = null;
        if (options.TenantClock is { } tenantClock)
        {
            separate = new ServiceCollection().AddSingleton(tenantClock).AddTenantEmulator().BuildServiceProvider();
            var handler = separate.GetRequiredService<EmulatorHttpHandler>();
            builder.AddTenantClients(_ => handler);
        }
        else
        {
            builder.Services.AddTenantEmulator();
            builder.AddTenantClients(sp => sp.GetRequiredService<EmulatorHttpHandler>());
        }

        options.Configure?.Invoke(builder);
        return new EmulatedTenant(builder.Build(), separate);
    }

    /// <summary><see cref="ClientSettings"/> with <paramref name="overrides"/> on top.</summary>
    public static Dictionary<string, string?> WithOverrides(IEnumerable<KeyValuePair<string, string?>>? overrides)
    {
        var settings = new Dictionary<string, string?>(ClientSettings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>The emulator's whole state, as its control surface reports it.</summary>
    public System.Text.Json.Nodes.JsonObject Snapshot() => EmulatorServices.GetRequiredService<ControlService>().Snapshot();

    public void Dispose()
    {
        _host.Dispose();
        _separateEmulator?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }

        if (_separateEmulator is not null)
        {
            await _separateEmulator.DisposeAsync();
        }
    }
}
