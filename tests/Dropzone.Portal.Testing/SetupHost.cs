using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Data;
using Dropzone.Portal.Features.Runs;
using Dropzone.Portal.Jobs;
using Microsoft.Extensions.Logging;

namespace Dropzone.Portal.Testing;

/// <summary>
/// The portal's back end as the host composes it — SQLite database, Hangfire (SQLite storage and server),
/// tenant clients, audit, setup runs — with the emulated tenant behind the clients, on a data folder the
/// caller chooses (so a second host on the same folder plays a restart). No web server: runs start through
/// the launcher, exactly as the wizard's Apply does.
/// </summary>
public sealed class SetupHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SetupHost(IHost host, string dataDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public IServiceProvider Services => _host.Services;

    public TenantState Tenant => Services.GetRequiredService<TenantState>();

    /// <summary>Builds and starts the host. <paramref name="tenant"/> reuses an emulated tenant (its state survives the "restart").</summary>
    public static async Task<SetupHost> StartAsync(string dataDirectory, IDictionary<string, string?>? settings = null, TenantState? tenant = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = dataDirectory, EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(EmulatedTenant.ClientSettings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(dataDirectory, "portal.db")}",
            ["ConnectionStrings:Jobs"] = $"Data Source={Path.Combine(dataDirectory, "jobs.db")}",
            ["Jobs:QueuePollInterval"] = "00:00:00.050",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddPortalDatabase();
        builder.AddPortalJobs();
        builder.Services.AddTenantEmulator();
        if (tenant is not null)
        {
            builder.Services.AddSingleton(tenant);
        }

        builder.AddTenantClients(sp => sp.GetRequiredService<EmulatorHttpHandler>());
        builder.AddAudit();
        builder.AddSetupRuns();
        var host = builder.Build();
        await host.Services.MigratePortalDatabaseAsync();
        await host.StartAsync();
        return new SetupHost(host, dataDirectory);
    }

    /// <summary>A graceful stop (jobs get their cancellation token) without waiting for them: as close to a kill as a test can get in-process.</summary>
    public Task StopAbruptlyAsync() => StopAsync(TimeSpan.FromMilliseconds(1));

    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(5));

    private async Task StopAsync(TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
